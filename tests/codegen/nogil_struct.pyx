# distutils: language = c++
# The struct derives from cyn::Object (in its module's namespace, so two modules may each
# define a Point and link against each other), fields are value-initialised, methods are virtual,
# variables are cyn::Ref, construction is cyn::make.
# CHECK: #include "cyn/cython.hpp"
# CHECK: namespace __pyx_nogil_12nogil_struct { struct Point; extern const char cyn_module_marker; }
# CHECK-NEXT: using __pyx_nogil_12nogil_struct::Point;
# CHECK: namespace __pyx_nogil_12nogil_struct {{[{]$}}
# CHECK-NEXT: struct Point : cyn::Object {
# CHECK: double x{};
# CHECK: cyn::Ref<Point> next{};
# CHECK: virtual double norm2(void);
# CHECK-LABEL: struct Point3 : Point {
# CHECK: virtual double norm2(void);
# CHECK-LABEL: static double __pyx_f_12nogil_struct_total(void) {
# CHECK: cyn::Ref<Point> __pyx_v_o;
# CHECK: = cyn::make<Point>(
# CHECK: __pyx_v_o = std::move(
# CHECK: = cyn::make<Point3>(
# CHECK-NOT: PyGILState_Ensure
# CHECK-NOT: Py_INCREF
# CHECK: /* function exit code */

cdef class Point nogil:
    cdef double x, y
    cdef Point next
    def __init__(self, double x=0, double y=0):
        self.x = x
        self.y = y
    cdef double norm2(self) noexcept:
        return self.x * self.x + self.y * self.y

cdef class Point3(Point) nogil:
    cdef double z
    cdef double norm2(self) noexcept:
        return Point.norm2(self) + self.z * self.z

cdef double total() noexcept nogil:
    o = Point(3, 4)
    p = Point3(1, 2)
    o.next = p
    return o.norm2() + o.next.norm2()
