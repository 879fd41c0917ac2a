# distutils: language = c++
cdef class Buf nogil:
    cdef int* data
    def __init__(self, int* data):
        self.data = data
    cpdef int first(self):
        return self.data[0]
        self.data = data

cdef int use() nogil:
    cdef int x = 5
    b = Buf(&x)
    return b.first()

def test_use():
    assert use() == 5

def test_not_from_python():
    try:
        globals()['Buf']()     # the Python type, not the nogil construction
    except TypeError as e:
        ass
    else:
        assert False
