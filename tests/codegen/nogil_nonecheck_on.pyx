# distutils: language = c++
# By default an attribute access on a reference that may be None is checked (a cold call
# raising AttributeError); `self` and a fresh construction are not checked.
# CHECK-LABEL: static int __pyx_f_18nogil_nonecheck_on_get(cyn::Ref<Box> __pyx_v_b) {
# CHECK: if (unlikely(!__pyx_v_b)) { cyn::cy::raise_none_attribute("value");
# CHECK-LABEL: static int __pyx_f_18nogil_nonecheck_on_fresh(void) {
# CHECK-NOT: raise_none_attribute
# CHECK: return __pyx_r;
cdef class Box nogil:
    cdef int value

cdef int get(Box b) nogil:
    return b.value

cdef int fresh() nogil:
    return Box().value
