# cyn.lib — the nogil standard library: list, dict, set and string for nogil code (SPEC §5).
#
#     from cyn cimport lib
#
#     cdef long demo() nogil:
#         xs = lib.list[long]()
#         for i in range(10):
#             xs.append(i * i)
#         d = lib.dict[lib.string, long]()
#         d[lib.string(b"nine")] = xs[3]
#         del xs[0]
#         return len(xs) + d[lib.string(b"nine")] + (81 in xs)
#
# The classes are the C++ containers of cyn/lib/*.hpp (engineer-facing docs there); this file
# declares them as extern nogil classes. Special methods are declared under their Python name
# with the C++ name after it (`__getitem__ "getitem"`), which is how the compiler maps
# `xs[i]`, `del xs[i]`, `x in xs`, `len(xs)`, `for x in xs`, `a == b`, `a + b`… to them.
# A method whose C name starts with "::" is a free function taking the object first
# (cyn/stdlib/lib.hpp), for operations the C++ classes spell differently.
# Errors: IndexError, ValueError, KeyError, RuntimeError (changed during iteration),
# TypeError (None where Python wants a list, set, dict or text; unhashable keys; no order),
# as Python raises them (`except +raise_lib_error`). See docs/stdlib.md.
# A `void __iop__` (`__iadd__`, `__imul__`, `__ior__`…) makes `a op= b` change a in place,
# as Python's containers do, instead of assigning a new object to a.

from libcpp.utility cimport pair

cdef extern from "cyn/stdlib/lib.hpp" namespace "cyn::stdlib" nogil:
    # translates cyn::KeyError and the std:: exceptions to Python's (GIL held by Cython)
    void raise_lib_error()

cdef extern from "cyn/stdlib/lib.hpp" namespace "cyn::lib" nogil:
    # an omitted slice bound (xs[:3] → xs.slice(NONE, 3))
    const Py_ssize_t NONE

    cdef class list_iterator[T] nogil:
        bint __next__ "next"(T& out) except +raise_lib_error

    cdef class list[T] nogil:
        __init__()
        Py_ssize_t __len__ "len"()
        T __getitem__ "getitem"(Py_ssize_t i) except +raise_lib_error
        void __setitem__ "setitem"(Py_ssize_t i, T x) except +raise_lib_error
        void __delitem__ "delitem"(Py_ssize_t i) except +raise_lib_error
        list[T] __getslice__ "slice"(Py_ssize_t start, Py_ssize_t stop, Py_ssize_t step) except +raise_lib_error
        void __setslice__ "::cyn::stdlib::list_setslice"(Py_ssize_t start, Py_ssize_t stop, Py_ssize_t step, list[T] values) except +raise_lib_error
        void __delslice__ "delslice"(Py_ssize_t start, Py_ssize_t stop, Py_ssize_t step) except +raise_lib_error
        bint __contains__ "contains"(const T& x) except +raise_lib_error
        list_iterator[T] __iter__ "iter"() except +raise_lib_error
        bint __eq__ "::cyn::stdlib::eq"(list[T] other) except +raise_lib_error
        bint __ne__ "::cyn::stdlib::ne"(list[T] other) except +raise_lib_error
        bint __lt__ "::cyn::stdlib::lt"(list[T] other) except +raise_lib_error
        bint __le__ "::cyn::stdlib::le"(list[T] other) except +raise_lib_error
        bint __gt__ "::cyn::stdlib::gt"(list[T] other) except +raise_lib_error
        bint __ge__ "::cyn::stdlib::ge"(list[T] other) except +raise_lib_error
        list[T] __add__ "add"(list[T] other) except +raise_lib_error
        list[T] __mul__ "repeat"(Py_ssize_t times) except +raise_lib_error
        list[T] __rmul__ "repeat"(Py_ssize_t times) except +raise_lib_error    # 3 * xs
        void __iadd__ "::cyn::stdlib::list_extend"(list[T] other) except +raise_lib_error
        void __imul__ "repeat_in_place"(Py_ssize_t times) except +raise_lib_error
        void append(T x) except +raise_lib_error
        void extend "::cyn::stdlib::list_extend"(list[T] other) except +raise_lib_error
        void insert(Py_ssize_t i, T x) except +raise_lib_error
        T pop() except +raise_lib_error
        T pop(Py_ssize_t i) except +raise_lib_error
        void remove(const T& x) except +raise_lib_error
        Py_ssize_t index(const T& x) except +raise_lib_error
        Py_ssize_t index(const T& x, Py_ssize_t start) except +raise_lib_error
        Py_ssize_t index(const T& x, Py_ssize_t start, Py_ssize_t stop) except +raise_lib_error
        Py_ssize_t count(const T& x) except +raise_lib_error
        # first, so that `xs.sort(reverse=flag)` matches the keyword (Cython reads the names
        # of the first overload)
        void sort(bint reverse) except +raise_lib_error
        void sort() except +raise_lib_error
        void reverse()
        void clear()
        void reserve(size_t n) except +raise_lib_error
        list[T] copy() except +raise_lib_error
        # sum(xs), sum(xs, start), min(xs), max(xs), sorted(xs[, reverse=flag]) in nogil code
        T __cyn_sum__ "::cyn::stdlib::builtin_sum"() except +raise_lib_error
        T __cyn_sum__ "::cyn::stdlib::builtin_sum"(T start) except +raise_lib_error
        T __cyn_min__ "::cyn::stdlib::builtin_min"() except +raise_lib_error
        T __cyn_max__ "::cyn::stdlib::builtin_max"() except +raise_lib_error
        list[T] __cyn_sorted__ "::cyn::stdlib::builtin_sorted"(bint reverse) except +raise_lib_error
        list[T] __cyn_sorted__ "::cyn::stdlib::builtin_sorted"() except +raise_lib_error
        object to_py "::cyn::stdlib::to_py"()               # a copy
        object __to_py__ "::cyn::stdlib::to_view"()        # crossing to Python: a live view
        list[T] __from_py__ "::cyn::stdlib::list_from_py"(object o)

    cdef class string nogil:
        __init__()
        __init__(const char* s)
        __init__(const char* s, size_t n)
        # numbers as Python's str() writes them: lib.string.from_long(-3) == "-3"
        @staticmethod
        string from_long(long long value) except +raise_lib_error
        @staticmethod
        string from_ulong(unsigned long long value) except +raise_lib_error
        @staticmethod
        string from_double(double value) except +raise_lib_error
        const char* c_str()
        const char* data()
        size_t size()
        bint empty()
        Py_ssize_t __len__ "len"()
        int __getitem__ "getitem"(Py_ssize_t i) except +raise_lib_error
        string slice(Py_ssize_t start, Py_ssize_t stop) except +raise_lib_error
        string slice(Py_ssize_t start, Py_ssize_t stop, Py_ssize_t step) except +raise_lib_error
        string __getslice__ "slice"(Py_ssize_t start, Py_ssize_t stop, Py_ssize_t step) except +raise_lib_error   # s[a:b:c]
        # None as text raises TypeError (Python's messages), except where Python reads it
        # as whitespace: split(None[, n]), strip(None), lstrip(None), rstrip(None).
        bint __eq__ "::cyn::stdlib::eq"(string other)
        bint __ne__ "::cyn::stdlib::ne"(string other)
        bint __lt__ "::cyn::stdlib::lt"(string other) except +raise_lib_error
        bint __le__ "::cyn::stdlib::le"(string other) except +raise_lib_error
        bint __gt__ "::cyn::stdlib::gt"(string other) except +raise_lib_error
        bint __ge__ "::cyn::stdlib::ge"(string other) except +raise_lib_error
        long __hash__ "::cyn::stdlib::hash"()
        bint __contains__ "::cyn::stdlib::string_contains"(string sub) except +raise_lib_error
        string __add__ "::cyn::stdlib::string_add"(string other) except +raise_lib_error
        string __mul__ "repeat"(Py_ssize_t times) except +raise_lib_error
        string __rmul__ "repeat"(Py_ssize_t times) except +raise_lib_error     # 3 * s
        bint eq(const char* other) except +raise_lib_error
        int compare(string other) except +raise_lib_error
        Py_ssize_t find(string sub) except +raise_lib_error
        Py_ssize_t find(string sub, Py_ssize_t start) except +raise_lib_error
        Py_ssize_t find(string sub, Py_ssize_t start, Py_ssize_t end) except +raise_lib_error
        Py_ssize_t rfind(string sub) except +raise_lib_error
        Py_ssize_t rfind(string sub, Py_ssize_t start) except +raise_lib_error
        Py_ssize_t rfind(string sub, Py_ssize_t start, Py_ssize_t end) except +raise_lib_error
        Py_ssize_t index(string sub) except +raise_lib_error
        Py_ssize_t index(string sub, Py_ssize_t start) except +raise_lib_error
        Py_ssize_t index(string sub, Py_ssize_t start, Py_ssize_t end) except +raise_lib_error
        Py_ssize_t rindex(string sub) except +raise_lib_error
        Py_ssize_t rindex(string sub, Py_ssize_t start) except +raise_lib_error
        Py_ssize_t rindex(string sub, Py_ssize_t start, Py_ssize_t end) except +raise_lib_error
        Py_ssize_t count(string sub) except +raise_lib_error
        Py_ssize_t count(string sub, Py_ssize_t start) except +raise_lib_error
        Py_ssize_t count(string sub, Py_ssize_t start, Py_ssize_t end) except +raise_lib_error
        bint startswith(string prefix) except +raise_lib_error
        bint startswith(string prefix, Py_ssize_t start) except +raise_lib_error
        bint startswith(string prefix, Py_ssize_t start, Py_ssize_t end) except +raise_lib_error
        bint endswith(string suffix) except +raise_lib_error
        bint endswith(string suffix, Py_ssize_t start) except +raise_lib_error
        bint endswith(string suffix, Py_ssize_t start, Py_ssize_t end) except +raise_lib_error
        # First, because Cython maps keywords by the names of the first overload:
        # `s.split(",", maxsplit=1)`, `s.split(sep=None, maxsplit=1)`. A None sep splits on
        # whitespace, as in Python; `s.split(maxsplit=1)` is compiled as `s.split(None, 1)`.
        list[string] split(string sep, Py_ssize_t maxsplit) except +raise_lib_error
        list[string] split() except +raise_lib_error
        list[string] split(string sep) except +raise_lib_error
        string join(list[string] parts) except +raise_lib_error
        string strip() except +raise_lib_error
        string lstrip() except +raise_lib_error
        string rstrip() except +raise_lib_error
        string strip(string chars) except +raise_lib_error
        string lstrip(string chars) except +raise_lib_error
        string rstrip(string chars) except +raise_lib_error
        string replace(string old, string replacement) except +raise_lib_error
        string replace(string old, string replacement, Py_ssize_t count) except +raise_lib_error
        string upper() except +raise_lib_error
        string lower() except +raise_lib_error
        long long to_long() except +raise_lib_error
        double to_double() except +raise_lib_error
        object to_py "::cyn::stdlib::to_py"()
        string __from_py__ "::cyn::stdlib::string_from_py"(object o)

    # `for k in d` walks keys; d.keys() / d.values() / d.items() are live views (len, `in`,
    # iterable again and again) whose iterators walk the same entries differently.
    cdef class dict_key_iterator "cyn::lib::dict_iterator"[K, V] nogil:
        bint __next__ "next"(K& out) except +raise_lib_error
    cdef class dict_value_iterator "cyn::lib::dict_iterator"[K, V] nogil:
        bint __next__ "next_value"(V& out) except +raise_lib_error
    cdef class dict_item_iterator "cyn::lib::dict_iterator"[K, V] nogil:
        bint __next__ "next_item"(K& key, V& value) except +raise_lib_error
    cdef class dict_keys "cyn::lib::dict_keys_view"[K, V] nogil:
        Py_ssize_t __len__ "len"()
        bint __contains__ "contains"(const K& key) except +raise_lib_error
        dict_key_iterator[K, V] __iter__ "iter"() except +raise_lib_error
        object to_py "::cyn::stdlib::to_py"()               # list(d.keys())
        # sum(), min(), max(), sorted() as Python gives them
        K __cyn_sum__ "::cyn::stdlib::builtin_sum_of"() except +raise_lib_error
        K __cyn_sum__ "::cyn::stdlib::builtin_sum_of"(K start) except +raise_lib_error
        K __cyn_min__ "::cyn::stdlib::builtin_min_of"() except +raise_lib_error
        K __cyn_max__ "::cyn::stdlib::builtin_max_of"() except +raise_lib_error
        list[K] __cyn_sorted__ "::cyn::stdlib::builtin_sorted_of"(bint reverse) except +raise_lib_error
        list[K] __cyn_sorted__ "::cyn::stdlib::builtin_sorted_of"() except +raise_lib_error
    cdef class dict_values "cyn::lib::dict_values_view"[K, V] nogil:
        Py_ssize_t __len__ "len"()
        bint __contains__ "contains"(const V& value) except +raise_lib_error
        dict_value_iterator[K, V] __iter__ "iter"() except +raise_lib_error
        object to_py "::cyn::stdlib::to_py"()               # list(d.values())
        # sum(), min(), max(), sorted() as Python gives them
        V __cyn_sum__ "::cyn::stdlib::builtin_sum_of"() except +raise_lib_error
        V __cyn_sum__ "::cyn::stdlib::builtin_sum_of"(V start) except +raise_lib_error
        V __cyn_min__ "::cyn::stdlib::builtin_min_of"() except +raise_lib_error
        V __cyn_max__ "::cyn::stdlib::builtin_max_of"() except +raise_lib_error
        list[V] __cyn_sorted__ "::cyn::stdlib::builtin_sorted_of"(bint reverse) except +raise_lib_error
        list[V] __cyn_sorted__ "::cyn::stdlib::builtin_sorted_of"() except +raise_lib_error
    cdef class dict_items "cyn::lib::dict_items_view"[K, V] nogil:
        Py_ssize_t __len__ "len"()
        dict_item_iterator[K, V] __iter__ "iter"() except +raise_lib_error
        object to_py "::cyn::stdlib::to_py"()               # list(d.items()): (key, value) tuples

    cdef class dict[K, V] nogil:
        __init__()
        Py_ssize_t __len__ "len"()
        V __getitem__ "getitem"(const K& key) except +raise_lib_error
        void __setitem__ "setitem"(K key, V value) except +raise_lib_error
        void __delitem__ "delitem"(const K& key) except +raise_lib_error
        bint __contains__ "contains"(const K& key) except +raise_lib_error
        dict_key_iterator[K, V] __iter__ "iter"() except +raise_lib_error
        bint __eq__ "::cyn::stdlib::eq"(dict[K, V] other) except +raise_lib_error
        bint __ne__ "::cyn::stdlib::ne"(dict[K, V] other) except +raise_lib_error
        # sum(), min(), max(), sorted() of the keys, as Python gives them
        K __cyn_sum__ "::cyn::stdlib::builtin_sum_of"() except +raise_lib_error
        K __cyn_sum__ "::cyn::stdlib::builtin_sum_of"(K start) except +raise_lib_error
        K __cyn_min__ "::cyn::stdlib::builtin_min_of"() except +raise_lib_error
        K __cyn_max__ "::cyn::stdlib::builtin_max_of"() except +raise_lib_error
        list[K] __cyn_sorted__ "::cyn::stdlib::builtin_sorted_of"(bint reverse) except +raise_lib_error
        list[K] __cyn_sorted__ "::cyn::stdlib::builtin_sorted_of"() except +raise_lib_error
        dict_keys[K, V] keys() except +raise_lib_error
        dict_values[K, V] values() except +raise_lib_error
        dict_items[K, V] items() except +raise_lib_error
        V get(const K& key, V default) except +raise_lib_error
        V pop(const K& key) except +raise_lib_error
        V pop(const K& key, V default) except +raise_lib_error
        V setdefault(K key, V default) except +raise_lib_error
        # removes and returns the last inserted pair (`.first`, `.second`; a tuple in Python)
        pair[K, V] popitem() except +raise_lib_error
        void update(dict[K, V] other) except +raise_lib_error
        void clear()
        void reserve(size_t n) except +raise_lib_error
        dict[K, V] copy() except +raise_lib_error
        list[K] keys_list() except +raise_lib_error
        list[V] values_list() except +raise_lib_error
        object to_py "::cyn::stdlib::to_py"()               # a copy
        object __to_py__ "::cyn::stdlib::to_view"()        # crossing to Python: a live view
        dict[K, V] __from_py__ "::cyn::stdlib::dict_from_py"(object o)

    cdef class set_iterator[T] nogil:
        bint __next__ "next"(T& out) except +raise_lib_error

    cdef class set[T] nogil:
        __init__()
        Py_ssize_t __len__ "len"()
        bint __contains__ "contains"(const T& x) except +raise_lib_error
        set_iterator[T] __iter__ "iter"() except +raise_lib_error
        bint __eq__ "::cyn::stdlib::eq"(set[T] other) except +raise_lib_error
        bint __ne__ "::cyn::stdlib::ne"(set[T] other) except +raise_lib_error
        set[T] __or__ "::cyn::stdlib::set_or"(set[T] other) except +raise_lib_error
        set[T] __and__ "::cyn::stdlib::set_and"(set[T] other) except +raise_lib_error
        set[T] __sub__ "::cyn::stdlib::set_sub"(set[T] other) except +raise_lib_error
        set[T] __xor__ "::cyn::stdlib::set_xor"(set[T] other) except +raise_lib_error
        void __ior__ "::cyn::stdlib::set_ior"(set[T] other) except +raise_lib_error
        void __iand__ "::cyn::stdlib::set_iand"(set[T] other) except +raise_lib_error
        void __isub__ "::cyn::stdlib::set_isub"(set[T] other) except +raise_lib_error
        void __ixor__ "::cyn::stdlib::set_ixor"(set[T] other) except +raise_lib_error
        # subset (<=), proper subset (<), superset (>=), proper superset (>)
        bint __le__ "::cyn::stdlib::le"(set[T] other) except +raise_lib_error
        bint __lt__ "::cyn::stdlib::lt"(set[T] other) except +raise_lib_error
        bint __ge__ "::cyn::stdlib::ge"(set[T] other) except +raise_lib_error
        bint __gt__ "::cyn::stdlib::gt"(set[T] other) except +raise_lib_error
        void add(T x) except +raise_lib_error
        void discard(const T& x) except +raise_lib_error
        void remove(const T& x) except +raise_lib_error
        T pop() except +raise_lib_error
        void clear()
        set[T] copy() except +raise_lib_error
        set[T] union "union_"(set[T] other) except +raise_lib_error
        set[T] intersection(set[T] other) except +raise_lib_error
        set[T] difference(set[T] other) except +raise_lib_error
        set[T] symmetric_difference(set[T] other) except +raise_lib_error
        void update(set[T] other) except +raise_lib_error
        void intersection_update(set[T] other) except +raise_lib_error
        void difference_update(set[T] other) except +raise_lib_error
        void symmetric_difference_update(set[T] other) except +raise_lib_error
        bint issubset(set[T] other) except +raise_lib_error
        bint issuperset(set[T] other) except +raise_lib_error
        bint isdisjoint(set[T] other) except +raise_lib_error
        list[T] to_list() except +raise_lib_error
        T __cyn_sum__ "::cyn::stdlib::builtin_sum"() except +raise_lib_error
        T __cyn_sum__ "::cyn::stdlib::builtin_sum"(T start) except +raise_lib_error
        T __cyn_min__ "::cyn::stdlib::builtin_min"() except +raise_lib_error
        T __cyn_max__ "::cyn::stdlib::builtin_max"() except +raise_lib_error
        list[T] __cyn_sorted__ "::cyn::stdlib::builtin_sorted"(bint reverse) except +raise_lib_error
        list[T] __cyn_sorted__ "::cyn::stdlib::builtin_sorted"() except +raise_lib_error
        object to_py "::cyn::stdlib::to_py"()               # a copy
        object __to_py__ "::cyn::stdlib::to_view"()        # crossing to Python: a live view
        set[T] __from_py__ "::cyn::stdlib::set_from_py"(object o)
