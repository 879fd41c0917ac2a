# distutils: language = c++
"""lib.string from Cython nogil code, checked against Python's str doing the same."""
from cyn cimport lib

from python_errors import raised, raised_py


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
    try:
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


def str_find(lib.string s, lib.string sub):
    return s.find(sub)


def str_count(lib.string s, lib.string sub):
    return s.count(sub, 0)


def str_index(lib.string s, lib.string sub):
    return s.index(sub)


def str_rfind(lib.string s, lib.string sub):
    return s.rfind(sub, 0, 2)


def str_startswith(lib.string s, lib.string sub):
    return s.startswith(sub)


def str_endswith(lib.string s, lib.string sub):
    return s.endswith(sub, 1)


def str_replace(lib.string s, lib.string old):
    return s.replace(old, lib.string(b"x"))


def str_add(lib.string s, lib.string other):
    cdef lib.string out
    with nogil:
        out = s + other
    return out


def str_in(lib.string s, lib.string sub):
    cdef bint found
    with nogil:
        found = sub in s
    return found


def str_join(lib.string sep, lib.list[lib.string] parts):
    return sep.join(parts)


def str_find_literal_none(lib.string s):
    return s.find(None)


def str_lt(lib.string a, lib.string b):
    cdef bint r
    with nogil:
        r = a < b
    return r


def str_le(lib.string a, lib.string b):
    return a <= b


def str_gt(lib.string a, lib.string b):
    return a > b


def str_ge(lib.string a, lib.string b):
    return a >= b


def test_none_as_text_raises_like_python():
    assert raised(str_find, "abc", None) == raised_py("'abc'.find(None)")
    assert raised(str_find_literal_none, "abc") == raised_py("'abc'.find(None)")
    assert raised(str_count, "abc", None) == raised_py("'abc'.count(None, 0)")
    assert raised(str_index, "abc", None) == raised_py("'abc'.index(None)")
    assert raised(str_rfind, "abc", None) == raised_py("'abc'.rfind(None, 0, 2)")
    assert raised(str_add, "abc", None) == raised_py("'abc' + None")
    assert raised(str_in, "abc", None) == raised_py("None in 'abc'")
    assert raised(str_join, ",", None) == raised_py("','.join(None)")
    assert raised(str_join, ",", ["a", None]) == raised_py("','.join(['a', None])")
    # Python words these per method; the type is the same
    for f, code in ((str_startswith, "'abc'.startswith(None)"), (str_endswith, "'abc'.endswith(None, 1)"),
                    (str_replace, "'abc'.replace(None, 'x')")):
        assert raised(f, "abc", None)[0] is raised_py(code)[0] is TypeError
    for f, op in ((str_lt, "<"), (str_le, "<="), (str_gt, ">"), (str_ge, ">=")):
        assert raised(f, "a", None) == raised_py("'a' %s None" % op)
        assert f("a", "b") == eval("'a' %s 'b'" % op)


def str_split_none(lib.string s):
    return s.split(None).to_py()


def str_split_none_max(lib.string s, Py_ssize_t n):
    return s.split(None, n).to_py()


def str_split_max_keyword(lib.string s, Py_ssize_t n):
    return s.split(sep=None, maxsplit=n).to_py()


def str_split_only_max_keyword(lib.string s, Py_ssize_t n):
    return s.split(maxsplit=n).to_py()


def str_split_sep_max_keyword(lib.string s, lib.string sep, Py_ssize_t n):
    return s.split(sep, maxsplit=n).to_py()


def str_strips(lib.string s, lib.string chars):
    return s.strip(chars).to_py(), s.lstrip(chars).to_py(), s.rstrip(chars).to_py()


def str_strips_literal_none(lib.string s):
    return s.strip(None).to_py(), s.lstrip(None).to_py(), s.rstrip(None).to_py()


def test_none_means_whitespace_for_split_and_strip():
    for text in ("  a b\tc  ", "", "   ", "a", " a  b "):
        assert str_split_none(text) == text.split(None)
        for n in (-1, 0, 1, 2, 5):
            assert str_split_none_max(text, n) == text.split(None, n)
            assert str_split_max_keyword(text, n) == text.split(maxsplit=n)
            assert str_split_only_max_keyword(text, n) == text.split(maxsplit=n)
            assert str_split_sep_max_keyword(text, " ", n) == text.split(" ", maxsplit=n)
        assert str_strips(text, None) == (text.strip(None), text.lstrip(None), text.rstrip(None))
        assert str_strips_literal_none(text) == (text.strip(), text.lstrip(), text.rstrip())
    for text, chars in (("xxaxx", "x"), ("abcba", "ab"), ("aaa", "a"), ("abc", "")):
        assert str_strips(text, chars) == (text.strip(chars), text.lstrip(chars), text.rstrip(chars))


def str_searches(lib.string s, lib.string sub, Py_ssize_t start, Py_ssize_t end):
    return (s.find(sub, start), s.find(sub, start, end), s.rfind(sub, start), s.rfind(sub, start, end),
            s.count(sub, start), s.count(sub, start, end), s.startswith(sub, start),
            s.startswith(sub, start, end), s.endswith(sub, start), s.endswith(sub, start, end))


def str_index_searches(lib.string s, lib.string sub, Py_ssize_t start, Py_ssize_t end):
    return (raised(lambda: s.index(sub, start)), raised(lambda: s.index(sub, start, end)),
            raised(lambda: s.rindex(sub, start)), raised(lambda: s.rindex(sub, start, end)))


def str_indices(lib.string s, lib.string sub, Py_ssize_t start, Py_ssize_t end):
    return s.index(sub, start, end), s.rindex(sub, start, end), s.rindex(sub), s.rindex(sub, start)


def test_searches_with_start_and_end_like_python():
    text = "abcabc"
    for sub in ("", "a", "bc", "abc", "ca", "x", "abcabcd"):
        for start in range(-8, 9):
            for end in range(-8, 9):
                py = (text.find(sub, start), text.find(sub, start, end), text.rfind(sub, start),
                      text.rfind(sub, start, end), text.count(sub, start), text.count(sub, start, end),
                      text.startswith(sub, start), text.startswith(sub, start, end),
                      text.endswith(sub, start), text.endswith(sub, start, end))
                assert str_searches(text, sub, start, end) == py, (sub, start, end)
                try:
                    expected = (text.index(sub, start, end), text.rindex(sub, start, end), text.rindex(sub),
                                text.rindex(sub, start))
                except ValueError as e:
                    assert raised(str_indices, text, sub, start, end) == (ValueError, str(e))
                else:
                    assert str_indices(text, sub, start, end) == expected


def to_double(lib.string s):
    return s.to_double()


def to_long(lib.string s):
    return s.to_long()


def test_number_parsing_like_float_and_int():
    for text in ("1e400", "-1e400", "1e-400", "-1e-400", "1.8e308", "1.7976931348623157e308", "2e-324",
                 "4.9e-324", "1234567890e300", "1e99999999999999999999", "1_000.5", "1e1_0", "1.0_5",
                 "\t1_0\n", "-1_5e-1_0", "+.5e1", "NaN", "-inf", "Infinity", "1__0", "_1", "1_", "1_.5",
                 "1._5", "1e_1", "in_f", "nan(1)", "1e", "e5", ".", "", " ", "0x10", "1_e5"):
        try:
            expected = repr(float(text))
        except ValueError as e:
            assert raised(to_double, text) == (ValueError, str(e)), text
        else:
            assert repr(to_double(text)) == expected, text
    for text in ("1_000", " -1_0 ", "+7", "1__0", "_1", "1_", "1_0_", "0_0"):
        try:
            expected = int(text)
        except ValueError as e:
            assert raised(to_long, text) == (ValueError, str(e)), text
        else:
            assert to_long(text) == expected, text


def test_errors_quoting_text_that_is_not_utf8():
    # the error the C++ code raises, with the raw byte escaped (not a UnicodeDecodeError)
    kind, message = raised(to_long, b"4\xff")
    assert kind is ValueError and message == "invalid literal for int() with base 10: '4\\xff'"
