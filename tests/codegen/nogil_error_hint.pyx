# distutils: language = c++
# A method that may raise is checked with the thread's error hint: no GIL and no
# PyErr_Occurred() on the success path; the GIL is taken only where the exception is built.
# CHECK-LABEL: int Counter::bump(int __pyx_v_k) {
# CHECK: if (unlikely(__pyx_t_1)) {
# CHECK: __Pyx_PyGILState_Ensure
# CHECK: cyn_set_error_hint();
# CHECK-LABEL: static int __pyx_f_16nogil_error_hint_run(void) {
# CHECK-NOT: PyGILState_Ensure
# CHECK-NOT: ErrOccurred
# CHECK: ->bump(1);
# CHECK-NEXT: if (CYN_ERROR_PENDING())
# CHECK: /* function exit code */

cdef class Counter nogil:
    cdef int n
    cdef int bump(self, int k):
        if k < 0:
            raise ValueError("negative")
        self.n += k
        return self.n

cdef int run() nogil:
    c = Counter()
    c.bump(1)
    return c.bump(2)
