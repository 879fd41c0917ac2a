# distutils: language = c++
# cython: boundscheck=False
"""The nogil containers driven from Cython nogil code, for benchmarks/containers/run.py.

Each `def` runs one whole workload with the GIL released and returns a checksum (so the work
cannot be optimised away and the runner can compare it with Python's)."""
from cyn cimport lib


cdef long _list_append(long n) except -1 nogil:
    xs = lib.list[long]()
    for i in range(n):
        xs.append(i)
    return len(xs)


cdef long _list_index(lib.list[long] xs, lib.list[long] positions) except -1 nogil:
    cdef long total = 0
    for p in positions:
        total += xs[p]
    return total


cdef long _list_iterate(lib.list[long] xs) except -1 nogil:
    cdef long total = 0
    for x in xs:
        total += x
    return total


cdef long _dict_insert_int(lib.list[long] keys) except -1 nogil:
    d = lib.dict[long, long]()
    cdef long n = len(keys)
    for i in range(n):
        d[keys[i]] = i
    return len(d)


cdef long _dict_lookup_int(lib.dict[long, long] d, lib.list[long] probe) except -1 nogil:
    cdef long total = 0
    for k in probe:
        total += d[k]
    return total


cdef long _dict_insert_str(lib.list[lib.string] keys) except -1 nogil:
    d = lib.dict[lib.string, long]()
    cdef long n = len(keys)
    for i in range(n):
        d[keys[i]] = i
    return len(d)


cdef long _dict_lookup_str(lib.dict[lib.string, long] d, lib.list[lib.string] probe) except -1 nogil:
    cdef long total = 0
    for k in probe:
        total += d[k]
    return total


class Workload:
    """Inputs converted once (outside the timed region) and the timed calls."""

    def __init__(self, n, int_keys, int_probe, positions, str_keys, str_probe):
        self.n = n
        self.xs = lib_list(range(n))
        self.positions = lib_list(positions)
        self.int_keys = lib_list(int_keys)
        self.int_probe = lib_list(int_probe)
        self.str_keys = lib_strings(str_keys)
        self.str_probe = lib_strings(str_probe)     # other objects, same text
        self.int_dict = build_int_dict(self.int_keys)
        self.str_dict = build_str_dict(self.str_keys)


def lib_list(values):
    cdef lib.list[long] xs = list(values)
    return Holder.of_list(xs)


def lib_strings(values):
    cdef lib.list[lib.string] xs = list(values)
    return Holder.of_strings(xs)


cdef class Holder:
    """Keeps a nogil container alive on the Python side without copying it."""
    cdef lib.list[long] ints
    cdef lib.list[lib.string] strings
    cdef lib.dict[long, long] int_dict
    cdef lib.dict[lib.string, long] str_dict

    @staticmethod
    cdef Holder of_list(lib.list[long] xs):
        h = Holder()
        h.ints = xs
        return h

    @staticmethod
    cdef Holder of_strings(lib.list[lib.string] xs):
        h = Holder()
        h.strings = xs
        return h


def build_int_dict(Holder keys):
    cdef lib.dict[long, long] d = lib.dict[long, long]()
    cdef long i
    for i in range(len(keys.ints)):
        d[keys.ints[i]] = i
    h = Holder()
    h.int_dict = d
    return h


def build_str_dict(Holder keys):
    cdef lib.dict[lib.string, long] d = lib.dict[lib.string, long]()
    cdef long i
    for i in range(len(keys.strings)):
        d[keys.strings[i]] = i
    h = Holder()
    h.str_dict = d
    return h


def list_append(w):
    cdef long n = w.n, r
    with nogil:
        r = _list_append(n)
    return r


def list_index(w):
    cdef Holder xs = w.xs, pos = w.positions
    cdef long r
    with nogil:
        r = _list_index(xs.ints, pos.ints)
    return r


def list_iterate(w):
    cdef Holder xs = w.xs
    cdef long r
    with nogil:
        r = _list_iterate(xs.ints)
    return r


def dict_insert_int(w):
    cdef Holder keys = w.int_keys
    cdef long r
    with nogil:
        r = _dict_insert_int(keys.ints)
    return r


def dict_lookup_int(w):
    cdef Holder d = w.int_dict, probe = w.int_probe
    cdef long r
    with nogil:
        r = _dict_lookup_int(d.int_dict, probe.ints)
    return r


def dict_insert_str(w):
    cdef Holder keys = w.str_keys
    cdef long r
    with nogil:
        r = _dict_insert_str(keys.strings)
    return r


def dict_lookup_str(w):
    cdef Holder d = w.str_dict, probe = w.str_probe
    cdef long r
    with nogil:
        r = _dict_lookup_str(d.str_dict, probe.strings)
    return r
