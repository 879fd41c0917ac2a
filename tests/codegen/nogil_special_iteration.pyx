# distutils: language = c++
# (Patterns use {{_}} so that they do not match the source lines Cython copies into comments.)
# Special methods compile to direct C++ calls with no GIL on the success path:
# `for x in xs` over lib.list is an iterator object and a bool-returning next(item);
# `raise StopIteration` in a nogil __next__ sets a thread-local flag instead of a Python error.
from cyn cimport lib

# CHECK-LABEL: long Countdown::__next__(void) {
# CHECK-NOT: {{_}}_Pyx_PyGILState{{_}}Ensure
# CHECK: cyn::stdlib::raise_stop_iteration();
# CHECK-NEXT: __pyx_r = decltype(__pyx_r){};
cdef class Countdown nogil:
    cdef long n

    def __init__(self, long n):
        self.n = n

    def __next__(self) -> long:
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n + 1

# CHECK-LABEL: static long __pyx_f_23nogil_special_iteration_total(cyn::Ref<cyn::lib::list<long> > __pyx_v_xs) {
# CHECK: ->iter()
# CHECK: while (1) {
# CHECK-NOT: {{_}}_Pyx_PyGILState{{_}}Ensure
# CHECK: ->next(__pyx_v__cyn_item_
# CHECK: if (!__pyx_t_{{[0-9]+}}) break;
cdef long total(lib.list[long] xs) except -1 nogil:
    cdef long s = 0
    for x in xs:
        s += x
    return s

# CHECK-LABEL: static long __pyx_f_23nogil_special_iteration_countdown(long __pyx_v_n) {
# CHECK: while (1) {
# CHECK: ->__next__();
# CHECK-NOT: {{_}}_Pyx_PyGILState{{_}}Ensure
# CHECK: cyn::stdlib::take_next(
cdef long countdown(long n) except -1 nogil:
    cdef long s = 0
    for k in Countdown(n):
        s += k
    return s

# CHECK-LABEL: static long __pyx_f_23nogil_special_iteration_item(
# CHECK: ->getitem(
# CHECK: } catch(...) {
# CHECK: cyn::stdlib::raise_lib_error();
cdef long item(lib.dict[long, long] d, long k) except -1 nogil:
    return d[k]
