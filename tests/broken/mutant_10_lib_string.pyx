# distutils: language = c++
"""lib.string from Cython nogil code, checked against Python's str doing the same."""
from cyn cimport lib


cdef lib.string s(const char* text) noexcept nogil:
    return lib.string(text)


def test_len_index_slice():
    cdef lib.string a = s(b"hello world")
    py = "hello world"
    assert len(a) == len(py)
    for i in range(-len(py), len(py)):
        assert a[i] == ord(py[i])
    try:
        a[len(py)]
    except IndexError:
        pass
    else:
        assert False
    assert a.slice(2, 7).to_py() == py[2:7]
    assert a.slice(lib.NONE, lib.NONE, -1).to_py() == py[::-1]


def test_compare_and_hash():
    cdef lib.string a = s(b"abc")
    cdef lib.string b = s(b"abc")
    cdef lib.string c = s(b"abd")
    assert a == b and not (a != b) and a is not b
    assert a != c
    assert a < c and a <= c and c > a and c >= a and a <= b and a >= b
    assert not (c < a)
    assert hash(a) == hash(b)
    assert sorted(["abd", "abc", "ab"]) == ["ab", "abc", "abd"]


def test_contains_and_concat():
    cdef lib.string a = s(b"spam and eggs")
    assert s(b"and") in a
    assert s(b"ham") not in a
    assert (s(b"ab") + s(b"cd")).to_py() == "ab" + "cd"
    assert (s(b"ab") * 3).to_py() == "ab" * 3


def test_methods_against_python():
    cdef lib.string a = s(b"  a,b,,c  ")
    py = "  a,b,,c  "
    assert a.strip().to_py() == py.strip()
    assert a.lstrip().to_py() == py.lstrip()
    assert a.rstrip().to_py() == py.rstrip()
    parts = a.strip().split(s(b","))
    assert [parts[i].to_py() for i in range(len(parts))] == py.strip().split(",")
    words = s(b" x  y z ").split()
    assert [words[i].to_py() for i in range(len(words))] == " x  y z ".split()
    assert s(b"-").join(parts).to_py() == "-".join(py.strip().split(","))
    assert s(b"Hello").upper().to_py() == "HELLO"
    assert s(b"Hello").lower().to_py() == "hello"
    assert s(b"aaa").replace(s(b"a"), s(b"bb")).to_py() == "aaa".replace("a", "bb")
    assert s(b"aaa").replace(s(b"a"), s(b"b"), 2).to_py() == "aaa".replace("a", "b", 2)
    assert s(b"banana").find(s(b"na")) == "banana".find("na")
    assert s(b"banana").rfind(s(b"na")) == "banana".rfind("na")
    assert s(b"banana").find(s(b"x")) == -1
    assert s(b"banana").count(s(b"a")) == "banana".count("a")
    assert s(b"banana").startswith(s(b"ban")) and s(b"banana").endswith(s(b"ana"))
    assert s(b" 42 ").to_long() == int(" 42 ")
    assert s(b"2.5").to_double() == float("2.5")
    try
        s(b"4x").to_long()
    except ValueError as e:
        assert str(e) == "invalid literal for int() with base 10: '4x'"
    else:
        assert False
    try:
        s(b"banana").index(s(b"x"))
    except ValueError as e:
        assert str(e) == "substring not found"
    else:
        assert False


cdef long count_spaces(lib.string text) nogil:
    cdef long n = 0
    for i in range(len(text)):
        if text[i] == 32:
            n += 1
    return n


cdef long literal_in_nogil() nogil:
    cdef lib.string t = lib.string(b"x")
    t = "h\u00e9"           # UTF-8: 3 bytes
    return len(t)


def test_nogil_use_and_conversion():
    assert literal_in_nogil() == 3
    cdef lib.string t = "a b c"
    assert count_spaces(t) == 2
    t = b"bytes too"
    assert t.to_py() == "bytes too"
    cdef object o = 5
    try:
        t = o
    except TypeError:
        pass
    else:
        assert False
