# cython: nonecheck=False
# distutils: language = c++
# With nonecheck=False no None test is generated; by default there is one (see run tests).
# CHECK-LABEL: static int __pyx_f_19nogil_nonecheck_off_get(cyn::Ref<Box> __pyx_v_b) {
# CHECK-NOT: raise_none_attribute
# CHECK: __pyx_v_b->value
# CHECK: return __pyx_r;
cdef class Box nogil:
    cdef int value

cdef int get(Box b) noexcept nogil:
    return b.value
