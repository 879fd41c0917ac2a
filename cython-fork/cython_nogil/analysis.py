"""Stage: analysis — expressions on nogil references (type analysis and inference).

Every patch here first asks whether a nogil reference is involved and otherwise runs the
upstream method untouched, so modules without nogil classes analyse exactly as before.

What it teaches Cython:
* `Point(args)` constructs: `cyn::make<Point>(args)`, and `p = Point()` infers `Point`
  (also with `p = None` elsewhere; several classes of a hierarchy infer their common base);
* `Class.make(args)` calls a static method of an extern class (`@staticmethod`);
* `p.x` / `p.m()` go through `->`, with a None check (AttributeError) unless the object is
  known not to be None (`self`, a fresh construction) or `nonecheck=False` is given;
* `Base.method(self, ...)` calls the base implementation non-virtually;
* `None` converts to a reference; `is`, `is not`, `==`/`!=` compare identities;
* `isinstance(o, Point)`, `<Point>o` (unchecked) and `<Point?>o` (checked, TypeError);
* temps holding references are moved into their destination, not copied.
"""
from Cython.Compiler import ExprNodes, PyrexTypes, Nodes, Options, TypeInference, Builtin, Symtab
from Cython.Compiler.Errors import error

from .types import NogilRefType, is_nogil_ref
from .emit import in_nogil_class


def _nonecheck_enabled(env):
    # upstream's default for 'nonecheck' is False; the overlay changes the default to None
    # ("not given") so that nogil references are checked unless the user says False.
    return env.directives.get('nonecheck') is not False


def _known_not_none(node):
    if isinstance(node, ExprNodes.NameNode) and node.entry is not None \
            and getattr(node.entry, 'is_nogil_self', False):
        return True
    if isinstance(node, NogilConstructNode):
        return True
    if isinstance(node, (ExprNodes.CoerceToTempNode, ExprNodes.CloneNode)):
        return _known_not_none(node.arg)
    return False


# ------------------------------------------------------------------------- nodes
class NogilNullNode(ExprNodes.ExprNode):
    """`None` where a nogil reference is expected: `nullptr`."""
    subexprs = []
    is_none = 1

    def __init__(self, pos, type):
        super().__init__(pos, type=type)
        self.constant_result = None

    def analyse_types(self, env):
        return self

    def may_be_none(self):
        return True

    def coerce_to(self, dst_type, env):
        # Back to Python: plain None. (A cpdef method's wrapper lists its defaults in
        # `__defaults__`; `(PyObject*)nullptr` there crashed the module's import.)
        if dst_type.is_pyobject:
            return ExprNodes.NoneNode(self.pos).coerce_to(dst_type, env)
        return super().coerce_to(dst_type, env)

    def calculate_result_code(self):
        return "nullptr"

    def generate_result_code(self, code):
        pass


class NogilConstructNode(ExprNodes.SimpleCallNode):
    """`Point(args)` -> `cyn::make<Point>(args)`: a temp holding the new reference.

    `__init__` may raise: like every nogil-class method it reports through the error hint,
    so the construction is followed by `CYN_ERROR_PENDING()` (see emit.py)."""

    def may_be_none(self):
        return False

    def nogil_check(self, env):
        pass

    def infer_type(self, env):
        return self.type


class NogilIdentityNode(ExprNodes.ExprNode):
    """`a is b`, `a is not b`, `a == None`... on nogil references (no GIL)."""
    subexprs = ['operand1', 'operand2']
    type = PyrexTypes.c_bint_type

    def analyse_types(self, env):
        return self

    def nogil_check(self, env):
        pass

    def calculate_result_code(self):
        op = "==" if self.operator in ('is', '==') else "!="
        return "(cyn::cy::ptr(%s) %s cyn::cy::ptr(%s))" % (
            self.operand1.result(), op, self.operand2.result())

    def generate_result_code(self, code):
        pass


class NogilIsInstanceNode(ExprNodes.ExprNode):
    """`isinstance(o, Point)` on a nogil reference; `targets`: the class, or the classes of
    `isinstance(o, (Point, Shape))` (any of them matches, as in Python)."""
    subexprs = ['arg']
    type = PyrexTypes.c_bint_type

    def nogil_check(self, env):
        pass

    def calculate_result_code(self):
        # (the argument is a name or a temporary: reading it once per class is safe)
        tests = ["cyn::cy::isinstance<%s>(%s)" % (
            target.struct_type.empty_declaration_code(), self.arg.result())
            for target in self.targets]
        return tests[0] if len(tests) == 1 else "(%s)" % " || ".join(tests)

    def generate_result_code(self, code):
        pass


class NogilCastNode(ExprNodes.ExprNode):
    """`<Point>o` (unchecked) or `<Point?>o` (TypeError unless o is None or a Point)."""
    subexprs = ['arg']
    is_temp = True

    def nogil_check(self, env):
        pass

    def may_be_none(self):
        return self.arg.may_be_none()

    def generate_result_code(self, code):
        st = self.type.struct_type.empty_declaration_code()
        if self.checked:
            code.putln("if (unlikely(!cyn::cy::castable<%s>(%s))) { cyn::cy::raise_bad_cast(\"%s\", %s); %s }"
                       % (st, self.arg.result(), self.type.display_name(),
                          "cyn::cy::ptr(%s)" % self.arg.result(), code.error_goto(self.pos)))
        code.putln("%s = cyn::cy::cast<%s>(%s);" % (self.result(), st, self.arg.result()))


class NogilNoneCheckNode(ExprNodes.ExprNode):
    """Raises AttributeError when the reference is None, else passes it through; or, for
    an operator (`len(o)`, `o[k]`, `a + b`, `for x in o`…), the TypeError Python raises for
    None there (`operator_error`: its message, from the special-methods stage).

    A predictable branch and a cold call; the GIL is taken only to raise."""
    subexprs = ['arg']

    def __init__(self, arg, attribute, operator_error=None, env=None):
        if env is not None and not arg.is_simple():
            # `f().x`: the reference is tested and then used, so it must be evaluated once
            arg = arg.coerce_to_temp(env)
        super().__init__(arg.pos, arg=arg, type=arg.type, attribute=attribute,
                         operator_error=operator_error)
        self.is_temp = False

    def analyse_types(self, env):
        return self

    def nogil_check(self, env):
        pass

    def may_be_none(self):
        return False

    def is_simple(self):
        return self.arg.is_simple()

    def result_in_temp(self):
        return self.arg.result_in_temp()

    def calculate_result_code(self):
        return self.arg.result()

    def generate_result_code(self, code):
        if self.operator_error:
            raise_call = "cyn::cy::raise_none_operand(\"%s\")" % self.operator_error
        else:
            raise_call = "cyn::cy::raise_none_attribute(\"%s\")" % self.attribute
        code.putln("if (unlikely(!%s)) { %s; %s }" % (
            self.arg.result(), raise_call, code.error_goto(self.pos)))


class StaticMethodDeclNode(Nodes.CVarDefNode):
    """`@staticmethod T name(args)` in an extern nogil class: declared with the
    `staticmethod` directive on, as Cython declares a static cppclass method."""

    def analyse_declarations(self, env):
        old = env.directives
        env.directives = dict(old, staticmethod=True)
        try:
            return super().analyse_declarations(env)
        finally:
            env.directives = old


# ------------------------------------------------------------------------- patches
def install():
    Options._directive_defaults['nonecheck'] = None

    # ---- @staticmethod in extern nogil classes -----------------------------------------
    # The member declarations of a nogil class are declared by the class node itself, so
    # Cython's directive transform never sees their decorators: `@staticmethod` is applied
    # here, the way that transform applies it to a cppclass member.
    from . import syntax
    upstream_parse_extern = syntax._parse_extern_class

    def parse_extern_class(s, pos, ctx, header, P, NogilClassNode):
        node = upstream_parse_extern(s, pos, ctx, header, P, NogilClassNode)
        for attr in node.attributes or ():
            decorators = getattr(attr, 'decorators', None)
            if not decorators or not isinstance(attr, Nodes.CVarDefNode):
                continue
            for d in decorators:
                dn = d.decorator
                if isinstance(dn, ExprNodes.NameNode) and dn.name == 'staticmethod':
                    attr.__class__ = StaticMethodDeclNode
                else:
                    error(d.pos, "only @staticmethod may decorate a member of an extern "
                                 "nogil class")
            attr.decorators = None
        return node

    syntax._parse_extern_class = parse_extern_class

    # ---- Point(args) ----------------------------------------------------------------
    upstream_atc = ExprNodes.CallNode.analyse_as_type_constructor

    def analyse_as_type_constructor(self, env):
        if _named_nogil_type(self.function, env) is None:
            return upstream_atc(self, env)
        t = self.function.analyse_as_type(env)
        if not is_nogil_ref(t):
            return upstream_atc(self, env)
        args, kwds = self.explicit_args_kwds()
        st = t.struct_type
        if kwds:
            args = _bind_keyword_arguments(self, t, list(args), kwds)
            if args is None:
                return NogilNullNode(self.pos, PyrexTypes.error_type)
        if st.scope is None:
            error(self.pos, "nogil class '%s' is declared but not defined" % t)
            return NogilNullNode(self.pos, PyrexTypes.error_type)
        if not isinstance(self.function, ExprNodes.IndexNode) and _lacks_type_arguments(st, env):
            params = ", ".join(str(p) for p in st.templates)
            fn = self.function
            spelled = "%s.%s" % (fn.obj.name, fn.attribute) if isinstance(fn, ExprNodes.AttributeNode) \
                else st.name
            error(self.pos, "generic nogil class '%s' needs its type arguments: %s[%s](...) "
                            "with a type for %s" % (spelled, spelled, params, params))
            return NogilNullNode(self.pos, PyrexTypes.error_type)
        unknown = getattr(st, 'cyn_constructor_unknown', None)
        if unknown:
            error(self.pos, "cannot construct nogil class '%s' here: its __init__ is not declared "
                            "in %s and its .pyx is not beside it (declare `def __init__(self, "
                            "...)` in the .pxd)" % (t, unknown))
            return NogilNullNode(self.pos, PyrexTypes.error_type)
        from .special_methods import with_literal_length
        args = [a.analyse_types(env) for a in with_literal_length(self.pos, t, args)]
        constructor = _find_constructor(st)
        if constructor is None:
            if args:
                error(self.pos, "nogil class '%s' takes no constructor arguments" % t)
            ctype = PyrexTypes.CFuncType(PyrexTypes.c_void_type, [], nogil=1)
            ctype.exception_check = False
        else:
            ctype = constructor.type
        # Cython's C call analysis does argument coercion and optional arguments; the
        # callee is the runtime's make<T>, which forwards to the C++ constructor.
        call = NogilConstructNode(self.pos, function=ExprNodes.RawCNameExprNode(
            self.function.pos, ctype), args=args)
        call.function.entry = constructor
        call.function.set_cname("cyn::make<%s>" % st.empty_declaration_code())
        call.analysed = True
        call.analyse_c_function_call(env)
        if call.type.is_error:
            return call
        call.type = t
        call.is_temp = True
        return call

    ExprNodes.CallNode.analyse_as_type_constructor = analyse_as_type_constructor

    # ---- inference --------------------------------------------------------------
    upstream_infer = ExprNodes.CallNode.infer_type

    def infer_type(self, env):
        if _named_nogil_type(self.function, env) is not None:
            t = self.function.analyse_as_type(env)
            if is_nogil_ref(t):
                return t
        t = _class_attribute_call_type(self.function, env)
        if t is not None:
            return t
        return upstream_infer(self, env)

    ExprNodes.CallNode.infer_type = infer_type

    def patch_spanning(name):
        upstream_spanning = getattr(TypeInference, name)

        def spanning_type(types, might_overflow, scope):
            result = _nogil_spanning_type(types)
            if result is not None:
                return result
            result = TypeInference.simply_type(_reduce_spanning(types))
            if is_nogil_ref(result):
                return result
            return upstream_spanning(types, might_overflow, scope)

        setattr(TypeInference, name, spanning_type)

    patch_spanning('safe_spanning_type')
    patch_spanning('aggressive_spanning_type')

    # `o = Point(); ...; o = None`: None is a value of every nogil reference type, so the
    # variable is a Point (upstream counts the None as a Python object and infers `object`).
    # Upstream's inferer keeps its per-entry type lists in closures; the overlay re-infers,
    # after it, only the variables such a None assignment concerns (and those depending on
    # them), so every other inference result stays exactly upstream's.
    upstream_infer_types = TypeInference.SimpleAssignmentTypeInferer.infer_types

    def infer_types(self, scope):
        pending = [e for e in scope.entries.values() if e.type is PyrexTypes.unspecified_type]
        upstream_infer_types(self, scope)
        if pending:
            _infer_none_assigned_refs(self, scope, pending)

    TypeInference.SimpleAssignmentTypeInferer.infer_types = infer_types

    # `t = Q(); ...; del t`: the deletion keeps t a Q reference, as it keeps a cdef class
    # variable a Q upstream (upstream's deletion makes any non-object type `object`: for a C
    # value, deleting means the Python variable).  `del t` then drops the reference (below).
    from Cython.Compiler import FlowControl
    upstream_deletion_infer = FlowControl.NameDeletion.infer_type

    def deletion_infer_type(self):
        inferred_type = self.rhs.infer_type(self.entry.scope)
        if is_nogil_ref(inferred_type):
            self.inferred_type = inferred_type
            return inferred_type
        return upstream_deletion_infer(self)

    FlowControl.NameDeletion.infer_type = deletion_infer_type

    # `del t` of a local nogil reference: the reference goes (the object dies now if it was
    # the last one) and t is None, as a deleted cdef class variable is NULL in Cython.
    upstream_del = Nodes.DelStatNode.analyse_expressions

    def del_analyse_expressions(self, env):
        if not any(arg.is_name and is_nogil_ref(arg.infer_type(env)) for arg in self.args):
            return upstream_del(self, env)
        stats = []
        for arg in self.args:
            if arg.is_name and is_nogil_ref(arg.infer_type(env)):
                stats.append(Nodes.SingleAssignmentNode(
                    arg.pos, lhs=arg, rhs=ExprNodes.NoneNode(arg.pos)))
            else:
                stats.append(Nodes.DelStatNode(self.pos, args=[arg]))
        return Nodes.StatListNode(self.pos, stats=stats).analyse_expressions(env)

    Nodes.DelStatNode.analyse_expressions = del_analyse_expressions

    upstream_cmp_infer = ExprNodes.PrimaryCmpNode.infer_type

    def cmp_infer_type(self, env):
        if self.operator in ('is', 'is_not', '==', '!=') and not self.cascade:
            if _infers_nogil_ref(self.operand1, env) or _infers_nogil_ref(self.operand2, env):
                return PyrexTypes.c_bint_type
        return upstream_cmp_infer(self, env)

    ExprNodes.PrimaryCmpNode.infer_type = cmp_infer_type

    # ---- attributes -------------------------------------------------------------
    upstream_analyse_attribute = ExprNodes.AttributeNode.analyse_attribute

    def analyse_attribute(self, env, obj_type=None):
        t = obj_type if obj_type is not None else getattr(self.obj, 'type', None)
        upstream_analyse_attribute(self, env, obj_type)
        if is_nogil_ref(t):
            self.op = "->"
            if self.is_py_attr:
                return
            if self.entry is None:
                if not getattr(self, '_cyn_reported', False):
                    error(self.pos, "nogil class '%s' has no attribute '%s'" % (t, self.attribute))
                    self._cyn_reported = True
                self.type = PyrexTypes.error_type

    ExprNodes.AttributeNode.analyse_attribute = analyse_attribute

    upstream_analyse_python_attribute = ExprNodes.AttributeNode.analyse_as_python_attribute

    def analyse_as_python_attribute(self, env, obj_type=None, immutable_obj=False):
        t = obj_type if obj_type is not None else self.obj.type
        if is_nogil_ref(t) and not env.nogil and not in_nogil_class(env) \
                and t.can_coerce_to_pyobject(env):
            # Where the GIL is held, an attribute that is no C member of the class (a def
            # method of the wrapper, a public field of the object's dynamic class...) is
            # looked up on the object's wrapper, as Cython looks up a cdef class's Python
            # attributes (SPEC §1: other def methods are methods of the wrapper).
            if self.mangle_private_names:
                self.attribute = env.mangle_class_private_name(self.attribute)
            self.member = self.attribute
            self.type = PyrexTypes.py_object_type
            self.is_py_attr = 1
            if not immutable_obj:
                self.obj = self.obj.coerce_to_pyobject(env)
            return
        if is_nogil_ref(t):
            if not getattr(self, '_cyn_reported', False):
                error(self.pos, "nogil class '%s' has no attribute '%s'" % (t, self.attribute))
                self._cyn_reported = True
            self.type = PyrexTypes.error_type
            self.is_py_attr = 0
            self.member = self.attribute
            return
        return upstream_analyse_python_attribute(self, env, obj_type, immutable_obj)

    ExprNodes.AttributeNode.analyse_as_python_attribute = analyse_as_python_attribute

    upstream_nonecheck = ExprNodes.AttributeNode.wrap_obj_in_nonecheck

    def wrap_obj_in_nonecheck(self, env):
        if is_nogil_ref(self.obj.type) and not self.is_py_attr:
            if _nonecheck_enabled(env) and not _known_not_none(self.obj):
                self.obj = NogilNoneCheckNode(self.obj, self.attribute,
                                              getattr(self, 'cyn_none_error', None), env)
            return
        return upstream_nonecheck(self, env)

    ExprNodes.AttributeNode.wrap_obj_in_nonecheck = wrap_obj_in_nonecheck

    # ---- Base.method(self, ...) and isinstance(o, Cls) -------------------------
    upstream_call_analyse = ExprNodes.SimpleCallNode.analyse_types

    def call_analyse_types(self, env):
        if not self.analysed:
            replaced = _analyse_nogil_special_call(self, env)
            if replaced is not None:
                return replaced
        return upstream_call_analyse(self, env)

    ExprNodes.SimpleCallNode.analyse_types = call_analyse_types

    # ---- the class name used as a Python value is the wrapper type -------------
    upstream_name_analyse = ExprNodes.NameNode.analyse_types

    def name_analyse_types(self, env):
        entry = self.entry or env.lookup(self.name)
        if entry is not None and entry.is_type and is_nogil_ref(entry.type):
            info = entry.type.wrapper
            if info is not None and info.wrapper_entry is not None:
                self.entry = info.wrapper_entry
        return upstream_name_analyse(self, env)

    ExprNodes.NameNode.analyse_types = name_analyse_types

    # ---- a cdef function used as a Python object ------------------------------------
    # Upstream wraps it in a Python callable whose C signature spells each argument as a
    # Python object, which a nogil reference is not (the C++ compiler refused the result):
    # such a function does not convert, and Cython says so where it is used.
    for method in ('can_coerce_to_pyobject', 'create_to_py_utility_code'):
        upstream_method = getattr(PyrexTypes.CFuncType, method)

        def refuse_nogil_signatures(self, env, upstream_method=upstream_method):
            if is_nogil_ref(self.return_type) or any(is_nogil_ref(a.type) for a in self.args):
                return False
            return upstream_method(self, env)

        setattr(PyrexTypes.CFuncType, method, refuse_nogil_signatures)

    # ---- None -------------------------------------------------------------------
    upstream_none_coerce = ExprNodes.NoneNode.coerce_to

    def none_coerce_to(self, dst_type, env):
        if is_nogil_ref(dst_type):
            return NogilNullNode(self.pos, dst_type)
        return upstream_none_coerce(self, dst_type, env)

    ExprNodes.NoneNode.coerce_to = none_coerce_to

    upstream_coerce = ExprNodes.ExprNode.coerce_to

    def coerce_to(self, dst_type, env):
        src = self.type
        if is_nogil_ref(dst_type) and is_nogil_ref(src):
            if src.is_subclass_of(dst_type):
                return self
            error(self.pos, "Cannot assign type '%s' to '%s'" % (src, dst_type))
            self.type = PyrexTypes.error_type
            return self
        return upstream_coerce(self, dst_type, env)

    ExprNodes.ExprNode.coerce_to = coerce_to

    # ---- comparisons ------------------------------------------------------------
    upstream_cmp_analyse = ExprNodes.PrimaryCmpNode.analyse_types

    def cmp_analyse_types(self, env):
        if self.cascade or self.operator not in ('is', 'is_not', '==', '!='):
            return upstream_cmp_analyse(self, env)
        # Decide from inferred types, before analysing anything: analysing the operands here
        # and again in upstream changes some trees (an IndexNode re-analysed gets another
        # index type), and code without nogil classes must stay byte-identical.
        if not (_infers_nogil_ref(self.operand1, env) or _infers_nogil_ref(self.operand2, env)):
            return upstream_cmp_analyse(self, env)
        o1 = self.operand1.analyse_types(env)
        o2 = self.operand2.analyse_types(env)
        t1, t2 = o1.type, o2.type
        if not (is_nogil_ref(t1) or is_nogil_ref(t2)):
            # inference said reference, analysis disagrees: an upstream comparison after all
            self.operand1, self.operand2 = o1, o2
            return upstream_cmp_analyse(self, env)
        if is_nogil_ref(t1) and o2.is_none:
            o2 = NogilNullNode(o2.pos, t1)
        elif is_nogil_ref(t2) and o1.is_none:
            o1 = NogilNullNode(o1.pos, t2)
        elif not (is_nogil_ref(t1) and is_nogil_ref(t2)):
            error(self.pos, "Cannot compare '%s' with '%s'" % (t1, t2))
            self.type = PyrexTypes.error_type
            return self
        return NogilIdentityNode(self.pos, operator=self.operator, operand1=o1, operand2=o2)

    ExprNodes.PrimaryCmpNode.analyse_types = cmp_analyse_types

    # ---- casts ------------------------------------------------------------------
    upstream_cast_analyse = ExprNodes.TypecastNode.analyse_types

    def cast_analyse_types(self, env):
        if self.type is None:
            base_type = self.base_type.analyse(env)
            _, self.type = self.declarator.analyse(base_type, env)
        if is_nogil_ref(self.type):
            operand = self.operand.analyse_types(env)
            if operand.is_none:
                return NogilNullNode(self.pos, self.type)
            if is_nogil_ref(operand.type):
                a, b = operand.type.struct_type, self.type.struct_type
                if not (a.same_as(b) or a.is_subclass(b) or b.is_subclass(a)):
                    error(self.pos, "Cannot cast '%s' to unrelated nogil class '%s'"
                          % (operand.type, self.type))
                return NogilCastNode(self.pos, arg=operand, type=self.type,
                                     checked=bool(self.typecheck))
            if operand.type.is_pyobject and self.type.wrapper is not None:
                return operand.coerce_to(self.type, env)
            error(self.pos, "Cannot cast '%s' to nogil class '%s'" % (operand.type, self.type))
            self.type = PyrexTypes.error_type
            return self
        node = upstream_cast_analyse(self, env)
        if node is self and is_nogil_ref(self.operand.type) and not self.type.is_pyobject \
                and not self.type.is_error:
            error(self.pos, "Cannot cast nogil class '%s' to '%s'" % (self.operand.type, self.type))
            self.type = PyrexTypes.error_type
        return node

    ExprNodes.TypecastNode.analyse_types = cast_analyse_types

    # ---- Channel[int] as a type -------------------------------------------------
    upstream_index_as_type = ExprNodes.IndexNode.analyse_as_type

    def index_analyse_as_type(self, env):
        if _named_nogil_type(self.base, env) is None:
            return upstream_index_as_type(self, env)
        base_type = self.base.analyse_as_type(env)
        if is_nogil_ref(base_type):
            base_type.check_instantiable_here(self.pos)
            values = self.index.args if self.index.is_sequence_constructor else [self.index]
            tnode = Nodes.TemplatedTypeNode(pos=self.pos, positional_args=values, keyword_args=None)
            st = tnode.analyse(env, base_type=base_type.struct_type)
            if st is None or st.is_error:
                return st
            return base_type._derived(st)
        return upstream_index_as_type(self, env)

    ExprNodes.IndexNode.analyse_as_type = index_analyse_as_type

    upstream_templated_analyse = Nodes.TemplatedTypeNode.analyse

    def templated_analyse(self, env, could_be_name=False, base_type=None):
        if base_type is None:
            base_type = self.base_type_node.analyse(env)     # as upstream does, once
            if is_nogil_ref(base_type):
                st = upstream_templated_analyse(self, env, could_be_name,
                                                base_type=base_type.struct_type)
                if st is None or st.is_error:
                    return st
                self.type = base_type._derived(st)
                return self.type
        return upstream_templated_analyse(self, env, could_be_name, base_type)

    Nodes.TemplatedTypeNode.analyse = templated_analyse

    upstream_build_call = ExprNodes.build_c_call_code

    def build_c_call_code(func_type, function_cname, args, opt_arg_struct_cname=None,
                          is_wrapper_call=False):
        code = upstream_build_call(func_type, function_cname, args, opt_arg_struct_cname,
                                   is_wrapper_call)
        if function_cname.startswith("cyn::make<") and func_type.optional_arg_count \
                and code.endswith("NULL)"):
            # make<T> forwards its arguments: a bare NULL would deduce as an integer
            code = code[:-len("NULL)")] + "nullptr)"
        return code

    ExprNodes.build_c_call_code = build_c_call_code

    # ---- temps are moved, not copied ------------------------------------------
    upstream_move = ExprNodes.ExprNode._make_move_result_rhs

    def _make_move_result_rhs(self, result, optional=False):
        if optional and self.is_temp and is_nogil_ref(self.type):
            self.has_temp_moved = True
            return "std::move(%s)" % result
        return upstream_move(self, result, optional)

    ExprNodes.ExprNode._make_move_result_rhs = _make_move_result_rhs


def _lacks_type_arguments(st, env):
    """`Box()` of a generic class (its parameters not given), outside the class's own methods
    (where C++ reads `Box` as the instantiation being defined)."""
    if not any(isinstance(p, PyrexTypes.TemplatePlaceholderType) for p in st.templates or ()):
        return False
    scope = env
    while scope is not None:
        if scope is st.scope:
            return False
        scope = scope.outer_scope
    return True


def _named_nogil_type(node, env):
    """The nogil reference type that `node` names (`Name`, `module.Name`, or either indexed
    `X[...]`), found by symbol lookup only: no analysis, so no side effect on nodes that turn
    out to be ordinary code (upstream analyses them afterwards exactly as before)."""
    if isinstance(node, ExprNodes.NameNode):
        e = env.lookup(node.name)
        return e.type if e is not None and e.is_type and is_nogil_ref(e.type) else None
    if isinstance(node, ExprNodes.AttributeNode) and isinstance(node.obj, ExprNodes.NameNode):
        e = env.lookup(node.obj.name)
        mod = e.as_module if e is not None else None
        if mod is not None:
            e2 = mod.lookup_here(node.attribute)
            return e2.type if e2 is not None and e2.is_type and is_nogil_ref(e2.type) else None
        return None
    if isinstance(node, ExprNodes.IndexNode):
        return _named_nogil_type(node.base, env)
    return None


def _static_nogil_type(node, env):
    """The nogil reference type of expression `node`, found by symbol lookups only (names,
    fields, method results, array items, casts, constructions); None when it is not one or
    cannot be told this way.  Neither analysis nor inference runs: both have side effects on
    some upstream nodes, and code without nogil classes must compile byte-identically."""
    from Cython.Compiler import UtilNodes
    if isinstance(node, UtilNodes.ResultRefNode):      # a value evaluated once (special methods)
        if is_nogil_ref(node.type):
            return node.type
        return _static_nogil_type(node.expression, env) if node.expression is not None else None
    if isinstance(node, ExprNodes.NameNode):
        e = env.lookup(node.name)
        if e is None or e.is_type:
            return None
        t = e.type
        if t is not None and t.is_cfunction:
            return None
        return t if is_nogil_ref(t) else None
    if isinstance(node, ExprNodes.AttributeNode):
        obj_t = _static_nogil_type(node.obj, env)
        if obj_t is None or obj_t.scope is None:
            return None
        e = obj_t.scope.lookup(node.attribute)
        return e.type if e is not None and is_nogil_ref(e.type) else None
    if isinstance(node, ExprNodes.SimpleCallNode):
        fn = node.function
        t = _named_nogil_type(fn, env)
        if t is not None:
            return t                                   # a construction
        if isinstance(fn, ExprNodes.AttributeNode):
            static = _static_method(fn, env)
            if static is not None:
                rt = static.type.return_type
                return rt if is_nogil_ref(rt) else None
            obj_t = _static_nogil_type(fn.obj, env)
            if obj_t is not None and obj_t.scope is not None:
                e = obj_t.scope.lookup(fn.attribute)
                if e is not None and e.type.is_cfunction and is_nogil_ref(e.type.return_type):
                    return e.type.return_type
            return None
        if isinstance(fn, ExprNodes.NameNode):
            e = env.lookup(fn.name)
            if e is not None and e.type is not None and e.type.is_cfunction \
                    and is_nogil_ref(e.type.return_type):
                return e.type.return_type
            if fn.name in ('sorted', 'min', 'max') and _is_builtin(e) and node.args:
                # sorted(xs) / max(objects) of a container (its __cyn_sorted__… method)
                inner = _static_nogil_type(node.args[0], env)
                method = inner.scope.lookup('__cyn_%s__' % fn.name) \
                    if inner is not None and inner.scope is not None else None
                if method is not None and method.type.is_cfunction and is_nogil_ref(method.type.return_type):
                    return method.type.return_type
            if fn.name in ('str', 'repr') and getattr(env, 'nogil', False):
                t = node.infer_type(env)          # str(n) in nogil code: a lib.string (text.py)
                return t if is_nogil_ref(t) else None
        return None
    if isinstance(node, ExprNodes.IndexNode):
        if isinstance(node.base, ExprNodes.NameNode):
            e = env.lookup(node.base.name)
            t = e.type if e is not None and not e.is_type else None
            if t is not None and (t.is_array or t.is_ptr) and is_nogil_ref(t.base_type):
                return t.base_type
        # xs[i], xs[a:b] of a nogil object: what its __getitem__ / __getslice__ returns
        method = '__getslice__' if isinstance(node.index, ExprNodes.SliceNode) else '__getitem__'
        return _special_method_result(_static_nogil_type(node.base, env), method)
    if isinstance(node, ExprNodes.SliceIndexNode):      # xs[a:b] (no step)
        return _special_method_result(_static_nogil_type(node.base, env), '__getslice__')
    if isinstance(node, ExprNodes.BinopNode):
        from .special_methods import BINARY_METHODS
        method = BINARY_METHODS.get(node.operator)
        if method is None:
            return None
        return _special_method_result(_static_nogil_type(node.operand1, env), method)
    if isinstance(node, ExprNodes.TypecastNode):
        base = getattr(node.base_type, 'name', None)
        if base is not None:
            e = env.lookup(base)
            if e is not None and e.is_type and is_nogil_ref(e.type):
                return e.type
        return None
    if isinstance(node, (NogilConstructNode, NogilCastNode, NogilNoneCheckNode, NogilNullNode)):
        return node.type if is_nogil_ref(node.type) else None
    if isinstance(node, ExprNodes.ComprehensionNode) and getattr(env, 'nogil', False):
        # `len([x for x in xs])` in nogil code: the lib container it builds (comprehensions.py;
        # inference only in nogil code, where upstream would refuse the comprehension)
        if is_nogil_ref(node.type):
            return node.type
        from .comprehensions import _inferred_lib_type, NogilAggregateNode
        if isinstance(node, NogilAggregateNode):       # max(words): a lib.string
            t = node.infer_type(env)
            return t if is_nogil_ref(t) else None
        return _inferred_lib_type(node, env)
    if isinstance(node, (ExprNodes.ListNode, ExprNodes.SetNode, ExprNodes.DictNode)) \
            and getattr(env, 'nogil', False):
        # `len([1, 2])`, `sorted([3, 1])` in nogil code: the lib container (literals.py)
        from .literals import inferred_literal_type
        return node.type if is_nogil_ref(node.type) else inferred_literal_type(node, env)
    if isinstance(node, (ExprNodes.JoinedStrNode, ExprNodes.FormattedValueNode)):
        # `len(f"{n}")` in nogil code: the lib.string it builds (text.py)
        t = node.infer_type(env)
        return t if is_nogil_ref(t) else None
    if is_nogil_ref(getattr(node, 'type', None)) and getattr(node, 'cyn_nogil_container', False):
        return node.type       # a literal or comprehension already built as its lib container
    return None


def _special_method_result(t, name):
    """The nogil reference type that method `name` of nogil type `t` returns, else None."""
    if t is None or t.scope is None:
        return None
    e = t.scope.lookup(name)
    if e is None or not e.type.is_cfunction:
        return None
    rt = e.type.return_type
    return rt if is_nogil_ref(rt) else None


def _infers_nogil_ref(node, env):
    return _static_nogil_type(node, env) is not None


def _bind_keyword_arguments(node, t, args, kwds):
    """`Point(y=2, x=1)`: keyword arguments bound to the parameters of the class's __init__
    by name, as Python binds them, giving the positional argument list of the C++
    constructor. An optional parameter left out before one given by keyword takes the
    default written in this module's __init__. None (error reported) when they do not bind."""
    import copy
    from .wrapper import _defaults_of
    pairs = getattr(kwds, 'key_value_pairs', None)
    names = [getattr(p.key, 'value', None) for p in pairs or ()]
    if pairs is None or not all(isinstance(n, str) for n in names):
        error(node.pos, "keyword arguments of nogil class '%s' must be written out (name=value)" % t)
        return None
    st = t.struct_type
    ctor = _find_constructor(st) if st.scope is not None else None
    if ctor is None or len(ctor.all_alternatives()) != 1:
        error(node.pos, "keyword arguments need nogil class '%s' to have one __init__ "
                        "signature" % t)
        return None
    params = ctor.type.args
    given = dict(zip(names, (p.value for p in pairs)))
    for name in names:
        index = next((i for i, p in enumerate(params) if p.name == name), None)
        if index is None:
            error(node.pos, "__init__() of nogil class '%s' got an unexpected keyword argument "
                            "'%s'" % (t, name))
            return None
        if index < len(args):
            error(node.pos, "__init__() of nogil class '%s' got multiple values for argument "
                            "'%s'" % (t, name))
            return None
    defaults = _defaults_of(getattr(ctor, 'cyn_def_node', None))
    required = len(params) - ctor.type.optional_arg_count
    last = max(i for i, p in enumerate(params) if p.name in given)
    for i in range(len(args), last + 1):
        name = params[i].name
        if name in given:
            args.append(given[name])
        elif i >= required and name in defaults:
            args.append(_moved_to(copy.deepcopy(defaults[name]), node.pos))
        else:
            error(node.pos, "__init__() of nogil class '%s' is missing argument '%s'" % (t, name))
            return None
    return args


def _moved_to(tree, pos):
    """`tree` (a copied expression) with every node at `pos`: code is generated for it where
    it is used, and a function's line table only takes positions inside the function."""
    tree.pos = pos
    for attr in getattr(tree, 'child_attrs', None) or ():
        value = getattr(tree, attr, None)
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, Nodes.Node):
                _moved_to(child, pos)
    return tree


def _isinstance_class_tuple(node, env):
    """The nogil classes of `(Cls1, Cls2, ...)` in `isinstance(o, (Cls1, Cls2))`, nested
    tuples flattened as Python does; None unless every item names a nogil class."""
    if not isinstance(node, ExprNodes.TupleNode) or not node.args:
        return None
    targets = []
    for item in node.args:
        if isinstance(item, ExprNodes.TupleNode):
            nested = _isinstance_class_tuple(item, env)
            if nested is None:
                return None
            targets.extend(nested)
            continue
        if _named_nogil_type(item, env) is None:
            return None
        t = item.analyse_as_type(env)
        if not is_nogil_ref(t):
            return None
        targets.append(t)
    return targets


def _find_constructor(st):
    """The `__init__` a construction runs: the class's own, else the nearest base's."""
    while st is not None and st.scope is not None:
        c = st.scope.lookup_here("<init>")
        if c is not None:
            return c
        bases = [b for b in st.base_classes if getattr(b, 'is_nogil_struct', False)]
        st = bases[0] if bases else None
    return None


def _is_builtin(entry):
    return entry is None or entry.is_builtin or getattr(entry.scope, 'is_builtin_scope', False)


def _reduce_spanning(types):
    from functools import reduce
    return reduce(TypeInference.find_spanning_type, types)


def _nogil_bases(t):
    """`t` and its nogil base classes' reference types, nearest first."""
    chain = []
    while t is not None:
        chain.append(t)
        st = t.struct_type
        bases = [b for b in st.base_classes if getattr(b, 'is_nogil_struct', False)]
        t = getattr(bases[0], 'nogil_ref_type', None) if bases else None
    return chain


def _common_nogil_base(t1, t2):
    """The nearest class both nogil reference types derive from (as a reference type),
    or None (unrelated classes, different template instantiations)."""
    if t1.is_subclass_of(t2):
        return t2
    if t2.is_subclass_of(t1):
        return t1
    for base in _nogil_bases(t1)[1:]:
        if t2.is_subclass_of(base):
            return base
    return None


def _nogil_spanning_type(types):
    """The type spanning `types` when they are all nogil references (a common base class,
    as Cython's widest_extension_type does for extension types), else None."""
    if not types or not all(is_nogil_ref(t) for t in types):
        return None
    result = types[0]
    for t in types[1:]:
        result = _common_nogil_base(result, t)
        if result is None:
            return None
    return result


def _infer_none_assigned_refs(inferer, scope, pending):
    """Re-infers, after upstream's inference, the variables of `pending` (those that had no
    declared type) whose assignments are nogil references and `None`: they become the
    reference type instead of `object`; variables whose assignments depend on them follow.
    Nothing changes (no re-inference at all) when no such variable exists."""
    enabled = scope.directives['infer_types']
    if enabled is False:
        return
    spanning = TypeInference.aggressive_spanning_type if enabled is True \
        else TypeInference.safe_spanning_type

    def none_span(entry):
        assmts = entry.cf_assignments
        types = [a.inferred_type for a in assmts if not a.rhs.is_none]
        if len(types) == len(assmts) or not types or not all(types):
            return None
        t = spanning(types, entry.might_overflow, scope)
        return t if is_nogil_ref(t) else None

    if not any(e.type is PyrexTypes.py_object_type and none_span(e) is not None for e in pending):
        return
    for _ in range(len(pending) + 2):
        dirty = False
        for entry in pending:
            assmts = entry.cf_assignments
            if not assmts:
                continue
            for a in assmts:
                a.infer_type()
            new_type = none_span(entry)
            if new_type is None:
                # upstream's rule: None counts as an object unless objects are assigned
                types = [a.inferred_type for a in assmts if not a.rhs.is_none]
                if not types or not all(types):
                    continue
                if len(types) < len(assmts) and not any(t.is_pyobject for t in types):
                    types.append(PyrexTypes.py_object_type)
                new_type = spanning(types, entry.might_overflow, scope)
            if new_type != entry.type:
                inferer.set_entry_type(entry, new_type, scope)
                dirty = True
        if not dirty:
            break


def _class_method(fn, env):
    """(class reference type, entry or None) for `Class.name` / `Class[T].name` named by
    AttributeNode `fn` (found by symbol lookup first), or None when `fn` is not that."""
    if not isinstance(fn, ExprNodes.AttributeNode) or _named_nogil_type(fn.obj, env) is None:
        return None
    t = fn.obj.analyse_as_type(env)
    if not is_nogil_ref(t) or t.struct_type.scope is None:
        return None
    entry = t.struct_type.scope.lookup(fn.attribute)
    if entry is not None and not entry.type.is_cfunction:
        entry = None
    return t, entry


def _static_method(fn, env):
    """The entry of static method `Class.name` / `Class[T].name`, or None."""
    found = _class_method(fn, env)
    if found is None or found[1] is None or not found[1].type.is_static_method:
        return None
    return found[1]


def _class_attribute_call_type(fn, env):
    """The type of a call `Class.method(...)`: the method's return type (a static method,
    or `Base.method(self, ...)`); the error type for a method the class lacks (reported
    once, when the call is analysed)."""
    found = _class_method(fn, env)
    if found is None:
        return None
    return found[1].type.return_type if found[1] is not None else PyrexTypes.error_type


def _static_method_call(node, fn, st, entry, env):
    """`Class.make(args)` for a static method of an (extern) nogil class: a plain call of
    `ns::Class::make` (`ns::Class<int>::make` for `Class[int].make`), overloads included,
    analysed as Cython analyses static methods of C++ classes."""
    def unbound(e):
        u = Symtab.Entry(e.name, e.func_cname or "%s::%s" % (st.empty_declaration_code(), e.cname),
                         e.type)
        u.is_cfunction = 1
        u.func_cname = u.cname
        u.is_unbound_cmethod = 1
        u.scope = e.scope
        return u

    ubcm = unbound(entry)
    ubcm.overloaded_alternatives = [unbound(e) for e in entry.overloaded_alternatives
                                    if e.type.is_static_method]
    name = ExprNodes.NameNode(fn.pos, name=entry.name, entry=ubcm).analyse_rvalue_entry(env)
    name.entry.used = 1
    call = ExprNodes.SimpleCallNode(node.pos, function=name, args=node.args)
    call.analysed = True
    call.args = [a.analyse_types(env) for a in call.args]
    call.analyse_c_function_call(env)
    if call.function.type.is_cfunction and call.function.type.exception_check == '+':
        call.is_temp = True
    return call


def _error_node(node):
    """An analysed stand-in for a call already reported as an error (later stages skip it;
    the unanalysed call itself would crash them)."""
    from .special_methods import _ErrorExprNode
    return _ErrorExprNode(node.pos)


# The runtime's coroutine launchers (stdlib/cyn/coro.pxd): their function runs on a worker
# thread without the GIL, which the C++ template taking it cannot check.
_COROUTINE_LAUNCHERS = ('cyn::stdlib::spawn', 'cyn::stdlib::run')


def _check_coroutine_function(node, env):
    """spawn(f, ...) / run(f, ...): f must be a nogil function (a function needing the GIL
    would run Python code on a worker thread that does not hold it)."""
    fn = node.function
    if not isinstance(fn, ExprNodes.NameNode) or not node.args:
        return
    entry = env.lookup(fn.name)
    if entry is None or getattr(entry, 'cname', None) not in _COROUTINE_LAUNCHERS:
        return
    target = node.args[0]
    if isinstance(target, ExprNodes.NameNode):
        f = env.lookup(target.name)
        t = f.type if f is not None else None
        target_name = target.name
    else:
        from .special_methods import _infer
        t = _infer(target, env)
        target_name = "the function"
    if t is not None and t.is_ptr and t.base_type.is_cfunction:
        t = t.base_type
    if t is not None and t.is_cfunction and not t.nogil:
        error(target.pos, "%s() runs '%s' on a worker thread without the GIL: declare it nogil"
              % (fn.name, target_name))
        return
    if t is not None and t.is_cfunction:
        _check_coroutine_arguments(fn.name, target_name, t, node, env)
    elif len(node.args) == 1 and is_nogil_ref(t):
        run_method = t.scope.lookup('run') if t.scope is not None else None
        if run_method is None or not run_method.type.is_cfunction or run_method.type.args:
            error(target.pos, "%s(obj) runs obj.run(): nogil class '%s' needs a method "
                              "'cdef void run(self)' (a 'def' method belongs to the Python wrapper)"
                  % (fn.name, t))
    elif t is not None and not t.is_error and not is_nogil_ref(t) and not t.is_pyobject:
        error(target.pos, "%s() takes a nogil function (and its arguments) or an object with a "
                          "run() method, not '%s'" % (fn.name, t))


# Coroutine arguments travel in a tuple of the launcher (cyn/task.hpp)
_MAX_COROUTINE_ARGUMENTS = 6


def _check_coroutine_arguments(launcher, name, ftype, node, env):
    """The arguments spawn()/run() copies into the coroutine must fit the function: their
    number, and their kinds (a number for a number, a nogil object of the right class…);
    the C++ template would otherwise fail with pages of errors about std::tuple. A None
    argument becomes a None reference of the parameter's class."""
    args = node.args[1:]
    if len(args) > _MAX_COROUTINE_ARGUMENTS:
        error(args[_MAX_COROUTINE_ARGUMENTS].pos, "%s() passes at most %d arguments to a coroutine "
              "(group more in a nogil object)" % (launcher, _MAX_COROUTINE_ARGUMENTS))
        return
    if ftype.optional_arg_count:
        error(args[0].pos if args else node.pos,
              "%s() cannot use the default arguments of '%s': declare it without defaults"
              % (launcher, name))
        return
    if len(args) != len(ftype.args):
        error(args[-1].pos if args else node.pos,
              "%s() passes %d argument%s to '%s', which takes %d"
              % (launcher, len(args), "" if len(args) == 1 else "s", name, len(ftype.args)))
        return
    from .special_methods import _infer
    from .special_methods import _takes_c_string
    for index, (arg, param) in enumerate(zip(args, ftype.args)):
        if arg.is_none:
            fits = is_nogil_ref(param.type)
            if fits:
                node.args[index + 1] = NogilNullNode(arg.pos, param.type)
        elif isinstance(arg, (ExprNodes.UnicodeNode, ExprNodes.BytesNode)) and is_nogil_ref(param.type) \
                and _takes_c_string(param.type):
            # `spawn(f, "text")` for a lib.string parameter: the text becomes one, as in a call
            node.args[index + 1] = arg.coerce_to(param.type, env)
            continue
        else:
            at = _infer(arg, env)
            if at is None or at.is_error:
                continue
            pt = param.type
            if at.is_pyobject and not env.nogil and pt.can_coerce_from_pyobject(env):
                # with the GIL, a Python value is converted as a direct call converts it
                # (`run(main_, [1, 2, 3])` for a lib.list[long] parameter: a copy)
                node.args[index + 1] = arg.analyse_types(env).coerce_to(pt, env)
                continue
            if is_nogil_ref(pt):
                fits = is_nogil_ref(at) and at.is_subclass_of(pt)
            elif pt.is_numeric or pt.is_enum:
                fits = at.is_numeric or at.is_enum
            else:
                continue
        if not fits:
            error(arg.pos, "%s() argument for parameter '%s' of '%s' must be '%s'"
                  % (launcher, param.name, name, param.type))


def _analyse_nogil_special_call(node, env):
    fn = node.function
    _check_coroutine_function(node, env)
    # Base.method(self, args) -> self->Base::method(args)
    if isinstance(fn, ExprNodes.AttributeNode) and _named_nogil_type(fn.obj, env) is not None:
        t = fn.obj.analyse_as_type(env)
        if is_nogil_ref(t):
            st = t.struct_type
            entry = st.scope.lookup(fn.attribute) if st.scope else None
            if (entry is None or not entry.type.is_cfunction) and fn.attribute == '__init__':
                # B.__init__(self, ...) where B inherits its __init__: the nearest base's, as
                # Python resolves it
                for base in _nogil_bases(t)[1:]:
                    scope = base.struct_type.scope
                    inherited = scope.lookup_here('__init__') if scope is not None else None
                    if inherited is not None and inherited.type.is_cfunction:
                        entry, st = inherited, base.struct_type
                        break
            if entry is None or not entry.type.is_cfunction:
                error(fn.pos, "nogil class '%s' has no method '%s'" % (t, fn.attribute))
                return _error_node(node)
            if entry.type.is_static_method:
                return _static_method_call(node, fn, st, entry, env)
            if not node.args:
                error(node.pos, "calling '%s.%s' needs the object as first argument"
                      % (t, fn.attribute))
                return _error_node(node)
            self_arg = node.args[0].analyse_types(env)
            if not (is_nogil_ref(self_arg.type) and self_arg.type.is_subclass_of(t)):
                error(self_arg.pos, "first argument of '%s.%s' must be a '%s'"
                      % (t, fn.attribute, t))
                return _error_node(node)
            attr = ExprNodes.AttributeNode(fn.pos, obj=self_arg, attribute=fn.attribute)
            attr.is_called = 1
            attr.entry = entry
            attr.type = entry.type
            attr.op = "->"
            attr.is_py_attr = 0
            base_cname = st.empty_declaration_code()
            attr.member = "%s::%s" % (base_cname, entry.cname)
            if _nonecheck_enabled(env) and not _known_not_none(self_arg):
                attr.obj = NogilNoneCheckNode(self_arg, fn.attribute, env=env)
            call = ExprNodes.SimpleCallNode(node.pos, function=attr, args=node.args[1:])
            call.analysed = True
            call.args = [a.analyse_types(env) for a in call.args]
            call.analyse_c_function_call(env)
            return call
    # len(ref) -> ref.__len__() when the class declares __len__ (extern classes: len(ch))
    if isinstance(fn, ExprNodes.NameNode) and fn.name == 'len' and len(node.args) == 1:
        entry = env.lookup(fn.name)
        if _is_builtin(entry) and _infers_nogil_ref(node.args[0], env):
            arg = node.args[0].analyse_types(env)
            if is_nogil_ref(arg.type):
                scope = arg.type.scope
                if scope is None or scope.lookup('__len__') is None:
                    error(node.pos, "object of nogil class '%s' has no len()" % arg.type)
                    return NogilNullNode(node.pos, PyrexTypes.error_type)
                attr = ExprNodes.AttributeNode(fn.pos, obj=arg, attribute='__len__')
                attr.cyn_none_error = "object of type 'NoneType' has no len()"
                call = ExprNodes.SimpleCallNode(node.pos, function=attr, args=[])
                return call.analyse_types(env)
    # isinstance(ref, Cls), isinstance(ref, (Cls1, Cls2, ...))
    if isinstance(fn, ExprNodes.NameNode) and fn.name == 'isinstance' and len(node.args) == 2:
        entry = env.lookup(fn.name)
        targets = _isinstance_class_tuple(node.args[1], env) if _is_builtin(entry) else None
        if targets and (len(targets) > 1 or isinstance(node.args[1], ExprNodes.TupleNode)):
            arg = node.args[0].analyse_types(env)
            if is_nogil_ref(arg.type):
                if not arg.is_simple():
                    arg = arg.coerce_to_temp(env)
                return NogilIsInstanceNode(node.pos, arg=arg, targets=targets)
            if not arg.type.is_pyobject:
                if not arg.type.is_error:
                    error(node.pos, "isinstance() of '%s' against nogil classes" % arg.type)
                return NogilNullNode(node.pos, PyrexTypes.error_type)
            return None   # a Python object: the wrapper types answer
        if _is_builtin(entry) and _named_nogil_type(node.args[1], env) is not None:
            target = node.args[1].analyse_as_type(env)
            if is_nogil_ref(target):
                arg = node.args[0].analyse_types(env)
                if is_nogil_ref(arg.type):
                    return NogilIsInstanceNode(node.pos, arg=arg, targets=[target])
                if arg.type.is_pyobject and target.wrapper is not None:
                    return None   # Python object: the wrapper type answers
                if not arg.type.is_error:      # else already reported
                    error(node.pos, "isinstance() of '%s' against nogil class '%s'"
                          % (arg.type, target))
                # an analysed node: later transforms must not meet the unanalysed call
                return NogilNullNode(node.pos, PyrexTypes.error_type)
    return None
