"""Stage: types — the two types a nogil class introduces into Cython's type system.

`cdef class Point nogil:` declares two things:

* the *struct* — a `CppClassType` (Cython's own C++ class machinery) whose first base is
  `cyn::Object`; it owns the scope with the fields and methods and is emitted as
  `struct Point : cyn::Object {...}`.  Users never name it directly.
* the *reference* — `NogilRefType`, the type the name `Point` is bound to.  Every variable,
  field, argument, return value or temp of type `Point` is a `cyn::Ref<Point>`: a counted
  reference or None.  It is its own type (not a pointer type), so no pointer arithmetic,
  indexing or raw-pointer coercion can go through it; the compiler stages that need to treat
  it specially (attribute access, calls, None, comparisons, conversion to Python) test
  `is_nogil_ref`.

Usage inside the overlay:

    ref = NogilRefType(struct_type, "Point")
    ref.declaration_code("p")          # -> 'cyn::Ref<Point> p'
    ref.assignable_from(other_ref)     # True when other's class derives from Point
"""
from Cython.Compiler import PyrexTypes


OBJECT_CNAME = "cyn::Object"


class NogilRefType(PyrexTypes.CType):
    """The type of a variable holding a counted reference to a nogil object (or None).

    Invariant: `struct_type` is a CppClassType deriving (directly or not) from cyn::Object.
    """
    is_nogil_ref = True
    has_attributes = 1
    is_extern = False            # declared in a `cdef extern from` block (runtime-provided)
    # set by the wrapper stage for classes that have a Python wrapper type
    wrapper = None               # wrapper.WrapperInfo or None
    # exception value used by functions returning a reference: None (nullptr) with a check
    default_value = "nullptr"
    exception_value = "nullptr"    # `except? None`: a None result is confirmed
    to_py_function = None
    from_py_function = None
    subtypes = ['struct_type']

    def __init__(self, struct_type, name):
        self.struct_type = struct_type
        self.name = name

    # ------------------------------------------------------------- identity
    def __eq__(self, other):
        return isinstance(other, NogilRefType) and self.struct_type.same_as(other.struct_type)

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self.struct_type) ^ 0x5a5a

    def __repr__(self):
        return "<NogilRefType %s>" % self.name

    def __str__(self):
        return self.display_name()

    def display_name(self):
        st = self.struct_type
        if st.templates and getattr(st, 'template_type', None) is not None:
            return "%s[%s]" % (self.name, ", ".join(
                t.declaration_code('', for_display=True) for t in st.templates))
        return self.name

    # ------------------------------------------------------------- attribute scope
    @property
    def scope(self):
        return self.struct_type.scope

    def attributes_known(self):
        return self.struct_type.attributes_known()

    # ------------------------------------------------------------- C++ code
    def declaration_code(self, entity_code, for_display=0, dll_linkage=None, pyrex=0):
        if for_display or pyrex:
            return ("%s %s" % (self.display_name(), entity_code)).strip()
        return ("cyn::Ref<%s> %s" % (self.struct_type.empty_declaration_code(), entity_code)).strip()

    def cast_code(self, expr_code):
        return "%s(%s)" % (self.empty_declaration_code(), expr_code)

    # ------------------------------------------------------------- type relations
    def is_subclass_of(self, other):
        """True when objects of self's class may be stored in a reference of type `other`."""
        a, b = self.struct_type, other.struct_type
        return a.same_as(b) or (a.is_cpp_class and a.is_subclass(b))

    def same_as_resolved_type(self, other):
        return (isinstance(other, NogilRefType) and self.struct_type.same_as(other.struct_type)) \
            or other is PyrexTypes.error_type

    def assignable_from_resolved_type(self, other):
        if other is PyrexTypes.error_type:
            return True
        if isinstance(other, NogilRefType):
            return other.is_subclass_of(self)
        return False

    def assignable_from(self, src_type):
        return self.assignable_from_resolved_type(src_type.resolve() if src_type else src_type)

    # ------------------------------------------------------------- templates (extern Channel[T])
    def is_template_type(self):
        return self.struct_type.is_template_type()

    def specialize(self, values):
        st = self.struct_type.specialize(values)
        if st is self.struct_type:
            return self
        return self._derived(st)

    def specialize_here(self, pos, env, template_values=None):
        self.check_instantiable_here(pos)
        return self._derived(self.struct_type.specialize_here(pos, env, template_values))

    def check_instantiable_here(self, pos):
        """A generic class defined in Cython in another module cannot be instantiated here:
        its methods are templates compiled in the defining module only."""
        st = self.struct_type
        if not self.is_extern and not getattr(st, 'nogil_defined_here', True) \
                and not getattr(st, 'cyn_reported_foreign_generic', False):
            from Cython.Compiler.Errors import error
            st.cyn_reported_foreign_generic = True
            error(pos, "generic nogil class '%s' is defined in another module; generic classes "
                       "cannot be used across modules yet" % self.name)

    def _derived(self, struct_type):
        t = NogilRefType(struct_type, self.name)
        t.is_extern = self.is_extern
        t.wrapper = self.wrapper
        return t

    def deduce_template_params(self, actual):
        if isinstance(actual, NogilRefType):
            return self.struct_type.deduce_template_params(actual.struct_type)
        return {}

    def get_fused_types(self, result=None, seen=None, include_function_return_type=False):
        return result if result is not None else []

    # ------------------------------------------------------------- storage inside Python objects
    # Closure/generator scopes and the Python wrapper keep refs in PyObject structs; those
    # are allocated by CPython, so the Ref must be placement-constructed and destroyed
    # explicitly (the same hooks Cython uses for C++ class fields).
    def needs_explicit_construction(self, scope):
        return bool(scope.is_c_class_scope)

    def needs_explicit_destruction(self, scope):
        return bool(scope.is_c_class_scope)

    def generate_explicit_construction(self, code, entry, extra_access_code=""):
        code.put_cpp_placement_new("%s%s" % (extra_access_code, entry.cname))

    def generate_explicit_destruction(self, code, entry, extra_access_code=""):
        code.putln("__Pyx_call_destructor(%s%s);" % (extra_access_code, entry.cname))

    # ------------------------------------------------------------- Python conversion
    def can_coerce_to_pyobject(self, env):
        return self.wrapper is not None

    def can_coerce_from_pyobject(self, env):
        return self.wrapper is not None

    def create_to_py_utility_code(self, env):
        if self.wrapper is None:
            return False
        self.to_py_function = self.wrapper.to_py_cname
        self.wrapper.mark_used(env)
        return True

    def create_from_py_utility_code(self, env):
        if self.wrapper is None:
            return False
        self.from_py_function = self.wrapper.from_py_cname
        self.wrapper.mark_used(env)
        return True

    def error_condition(self, result_code):
        return "(unlikely(!%s) && PyErr_Occurred())" % result_code

    def literal_code(self, value):
        return self.cast_code(value)


def is_nogil_ref(t):
    return getattr(t, 'is_nogil_ref', False)


def is_nogil_struct(t):
    return getattr(t, 'is_nogil_struct', False)


def ref_of(t):
    """The NogilRefType of a nogil struct type."""
    return getattr(t, 'nogil_ref_type', None)
