# distutils: language = c++
"""cyn.lib containers of nogil objects whose class defines Python's special methods: each
operation runs on a lib container in nogil code and on the Python built-in holding Python
objects of the same behaviour (class PyCard below), and the results are compared; Python's
errors (unhashable, unorderable, an exception raised by __eq__ or __lt__) arrive as Python's."""
from cyn cimport lib


cdef class Card nogil:
    cdef public long rank
    cdef public long suit

    def __init__(self, long rank, long suit):
        self.rank = rank
        self.suit = suit

    def __eq__(self, Card other):
        if self.rank < 0 or other.rank < 0:
            raise ValueError("negative rank")
        return self.rank == other.rank and self.suit == other.suit

    def __hash__(self):
        return self.rank * 4 + self.suit

    def __lt__(self, Card other):
        if self.rank < 0 or other.rank < 0:
            raise ValueError("negative rank")
        return self.rank < other.rank

    def __repr__(self) -> lib.string:
        return b"Card(" + lib.string.from_long(self.rank) + b", " + lib.string.from_long(self.suit) + b")"


cdef class Collision(Card) nogil:
    """Every object hashes alike: lookups must compare with __eq__."""

    def __hash__(self):
        return 7


cdef class EqOnly nogil:
    cdef long v

    def __init__(self, long v):
        self.v = v

    def __eq__(self, EqOnly other):
        return self.v == other.v


cdef class Plain nogil:
    pass


class PyCard:
    def __init__(self, rank, suit):
        self.rank, self.suit = rank, suit

    def __eq__(self, other):
        if self.rank < 0 or other.rank < 0:
            raise ValueError("negative rank")
        return self.rank == other.rank and self.suit == other.suit

    def __hash__(self):
        return self.rank * 4 + self.suit

    def __lt__(self, other):
        if self.rank < 0 or other.rank < 0:
            raise ValueError("negative rank")
        return self.rank < other.rank

    def __repr__(self):
        return "Card(%d, %d)" % (self.rank, self.suit)


CARDS = [(5, 1), (3, 2), (9, 0), (3, 1), (1, 3), (5, 1), (7, 2), (3, 2)]


cdef lib.list[Card] deck() nogil:
    xs = lib.list[Card]()
    cdef long[8][2] cards = [[5, 1], [3, 2], [9, 0], [3, 1], [1, 3], [5, 1], [7, 2], [3, 2]]
    for i in range(8):
        xs.append(Card(cards[i][0], cards[i][1]))
    return xs


cdef list pairs(lib.list[Card] xs):
    return [(c.rank, c.suit) for c in xs]


def py_deck():
    return [PyCard(r, s) for r, s in CARDS]


cdef long searches(lib.list[Card] xs) except -1 nogil:
    probe = Card(3, 2)     # another object, equal to two items
    return (probe in xs) * 1000 + xs.index(probe) * 100 + xs.count(probe) * 10 + (Card(8, 8) in xs)


def test_list_search_by_eq():
    py = py_deck()
    probe = PyCard(3, 2)
    want = (probe in py) * 1000 + py.index(probe) * 100 + py.count(probe) * 10 + (PyCard(8, 8) in py)
    assert searches(deck()) == want


cdef lib.list[Card] removed(lib.list[Card] xs) except * nogil:
    xs.remove(Card(5, 1))
    return xs


def test_list_remove_by_eq():
    py = py_deck()
    py.remove(PyCard(5, 1))
    assert pairs(removed(deck())) == [(c.rank, c.suit) for c in py]


cdef lib.list[Card] sorted_deck(bint reverse) except * nogil:
    xs = deck()
    xs.sort(reverse=reverse)
    return xs


def test_sort_by_lt_is_stable_like_python():
    for reverse in (False, True):
        py = sorted(py_deck(), reverse=reverse)
        assert pairs(sorted_deck(reverse)) == [(c.rank, c.suit) for c in py]


cdef long distinct(lib.list[Card] xs) except -1 nogil:
    s = lib.set[Card]()
    for c in xs:
        s.add(c)
    d = lib.dict[Card, long]()
    for i in range(len(xs)):
        d[xs[i]] = i
    return len(s) * 1000 + len(d) * 100 + d[Card(3, 2)] * 10 + (Card(9, 0) in s)


def test_set_and_dict_by_hash_and_eq():
    py = py_deck()
    d = {}
    for i, c in enumerate(py):
        d[c] = i
    want = len(set(py)) * 1000 + len(d) * 100 + d[PyCard(3, 2)] * 10 + (PyCard(9, 0) in set(py))
    assert distinct(deck()) == want


cdef long collisions() except -1 nogil:
    s = lib.set[Collision]()
    for i in range(20):
        s.add(Collision(i % 5, 0))
    return len(s) * 10 + (Collision(4, 0) in s) + (Collision(5, 0) in s)


def test_equal_hashes_compare_with_eq():
    assert collisions() == 51


cdef long missing_key() except -1 nogil:
    d = lib.dict[Card, long]()
    d[Card(1, 1)] = 1
    return d[Card(2, 3)]


def test_key_error_shows_the_keys_repr():
    try:
        {PyCard(1, 1): 1}[PyCard(2, 3)]
    except KeyError as e:
        python_text = str(e)
    try:
        missing_key()
    except KeyError as e:
        assert str(e) == python_text == "Card(2, 3)"      # the repr, unquoted, as Python shows it
        assert e.args[0] == "Card(2, 3)"
    else:
        assert False, "no KeyError"


cdef void add_eq_only() except * nogil:
    s = lib.set[EqOnly]()
    s.add(EqOnly(1))


cdef void sort_plain() except * nogil:
    xs = lib.list[Plain]()
    xs.append(Plain())
    xs.append(Plain())
    xs.sort()


def call_add_eq_only():
    add_eq_only()


def call_sort_plain():
    sort_plain()


def test_python_type_errors():
    class PyEqOnly:
        def __eq__(self, other):
            return True
    for nogil_call, python_call in ((call_add_eq_only, lambda: {PyEqOnly()}),
                                    (call_sort_plain, lambda: sorted([object(), object()]))):
        try:
            python_call()
        except TypeError as e:
            expected = str(e).replace("PyEqOnly", "EqOnly").replace("object", "Plain")
        try:
            nogil_call()
        except TypeError as e:
            assert str(e) == expected
        else:
            assert False, "no TypeError"


cdef long raising_lookup() except -1 nogil:
    s = lib.set[Collision]()
    s.add(Collision(1, 0))
    return Collision(-1, 0) in s


cdef lib.list[Card] raising_sort(lib.list[Card] xs) except * nogil:
    xs.append(Card(-1, 0))
    xs.sort()
    return xs


def test_exception_from_a_special_method_propagates_and_loses_nothing():
    try:
        raising_lookup()
    except ValueError as e:
        assert str(e) == "negative rank"
    else:
        assert False, "no ValueError"
    cdef lib.list[Card] xs = deck()
    try:
        raising_sort(xs)
    except ValueError as e:
        assert str(e) == "negative rank"
    else:
        assert False, "no ValueError"
    # Python's sort leaves every item in the list after a raising comparison; so does ours.
    assert sorted(pairs(xs)) == sorted(CARDS + [(-1, 0)])


def test_wrappers_compare_and_hash_with_the_class_methods():
    # SPEC §1: special methods behave like Python's on the wrapper too (Python objects here:
    # the comparisons below are Python's, not the nogil operators).
    cdef object a = Card(3, 1), b = Card(3, 1), c = Card(4, 1)
    assert a == b and not (a != b)
    assert a != c and not (a == c)
    assert hash(a) == hash(b) == 3 * 4 + 1
    assert len({a, b, c}) == 2
    assert (a == "text") is False and (a != "text") is True      # another type: NotImplemented
    assert (a == None) is False
    assert a == a
    cdef object negative = Card(-1, 0)
    try:
        a == negative
    except ValueError as e:
        assert str(e) == "negative rank"
    else:
        assert False, "no ValueError"
    # __eq__ without __hash__: unhashable, as a Python class
    cdef object e1 = EqOnly(1), e2 = EqOnly(1)
    assert e1 == e2
    try:
        hash(e1)
    except TypeError as e:
        assert "unhashable type" in str(e) and "EqOnly" in str(e)
    else:
        assert False, "no TypeError"
    # no __eq__: identity, as object
    cdef object p = Plain(), q = Plain()
    assert p != q and p == p and hash(p) == hash(p)


cdef class Joker(Card) nogil:
    pass


def test_containers_of_objects_convert_to_and_from_python():
    cdef lib.list[Card] xs = [Card(1, 0), Joker(2, 0), None]
    back = xs.to_py()
    assert [type(c).__name__ for c in back[:2]] == ["Card", "Joker"] and back[2] is None
    assert [(c.rank, c.suit) for c in back[:2]] == [(1, 0), (2, 0)]
    cdef lib.set[Card] s = {Card(1, 1), Card(1, 1), Card(2, 1)}     # equal by __eq__/__hash__
    assert len(s) == 2
    cdef lib.dict[Card, long] d = {Card(5, 5): 50}
    assert d[Card(5, 5)] == 50 and Card(5, 5) in d.to_py()
    view = xs                                  # a live view: `in` compares with __eq__
    assert Card(2, 0) in view and Card(3, 0) not in view
    try:
        xs = [Card(1, 0), 5]
    except TypeError as e:
        assert "expected" in str(e) and "Card" in str(e) and "int" in str(e)
    else:
        assert False, "no TypeError"


cdef class Box[T] nogil:
    cdef T value

    def __init__(self, T value):
        self.value = value

    cpdef T get(self):
        return self.value


def test_containers_of_generic_instances_convert():
    xs = lib.list[Box[long]]()
    xs.append(Box[long](4))
    xs.append(Box[long](5))
    back = xs.to_py()
    assert [b.get() for b in back] == [4, 5]
    cdef lib.list[Box[long]] again = back
    assert len(again) == 2 and again[1].get() == 5
