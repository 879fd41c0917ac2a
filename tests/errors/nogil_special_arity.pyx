# distutils: language = c++
# A special method takes the arguments Python calls it with (the compiler crashed with a
# Python traceback on these).
cdef class Box nogil:
    cdef long x

    def __setitem__(self, long k):
        pass

    def __getitem__(self) -> long:
        return self.x

    def __lt__(self, Box a, Box b):
        return True

    def __len__(self, long extra):
        return 0

    def __next__(self, int x) -> long:
        return 0

    def __add__(self) -> long:
        return 0

    def __pow__(self, long e, long m, long z) -> long:
        return 0

    def __call__(self, long a, long b, long c) -> long:     # any number: fine
        return a + b + c

_ERRORS = """
7:4: special method __setitem__ takes 2 arguments after self, not 1
10:4: special method __getitem__ takes 1 argument after self, not 0
13:4: special method __lt__ takes 1 argument after self, not 2
16:4: special method __len__ takes 0 arguments after self, not 1
19:4: special method __next__ takes 0 arguments after self, not 1
22:4: special method __add__ takes 1 argument after self, not 0
25:4: special method __pow__ takes 1 or 2 arguments after self, not 3
"""
