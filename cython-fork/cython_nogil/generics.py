"""Stage: generics — nogil classes with type parameters (`cdef class Box[T] nogil:`).

    cdef class Box[T] nogil:
        cdef T value
        def __init__(self, T value):
            self.value = value
        cdef T get(self):
            return self.value

    cdef long f() nogil:
        b = Box[long](3)              # cyn::make<Box<long>>(3)
        p = Box[Point](Point(1, 2))   # the T field holds a counted reference
        bb = Box[Box[long]](b)        # nesting
        return b.get() + bb.get().get()

compiles to `template <class T> struct Box : cyn::Object {...}` with its methods defined as
`template <typename T> T Box<T>::get()`; each `Box[X]` is a C++ instantiation, so a `T` field
of a nogil-class type is a `cyn::Ref<X>` and keeps its object alive like any field.

Extern generic classes (`lib.list[T]`, `Channel[T]`) already go through Cython's C++ template
machinery (a templated CppClassType, a NogilRefType over each specialisation).  Defined ones
reuse the same machinery; this stage adds the few things the concrete-class stages do not:

* the parser accepts the template parameters of a defined class (instead of refusing them);
* the struct is emitted with its `template <class ...>` line;
* no Python wrapper is generated for a generic class (a wrapper would be one per
  instantiation: not done yet, see docs/nogil-classes.md);
* C++ spellings of specialised references contain commas (`cyn::Ref<dict<long, long>>`);
  Cython pastes casts of the exception value into one-argument macros such as
  `unlikely(...)`, so a cast of such a reference type is parenthesised as a whole.

Why a stage of its own: the parser, declarations and emission of nogil classes are written
for one concrete class; generic classes touch each of them in small ways, collected here so
that the concrete path stays readable.  Every patch defers to the original for non-generic
classes.
"""


def install():
    from . import types as nogil_types, syntax, emit, wrapper

    # ---- casts of specialised references inside macros --------------------------------
    upstream_cast_code = nogil_types.NogilRefType.cast_code

    def cast_code(self, expr_code):
        code = upstream_cast_code(self, expr_code)
        return "(%s)" % code if "," in self.empty_declaration_code() else code

    nogil_types.NogilRefType.cast_code = cast_code

    # ---- methods of an instantiation keep the GIL-free error protocol --------------------
    # (emit.py marks a nogil method's type with `cyn_error_hint`; a specialised copy of the
    # type must carry the mark, or each call of Box[long].get() would test PyErr_Occurred()
    # under the GIL)
    from Cython.Compiler import PyrexTypes
    upstream_specialize = PyrexTypes.CFuncType.specialize

    def specialize(self, values):
        result = upstream_specialize(self, values)
        if getattr(self, 'cyn_error_hint', False) and result is not self:
            result.cyn_error_hint = True
        return result

    PyrexTypes.CFuncType.specialize = specialize

    # ---- parse `cdef class Box[T] nogil:` ---------------------------------------------
    upstream_parse = syntax._parse_defined_class

    def parse_defined_class(s, pos, ctx, header, P, NogilClassNode):
        templates = header.templates
        header.templates = None          # the concrete parser refuses them
        try:
            node = upstream_parse(s, pos, ctx, header, P, NogilClassNode)
        finally:
            header.templates = templates
        if templates:
            node.templates = templates
        return node

    syntax._parse_defined_class = parse_defined_class

    # ---- no wrapper for a generic class ------------------------------------------------
    upstream_build_wrapper = wrapper.build_wrapper

    def build_wrapper(node, env):
        if node.templates:
            return None
        return upstream_build_wrapper(node, env)

    wrapper.build_wrapper = build_wrapper

    # ---- template <class T> struct Box : cyn::Object {...} ------------------------------
    upstream_generate_struct = emit.generate_struct

    def generate_struct(module_node, entry, code):
        st = entry.type
        if st.templates:
            code.putln("template <class %s>" % ", class ".join(
                t.empty_declaration_code() for t in st.templates))
        return upstream_generate_struct(module_node, entry, code)

    emit.generate_struct = generate_struct
