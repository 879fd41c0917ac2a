# distutils: language = c++
# Found by make fuzz-compiler: a member named like the template parameter pointed at a
# "previous declaration" without a position (a compiler crash).
cdef class Box[T] nogil:
    cdef void put(self, T v):
        self.value = v
