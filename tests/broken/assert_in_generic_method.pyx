# distutils: language = c++
# Found by make fuzz-compiler: `assert` in a method crashed the compiler (the transforms that
# rewrite assert ran before the class's methods were reachable). Here with an error after it.
cdef class Box[T] nogil:
    cdef T value
    cdef T get(self):
        assert False
        return self.value

cdef long use() nogil:
    b = Box[long]()
    return b.get() + undefined_name
