# distutils: language = c++
# The Python wrapper of a cpdef method releases the GIL around the nogil call, and the
# call is checked with the error hint, not PyErr_Occurred().
# CHECK-LABEL: static PyObject *__pyx_pf_26nogil_wrapper_releases_gil_18__cyn_wrap_Counter_{{[0-9]+}}bump({{.*}}) {
# CHECK: PyEval_SaveThread();
# CHECK-NOT: PyErr_Occurred
# CHECK: ->bump(__pyx_v_k);
# CHECK-NEXT: if (CYN_ERROR_PENDING())
# CHECK: PyEval_RestoreThread(_save);
cdef class Counter nogil:
    cdef long n
    cpdef long bump(self, long k):
        self.n += k
        return self.n
