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
* no Python wrapper is generated for the generic class itself; instead each concrete
  instantiation the module spells out (`Box[long]`, `Box[Point]`, `Box[Box[long]]`, in a
  declaration, a signature or an expression) gets a wrapper type of its own, built by the
  wrapper stage's `build_wrapper` from a view of the class with the concrete types (see
  "Python wrappers of instantiations" below);
* C++ spellings of specialised references contain commas (`cyn::Ref<dict<long, long>>`);
  Cython pastes casts of the exception value into one-argument macros such as
  `unlikely(...)`, so a cast of such a reference type is parenthesised as a whole.

Why a stage of its own: the parser, declarations and emission of nogil classes are written
for one concrete class; generic classes touch each of them in small ways, collected here so
that the concrete path stays readable.  Every patch defers to the original for non-generic
classes.
"""


from Cython.Compiler.StringEncoding import EncodedString


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

    # ---- no wrapper for a generic class: one per instantiation, at the module's end ---------
    upstream_build_wrapper = wrapper.build_wrapper

    def build_wrapper(node, env):
        if node.templates:
            mod = env.global_scope()
            if not hasattr(mod, 'cyn_generic_nodes'):
                mod.cyn_generic_nodes = []
            mod.cyn_generic_nodes.append(node)
            return None
        if getattr(env.global_scope(), 'cyn_generic_nodes', None):
            # instantiations this wrapper converts (`cdef public Box[long] box`) first
            for t in _member_types(node):
                ensure_instance_wrapper(t, env)
        return upstream_build_wrapper(node, env)

    wrapper.build_wrapper = build_wrapper
    install_instance_wrappers()
    install_parameter_arithmetic()

    # (`template <typename T> struct Box : cyn::Object {...}`: emit.generate_struct writes the
    # template header, inside the module's namespace)


# ------------------------------------------------------------------------------------------
# Python wrappers of instantiations
#
# A generic class has no Python type of its own (its field and method types are not known);
# each concrete instantiation that the module spells out gets one.  At the end of the
# module's declaration analysis (every class, signature and module-level declaration known)
# the module tree is scanned for `Box[...]` written as a type or in an expression; a class
# wrapper that converts an instantiation (`cdef public Box[long] box`) asks for it earlier.
# Each concrete instantiation (nested ones first; none for those with template parameters
# left, or with a type argument the module cannot spell, as `Box[lib.string]`) gets:
#
#   * a Cython-level alias name bound to the instantiation's reference type (the wrapper text
#     needs an identifier: `cdef __cyn_inst_0_Box_long_ _ref`);
#   * a wrapper built by `wrapper.build_wrapper` from `_InstanceView`, which looks like the
#     class node with the concrete types: `public`/`readonly` fields and `cpdef` methods whose
#     concrete types convert to Python (others are left out), the constructor, special
#     methods, Python `def`s;
#   * the Python name `Box[long]` (`type(w).__name__`, and the module attribute of that name,
#     reachable with getattr);
#   * its to_py/from_py functions: prototypes after the generic struct, definitions after
#     the class's methods.
#
# The wrapper nodes hang under the generic class node (`wrapper_node`), so the rest of the
# pipeline (declaration transform, analysis, code generation) treats them as it treats every
# class's wrapper.  One instantiation may be several reference-type and struct objects
# (`Pair[B, A]` specialised again is a struct of its own that equals `Pair[double, long]`):
# `NogilRefType.wrapper` falls back to `instance_info(struct)`, which compares structs.
# ------------------------------------------------------------------------------------------
INSTANCE_PREFIX = "__cyn_inst_"


class _PythonName(EncodedString):
    """The Python name of an instantiation's wrapper type (`Box[long]`: tp_name, module
    attribute).  Cython also builds the C names of a type's slot tables from the class name
    with `%s` formatting; for those, `str()` gives a C identifier."""

    def __new__(cls, text, c_ident):
        self = EncodedString.__new__(cls, text)
        self.c_ident = c_ident
        return self

    def __str__(self):
        return str(self.c_ident)


class _InstanceView:
    """What `wrapper.build_wrapper` reads of a NogilClassNode, for one instantiation."""

    def __init__(self, node, ref, alias, env):
        import copy
        self.ref_type = ref
        self.name = alias
        self.pos = node.pos
        self.templates = None
        self.attributes = node.attributes
        self.py_methods = copy.deepcopy(list(node.py_methods))
        scope = ref.struct_type.scope

        def to_py(t):
            ensure_instance_wrapper(t, env)      # `cdef public Box[T] inner` in a generic
            return t.is_void or (t.can_coerce_to_pyobject(env) and _spellable(t, env))

        def from_py(t):
            t = t.ref_base_type if t.is_reference else t
            ensure_instance_wrapper(t, env)
            return t.can_coerce_from_pyobject(env) and _spellable(t, env)

        self.field_visibility = {}
        for name, vis in node.field_visibility.items():
            e = scope.lookup_here(name)
            if e is not None and to_py(e.type) and (vis != 'public' or from_py(e.type)):
                self.field_visibility[name] = vis
        self.cpdef_names = set()
        for name in node.cpdef_names:
            e = scope.lookup_here(name)
            if e is not None and e.type.is_cfunction and to_py(e.type.return_type) \
                    and all(from_py(a.type) for a in e.type.args):
                self.cpdef_names.add(name)


def _has_placeholder(t, depth=0):
    from Cython.Compiler import PyrexTypes
    from .types import is_nogil_ref
    if depth > 20:
        return True
    if t is None or isinstance(t, PyrexTypes.TemplatePlaceholderType) or t.is_error:
        return True      # (an error type: a name the module scope does not know, as T)
    if is_nogil_ref(t):
        t = t.struct_type
    if getattr(t, 'is_cpp_class', False):
        if t.templates is not None and getattr(t, 'template_type', None) is None:
            return True                  # the template itself
        return any(_has_placeholder(a, depth + 1) for a in (t.templates or ()))
    base = getattr(t, 'base_type', None) or getattr(t, 'ref_base_type', None)
    return base is not None and _has_placeholder(base, depth + 1)


def _spellable(t, env, depth=0):
    """True when the Cython spelling of type `t` (as the wrapper text writes it) names `t` in
    the module scope.  A nogil class is written by its bare name (`string`), which is wrong
    for one the module reaches only qualified (`lib.string`)."""
    from .types import is_nogil_ref
    if depth > 20:
        return False
    if t.is_reference or t.is_ptr or t.is_array:
        base = t.ref_base_type if t.is_reference else t.base_type
        return _spellable(base, env, depth + 1)
    if not is_nogil_ref(t):
        return True
    e = env.lookup(t.name)
    if e is None or not e.is_type or not is_nogil_ref(e.type):
        return False
    st = t.struct_type
    root = _root_template(st) or st
    if not (e.type.struct_type is root or e.type.struct_type.same_as(st)):
        return False
    return all(_spellable(a, env, depth + 1) for a in st.templates or ())


def _root_template(st):
    """The class template a specialised struct comes from.  (Specialising an already
    specialised type, as `Pair[B, A]` inside `Pair[A, B]` is for each instantiation, gives a
    struct whose template_type is that intermediate specialisation.)"""
    tt = getattr(st, 'template_type', None)
    while tt is not None and getattr(tt, 'template_type', None) is not None:
        tt = tt.template_type
    return tt


def _generic_template(t, templates):
    """The template struct of instantiation `t` when it is one of `templates`, else None."""
    from .types import is_nogil_ref
    if not is_nogil_ref(t):
        return None
    tt = _root_template(t.struct_type)
    return tt if tt is not None and tt in templates else None


def instance_info(st):
    """The WrapperInfo of the instantiation that specialised struct `st` is (or equals: one
    instantiation may be several struct objects), or None."""
    info = getattr(st, 'cyn_instance_wrapper', None)
    if info is not None:
        return info
    root = _root_template(st)
    for info in getattr(root, 'cyn_instance_infos', ()):
        if info.ref_type.struct_type.same_as(st):
            st.cyn_instance_wrapper = info
            return info
    return None


def _spelled_instantiations(module_node, env, templates):
    """The concrete instantiations of the generic classes `templates` ({template struct:
    class node}) that the module spells out, in source order, nested ones first."""
    from Cython.Compiler import ExprNodes, Nodes, Errors
    from Cython.Compiler.Visitor import TreeVisitor
    from .types import is_nogil_ref
    from .analysis import _named_nogil_type

    found = []

    def add(t):
        if _generic_template(t, templates) is None or _has_placeholder(t):
            return
        for a in t.struct_type.templates or ():
            add(a)
        if not any(t == f for f in found):
            found.append(t)

    def names_generic(base_node):
        t = _named_nogil_type(base_node, env)
        return t is not None and t.struct_type in templates

    class Scan(TreeVisitor):
        def visit_Node(self, node):
            t = None
            if isinstance(node, ExprNodes.IndexNode) and names_generic(node.base):
                t = node.analyse_as_type(env)
            elif isinstance(node, Nodes.TemplatedTypeNode):
                bt = node.base_type_node
                name = getattr(bt, 'name', None)
                e = env.lookup(name) if name and not getattr(bt, 'module_path', None) else None
                if e is not None and e.is_type and is_nogil_ref(e.type) \
                        and e.type.struct_type in templates:
                    import copy
                    t = copy.deepcopy(node).analyse(env)
            if t is not None:
                add(t)
            self.visitchildren(node)
            return node

    Errors.hold_errors()
    try:
        Scan().visit(module_node.body)
    finally:
        Errors.release_errors(ignore=True)
    return found


def _generic_templates(env):
    """{template struct: class node} of the generic classes defined in the module so far."""
    return {n.entry.type: n for n in getattr(env.global_scope(), 'cyn_generic_nodes', ())
            if n.entry is not None}


def _build_instance_wrappers(module_node, env):
    templates = _generic_templates(env)
    if templates:
        for ref in _spelled_instantiations(module_node, env, templates):
            ensure_instance_wrapper(ref, env)


def ensure_instance_wrapper(ref, env):
    """Builds the wrapper of instantiation `ref` (and of the instantiations among its type
    arguments) unless it exists; returns its WrapperInfo, or None when `ref` is not a
    concrete instantiation of a generic class defined in this module."""
    import re
    from Cython.Compiler import Nodes
    from . import wrapper
    env = env.global_scope()
    templates = _generic_templates(env)
    if _generic_template(ref, templates) is None or _has_placeholder(ref) \
            or not _spellable(ref, env):
        return None
    st = ref.struct_type
    info = instance_info(st)
    if info is not None or getattr(st, 'cyn_instance_building', False):
        return info
    st.cyn_instance_building = True
    try:
        for arg in st.templates or ():
            ensure_instance_wrapper(arg, env)
        node = templates[_root_template(st)]
        display = ref.display_name()
        count = getattr(env, 'cyn_instance_count', 0)
        env.cyn_instance_count = count + 1
        alias = EncodedString("%s%d_%s" % (INSTANCE_PREFIX, count, re.sub(r"\W+", "_", display)))
        entry = env.declare_type(alias, ref, node.pos, cname=ref.empty_declaration_code(),
                                 visibility='extern')
        entry.in_cinclude = True
        cls = wrapper.build_wrapper(_InstanceView(node, ref, alias, env), env)
        info = ref.wrapper
        if cls is None or info is None or info.wrapper_entry is None:
            return None
        st.cyn_instance_wrapper = info
        st.nogil_defined_here = True     # its conversions are generated here, not imported
        info.class_name = display
        info.to_py_cname = "__pyx_cyn_to_py_%s" % alias       # one pair per instantiation
        info.from_py_cname = "__pyx_cyn_from_py_%s" % alias
        wtype = info.wrapper_entry.type
        wtype.cyn_public_name = EncodedString(display)
        wtype.scope.class_name = _PythonName(display, alias)
        if node.wrapper_node is None:
            node.wrapper_node = Nodes.StatListNode(node.pos, stats=[])
        node.wrapper_node.stats.append(cls)
        if not hasattr(node, 'cyn_instance_infos'):
            node.cyn_instance_infos = []
        node.cyn_instance_infos.append(info)
        _root_template(st).cyn_instance_infos = node.cyn_instance_infos
        return info
    finally:
        st.cyn_instance_building = False


def _member_types(node):
    """The types a class's wrapper converts: public/readonly fields, cpdef methods."""
    scope = node.ref_type.struct_type.scope
    for name in list(node.field_visibility) + list(node.cpdef_names):
        e = scope.lookup_here(name) if scope is not None else None
        if e is None:
            continue
        if e.type.is_cfunction:
            yield e.type.return_type
            for a in e.type.args:
                yield a.type
        else:
            yield e.type


def install_instance_wrappers():
    from Cython.Compiler import ModuleNode
    from . import types as nogil_types, emit, wrapper
    from .declarations import NogilClassNode

    # the wrapper of an instantiation, found through its (shared) specialised struct
    def get_wrapper(self):
        w = self.__dict__.get('_cyn_wrapper')
        if w is None and getattr(self.struct_type, 'template_type', None) is not None:
            w = instance_info(self.struct_type)
        return w

    def set_wrapper(self, value):
        self.__dict__['_cyn_wrapper'] = value

    nogil_types.NogilRefType.wrapper = property(get_wrapper, set_wrapper)

    upstream_module_declarations = ModuleNode.ModuleNode.analyse_declarations

    def analyse_declarations(self, env):
        upstream_module_declarations(self, env)
        if getattr(env, 'cyn_generic_nodes', None):
            _build_instance_wrappers(self, env)

    ModuleNode.ModuleNode.analyse_declarations = analyse_declarations

    # prototypes of the conversions after all type definitions (functions use them; an
    # instantiation may name a ctypedef declared after the generic struct, as
    # `ctypedef Pair[long, double] LD` and then `Box[LD]`), definitions after the class's
    # methods and wrappers
    upstream_generate_struct = emit.generate_struct

    def generate_struct(module_node, entry, code):
        result = upstream_generate_struct(module_node, entry, code)
        pending = getattr(module_node, 'cyn_pending_prototypes', None)
        for info in getattr(entry.type, 'cyn_instance_infos', ()):
            namespace = getattr(entry.type, 'cyn_namespace', None)
            if pending is not None:
                pending.append((info, namespace))
            else:
                wrapper.generate_prototypes(info, code, namespace)
        return result

    emit.generate_struct = generate_struct

    upstream_type_definitions = ModuleNode.ModuleNode.generate_type_definitions

    def generate_type_definitions(self, env, modules, vtab_list, vtabslot_list, code):
        self.cyn_pending_prototypes = []
        try:
            result = upstream_type_definitions(self, env, modules, vtab_list, vtabslot_list, code)
            pending = self.cyn_pending_prototypes
        finally:
            self.cyn_pending_prototypes = None
        for info, namespace in pending:
            wrapper.generate_prototypes(info, code, namespace)
        return result

    ModuleNode.ModuleNode.generate_type_definitions = generate_type_definitions

    upstream_functions = NogilClassNode.generate_function_definitions

    def generate_function_definitions(self, env, code):
        upstream_functions(self, env, code)
        for info in getattr(self, 'cyn_instance_infos', ()):
            wrapper._put_conversions(info, code)

    NogilClassNode.generate_function_definitions = generate_function_definitions


# ------------------------------------------------------------------------------------------
# Arithmetic on values of a type parameter
#
# Inside `cdef class Pair[T] nogil:`, `acc + self.b` with both operands of type T: the method is
# a C++ template, so the operation is resolved per instantiation, as Python resolves it per
# value: numbers add as C numbers do in a cdef function (`Pair[long]`), objects of a nogil
# class call its `__add__` (`Pair[Money]`, None raising TypeError as Python does).  The
# expression's type is T.  Supported: `+`, `-`, `*` between two T values or a T and a C number;
# any other operator on a T value (where Python's and C's integer semantics part: `/`, `//`,
# `%`, `**`) is a compile error naming it, instead of upstream's "Invalid operand types" (or,
# in an inferred variable, a compiler crash).  Outside nogil classes nothing changes.

_PARAMETER_OPERATORS = {'+': 'add', '-': 'sub', '*': 'mul'}
GENERIC_ARITH_HEADER = "cyn/stdlib/generic_arith.hpp"


def _is_parameter(t):
    from Cython.Compiler import PyrexTypes
    return isinstance(t, PyrexTypes.TemplatePlaceholderType)


def _parameter_operands(node, env):
    """(type of operand 1, type of operand 2) when the binary operator `node`, in a nogil
    class, has an operand of a type parameter's type; else None."""
    from .emit import in_nogil_class
    operand1, operand2 = getattr(node, 'operand1', None), getattr(node, 'operand2', None)
    if operand1 is None or operand2 is None or not in_nogil_class(env):
        return None
    t1, t2 = operand1.infer_type(env), operand2.infer_type(env)
    if not (_is_parameter(t1) or _is_parameter(t2)):
        return None
    return t1, t2


def _parameter_result_type(t1, t2):
    """T for `T op T`, `T op number`, `number op T`; None when the operands do not mix so."""
    if _is_parameter(t1) and _is_parameter(t2):
        return t1 if t1.same_as(t2) else None
    parameter, other = (t1, t2) if _is_parameter(t1) else (t2, t1)
    return parameter if other is not None and other.is_numeric else None


def _parameter_binop(node, env, t1, t2):
    from Cython.Compiler import ExprNodes, PyrexTypes
    from Cython.Compiler.Errors import error
    result = _parameter_result_type(t1, t2)
    if node.operator not in _PARAMETER_OPERATORS or result is None:
        error(node.pos, "operator '%s' between '%s' and '%s' in a generic class: only '+', "
                        "'-' and '*' of type parameter values (with each other or with C "
                        "numbers) are supported" % (node.operator, t1, t2))
        node.type = PyrexTypes.error_type
        return node
    a = node.operand1.analyse_types(env)
    b = node.operand2.analyse_types(env)
    env.global_scope().add_include_file(GENERIC_ARITH_HEADER)
    helper = _PARAMETER_OPERATORS[node.operator]
    if getattr(node, 'cyn_parameter_inplace', False):
        helper = "i" + helper
    args = [PyrexTypes.CFuncTypeArg("a", a.type, node.pos), PyrexTypes.CFuncTypeArg("b", b.type, node.pos)]
    ftype = PyrexTypes.CFuncType(result, args, nogil=1, exception_check=True)
    ftype.cyn_error_hint = True      # `__add__` of a nogil class reports through the hint
    function = ExprNodes.RawCNameExprNode(
        node.pos, ftype, "cyn::stdlib::generic_arith::%s<%s>" % (helper, result.empty_declaration_code()))
    call = ExprNodes.SimpleCallNode(node.pos, function=function, args=[a, b])
    call.analysed = True
    call.analyse_c_function_call(env)
    return call


def install_parameter_arithmetic():
    from Cython.Compiler import ExprNodes
    classes = [c for c in vars(ExprNodes).values()
               if isinstance(c, type) and issubclass(c, ExprNodes.BinopNode)
               and not issubclass(c, ExprNodes.BoolBinopNode)]
    for cls in classes:
        if 'analyse_types' in cls.__dict__:
            upstream_analyse = cls.analyse_types

            def analyse_types(self, env, upstream_analyse=upstream_analyse):
                operands = _parameter_operands(self, env)
                if operands is None:
                    return upstream_analyse(self, env)
                return _parameter_binop(self, env, *operands)

            cls.analyse_types = analyse_types
        if 'infer_type' in cls.__dict__:
            upstream_infer = cls.infer_type

            def infer_type(self, env, upstream_infer=upstream_infer):
                operands = _parameter_operands(self, env)
                if operands is None:
                    return upstream_infer(self, env)
                from Cython.Compiler import PyrexTypes
                return _parameter_result_type(*operands) or PyrexTypes.error_type

            cls.infer_type = infer_type

    # `acc += x` with acc of type T: `acc = <T's += or +>(acc, x)` (upstream would write C's
    # `acc += x`, meaningless for a reference)
    from Cython.Compiler import Nodes
    upstream_inplace = Nodes.InPlaceAssignmentNode.analyse_types

    def inplace_analyse_types(self, env):
        from .emit import in_nogil_class
        if not in_nogil_class(env) or not _is_parameter(self.lhs.infer_type(env)):
            return upstream_inplace(self, env)
        import copy
        value = ExprNodes.binop_node(self.pos, self.operator, copy.deepcopy(self.lhs), self.rhs)
        value.cyn_parameter_inplace = True
        return Nodes.SingleAssignmentNode(self.pos, lhs=self.lhs, rhs=value).analyse_expressions(env)

    Nodes.InPlaceAssignmentNode.analyse_types = inplace_analyse_types
