"""Stage: special methods — Python operators on nogil references, compiled without the GIL.

A nogil class (defined in Cython, or declared extern in a .pxd) that has `__getitem__`,
`__eq__`, `__add__`, `__iter__`/`__next__`… gets Python's meaning for the operators in nogil
code.  This stage rewrites each such operator into an ordinary method call before Cython
analyses it, so argument coercion, overload resolution, None checks and exception handling
(`except +`, the error hint) are the ones every method call already gets:

    o[k]            -> o.__getitem__(k)          o[a:b:c] -> o.__getslice__(a, b, c)
    o[k] = v        -> o.__setitem__(k, v)       del o[k] -> o.__delitem__(k)
    x in o          -> o.__contains__(x)         a == b   -> a.__eq__(b)  (…__lt__, __le__…)
    a + b           -> a.__add__(b), else b.__radd__(a)   a += b -> a.__iadd__(b), else a = a + b
    -o, +o, ~o      -> o.__neg__(), o.__pos__(), o.__invert__()    abs(o) -> o.__abs__()
    hash(o)         -> o.__hash__()              if o:    -> o is not None and o.__bool__()
    str(o)          -> o.__str__() (else __repr__)   repr(o) -> o.__repr__()
    for x in o:     -> it = o.__iter__(); while it.__next__(x): ...

Why: the nogil classes have no Python type slots to dispatch through, and the operators must
not touch the GIL; a method call on a `cyn::Ref` is a direct (virtual) C++ call.

Conventions (docs/stdlib.md):
* Extern classes declare the special method under its Python name with the C++ name after
  it: `T __getitem__ "getitem"(Py_ssize_t i) except +`.  A C name starting with `::` names
  a free function that takes the object first (`bint __eq__ "::cyn::stdlib::eq"(list[T])`).
* Iteration protocol, GIL-free: `__next__` either fills its reference arguments and returns
  a bint (`bint __next__ "next"(T& out)`, False at the end), or (a nogil class written in
  Cython) returns the item and ends the loop with `raise StopIteration`, which compiles to
  a thread-local flag instead of a Python exception.
* `==`/`!=` without `__eq__` stay identity (analysis stage); `x == None` is always identity.
Every patch falls back to the previous implementation when no nogil reference is involved,
so code without nogil classes compiles byte-identically.
"""
import copy
import itertools

from Cython.Compiler import ExprNodes, Nodes, PyrexTypes
from Cython.Compiler.Errors import error
from Cython.Compiler.StringEncoding import EncodedString

from .types import is_nogil_ref

SPECIAL_HEADER = "cyn/stdlib/special.hpp"

BINARY_METHODS = {
    '+': '__add__', '-': '__sub__', '*': '__mul__', '/': '__truediv__', '//': '__floordiv__',
    '%': '__mod__', '**': '__pow__', '<<': '__lshift__', '>>': '__rshift__', '&': '__and__',
    '|': '__or__', '^': '__xor__', '@': '__matmul__',
}
INPLACE_METHODS = {op: '__i%s' % name[2:] for op, name in BINARY_METHODS.items()}
# `a op b` where a has no `__op__` (or is no nogil object) and b's class has `__rop__`
REFLECTED_METHODS = {op: '__r%s' % name[2:] for op, name in BINARY_METHODS.items()}
UNARY_METHODS = {'-': '__neg__', '+': '__pos__', '~': '__invert__'}
COMPARE_METHODS = {'==': '__eq__', '!=': '__ne__', '<': '__lt__', '<=': '__le__',
                   '>': '__gt__', '>=': '__ge__'}

REFLECTED_COMPARE = {'<': '__gt__', '<=': '__ge__', '>': '__lt__', '>=': '__le__'}
# Parsed as nogil special methods besides those the syntax stage lists.
MORE_SPECIAL_METHODS = frozenset("""
    __str__ __repr__
    __pow__ __lshift__ __rshift__ __and__ __or__ __xor__ __matmul__
    __isub__ __imul__ __itruediv__ __ifloordiv__ __imod__ __ipow__ __ilshift__ __irshift__
    __iand__ __ior__ __ixor__ __imatmul__
    __neg__ __pos__ __abs__ __invert__
    __radd__ __rsub__ __rmul__ __rtruediv__ __rfloordiv__ __rmod__ __rpow__ __rlshift__
    __rrshift__ __rand__ __ror__ __rxor__ __rmatmul__
""".split())

_counter = itertools.count()


# ------------------------------------------------------------------------- helpers
def _module_uses_nogil(env):
    """True when the module declares or cimports a nogil class.  Only then may this stage
    look at expression types: inferring types early has side effects on some upstream nodes,
    and a module without nogil classes must compile byte-identically."""
    mod = env.global_scope()
    scopes = [mod] + list(getattr(mod, 'cimported_modules', ()))
    size = sum(len(sc.entries) for sc in scopes)
    cached = getattr(mod, '_cyn_uses_nogil', None)
    if cached is None or (not cached[0] and cached[1] != size):   # a declaration since: look again
        found = any(e.is_type and is_nogil_ref(e.type) for sc in scopes for e in sc.entries.values())
        cached = mod._cyn_uses_nogil = (found, size)
    return cached[0]


def _infer(node, env):
    if not _module_uses_nogil(env):
        return None
    try:
        return node.infer_type(env)
    except Exception:     # inference of a half-built tree: not ours to decide
        return None


def _method(ref_type, name):
    """The entry of special method `name` of a nogil reference type, or None."""
    scope = getattr(ref_type, 'scope', None)
    if scope is None:
        return None
    entry = scope.lookup(name)
    if entry is None or not entry.type.is_cfunction:
        return None
    return entry


def _is_free_function(entry):
    return entry is not None and str(entry.cname).startswith("::")


def method_call(pos, obj, name, args, none_error=None):
    """`obj.name(*args)` as an unanalysed call node. `none_error`: for an operator, the
    TypeError message Python gives when obj is None (else the AttributeError of a call)."""
    attr = ExprNodes.AttributeNode(pos, obj=obj, attribute=EncodedString(name))
    if none_error is not None:
        attr.cyn_none_error = none_error
    return ExprNodes.SimpleCallNode(pos, function=attr, args=list(args))


def python_type_name(t):
    """The name Python's messages would give a value of C or nogil type t."""
    if t is None or t.is_error:
        return 'object'
    if is_nogil_ref(t):
        name = str(t)
        lib_names = {'string': 'str', 'list': 'list', 'dict': 'dict', 'set': 'set'}
        bare = name.split('[')[0].split('.')[-1]
        qualified = getattr(getattr(t, 'struct_type', None), 'cname', '') or ''
        if bare in lib_names and 'cyn::lib' in qualified:
            return lib_names[bare]
        return name.split('[')[0]
    if t.is_pyobject:
        return getattr(t, 'name', None) or 'object'
    if t is PyrexTypes.c_bint_type:
        return 'bool'
    if t.is_int or t.is_enum:
        return 'int'
    if t.is_float:
        return 'float'
    if t.is_complex:
        return 'complex'
    if t.is_string or t.is_pyunicode_ptr:
        return 'bytes'
    return str(t)


# TypeError messages of Python for an operator applied to None (a None nogil reference).
NONE_NOT_ITERABLE = "'NoneType' object is not iterable"
NONE_NOT_SUBSCRIPTABLE = "'NoneType' object is not subscriptable"
NONE_NO_ITEM_ASSIGNMENT = "'NoneType' object does not support item assignment"
NONE_NO_ITEM_DELETION = "'NoneType' object does not support item deletion"
NONE_NO_CONTAINS = "argument of type 'NoneType' is not iterable"
NONE_NOT_CALLABLE = "'NoneType' object is not callable"


def none_operand_error(operator, left, right):
    """`unsupported operand type(s) for +: 'NoneType' and 'int'` (left/right: type names)."""
    if operator in _ORDERING_OPERATORS:
        return "'%s' not supported between instances of '%s' and '%s'" % (operator, left, right)
    return "unsupported operand type(s) for %s: '%s' and '%s'" % (operator, left, right)


_ORDERING_OPERATORS = ('<', '<=', '>', '>=')


def _use_special_header(env):
    env.global_scope().add_include_file(SPECIAL_HEADER)


def _raw_function(pos, cname, return_type, arg_types, exception_check=False,
                  exception_value=None):
    args = [PyrexTypes.CFuncTypeArg("a%d" % i, t, pos) for i, t in enumerate(arg_types)]
    ftype = PyrexTypes.CFuncType(return_type, args, nogil=1, exception_check=exception_check,
                                 exception_value=exception_value)
    return ExprNodes.RawCNameExprNode(pos, ftype, cname)


def _slice_bound(pos, node):
    if node is None or node.is_none:
        return ExprNodes.RawCNameExprNode(pos, PyrexTypes.c_py_ssize_t_type, "PY_SSIZE_T_MIN")
    return node


def _slice_args(pos, start, stop, step):
    step_node = ExprNodes.IntNode(pos, value='1', constant_result=1) \
        if step is None or step.is_none else step
    return [_slice_bound(pos, start), _slice_bound(pos, stop), step_node]


def _names_a_type(node, env):
    """True when `node` spells a type (`Name`, `module.Name`, either indexed), found by
    symbol lookup only: analysing or inferring such nodes early has side effects."""
    if isinstance(node, ExprNodes.IndexNode):
        return _names_a_type(node.base, env)
    if isinstance(node, ExprNodes.NameNode):
        e = env.lookup(node.name)
        return e is not None and e.is_type
    if isinstance(node, ExprNodes.AttributeNode) and isinstance(node.obj, ExprNodes.NameNode):
        e = env.lookup(node.obj.name)
        mod = e.as_module if e is not None else None
        if mod is not None:
            e2 = mod.lookup_here(node.attribute)
            return e2 is not None and e2.is_type
        return _names_a_type(node.obj, env)
    return False


def _missing(pos, ref_type, what):
    error(pos, "nogil class '%s' does not support %s" % (ref_type, what))


class _ErrorExprNode(ExprNodes.AtomicExprNode):
    """Stands for an operation already reported as an error (later stages skip it)."""
    type = PyrexTypes.error_type

    def analyse_types(self, env):
        return self

    def nogil_check(self, env):
        pass

    def calculate_result_code(self):
        return "<error>"

    def generate_result_code(self, code):
        pass


def _error_node(node):
    return _ErrorExprNode(node.pos)


def _has_constructor(ref_type, accepts):
    """True when one of the class's constructors has arguments `accepts(args)` likes."""
    scope = getattr(ref_type, 'scope', None)
    init = scope.lookup_here('<init>') if scope is not None else None
    return init is not None and any(accepts(alt.type.args) for alt in init.all_alternatives())


def _is_c_string(t):
    return t.is_ptr and t.base_type.is_int and t.base_type.rank == 0


def _takes_c_string(ref_type):
    """True when the class has a one-argument constructor taking `const char*`."""
    return _has_constructor(ref_type, lambda args: len(args) == 1 and _is_c_string(args[0].type))


def _bytes_literal(text):
    from Cython.Compiler.StringEncoding import BytesLiteral
    lit = BytesLiteral(text.encode('utf-8'))
    lit.encoding = 'utf-8'
    return lit


def _takes_c_string_and_length(ref_type):
    """True when the class has a constructor taking `(const char*, size_t)`."""
    return _has_constructor(ref_type, lambda args: len(args) == 2 and _is_c_string(args[0].type)
                            and args[1].type.is_int)


def with_literal_length(pos, ref_type, args):
    """`Class(b"a\\0b")` -> `Class(b"a\\0b", 3)` when the class also takes a length: the C
    string a bytes literal becomes ends at its first NUL byte, the literal does not. Other
    arguments are returned as they are (so code without such literals is unchanged)."""
    if len(args) != 1 or not isinstance(args[0], ExprNodes.BytesNode):
        return args
    value = args[0].value
    if b'\0' not in value or not _takes_c_string_and_length(ref_type):
        return args
    length = ExprNodes.IntNode(pos, value=str(len(value)), constant_result=len(value),
                               type=PyrexTypes.c_size_t_type)
    return [args[0], length]


def _construct(pos, ref_type, args, env):
    """`Class(args)` for a nogil class type (as the analysis stage builds constructions)."""
    from .analysis import NogilConstructNode, _find_constructor
    st = ref_type.struct_type
    ctor = _find_constructor(st)
    args = [a.analyse_types(env) for a in args]
    call = NogilConstructNode(pos, function=ExprNodes.RawCNameExprNode(pos, ctor.type), args=args)
    call.function.entry = ctor
    call.function.set_cname("cyn::make<%s>" % st.empty_declaration_code())
    call.analysed = True
    call.analyse_c_function_call(env)
    if not call.type.is_error:
        call.type = ref_type
        call.is_temp = True
    return call


class NogilTruthNode(ExprNodes.ExprNode):
    """`if o:` on a nogil reference: None is false, then `__bool__`, else `__len__() != 0`,
    else true (Python's rules).  The reference is evaluated once (it is a name or a temp);
    an exception raised by a nogil class's `__bool__`/`__len__` propagates (error hint)."""
    subexprs = ['arg']
    type = PyrexTypes.c_bint_type
    is_temp = True

    def analyse_types(self, env):
        return self

    def nogil_check(self, env):
        pass

    def truth_code(self):
        r = self.arg.result()
        entry, how = self.entry, self.how
        if entry is None:
            return "((bool)(%s))" % r
        if _is_free_function(entry):
            call = "%s(%s)" % (entry.cname[2:], r)
        else:
            call = "(%s)->%s()" % (r, entry.cname)
        if how == '__len__':
            call = "(%s != 0)" % call
        return "((bool)(%s) && %s)" % (r, call)

    def generate_result_code(self, code):
        from .emit import uses_error_hint
        code.putln("%s = %s;" % (self.result(), self.truth_code()))
        if self.entry is not None and uses_error_hint(self.entry.type):
            code.putln("if (CYN_ERROR_PENDING()) %s" % code.error_goto(self.pos))


class StopIterationStatNode(Nodes.StatNode):
    """`raise StopIteration` inside `__next__` of a nogil class: sets the thread's stop flag
    (no Python exception, no GIL) and returns a zero item; the `for` loop tests the flag."""
    child_attrs = []

    def analyse_declarations(self, env):
        pass

    def analyse_expressions(self, env):
        _use_special_header(env)
        return self

    def nogil_check(self, env):
        pass

    def generate_execution_code(self, code):
        from Cython.Compiler import Naming
        code.mark_pos(self.pos)
        code.putln("cyn::stdlib::raise_stop_iteration();")
        code.putln("%s = decltype(%s){};" % (Naming.retval_cname, Naming.retval_cname))
        code.put_goto(code.return_label)


# ------------------------------------------------------------------------- rewrites
def _rewrite_free_function_call(node, env):
    """`obj.m(args)` where m's C name is `::f`: becomes `::f(obj, args)`."""
    fn = node.function
    if not isinstance(fn, ExprNodes.AttributeNode) or node.analysed:
        return None
    if _names_a_type(fn.obj, env):
        return None      # Type.method(...) / Type[T].nested(...): not a call on an object
    t = _infer(fn.obj, env)
    if not is_nogil_ref(t):
        return None
    entry = _method(t, fn.attribute)
    if not _is_free_function(entry):
        return None
    obj = fn.obj.analyse_types(env)
    if not is_nogil_ref(obj.type):
        return None
    args = [a.analyse_types(env) for a in node.args]
    alternatives = entry.all_alternatives() if hasattr(entry, 'all_alternatives') else [entry]
    chosen = None
    for alt in alternatives:
        ft = alt.type
        if len(ft.args) - ft.optional_arg_count <= len(args) <= len(ft.args):
            chosen = alt
            break
    if chosen is None:
        error(node.pos, "wrong number of arguments for '%s.%s'" % (t, fn.attribute))
        return _error_node(node)
    ft = chosen.type
    if fn.attribute not in COMPARE_METHODS.values():
        from .analysis import NogilNoneCheckNode, _nonecheck_enabled, _known_not_none
        if _nonecheck_enabled(env) and not _known_not_none(obj):
            obj = NogilNoneCheckNode(obj, fn.attribute, getattr(fn, 'cyn_none_error', None), env)
    func = _raw_function(node.pos, chosen.cname[2:], ft.return_type,
                         [obj.type] + [a.type for a in ft.args],
                         exception_check=ft.exception_check, exception_value=ft.exception_value)
    call = ExprNodes.SimpleCallNode(node.pos, function=func, args=[obj] + args)
    call.analysed = True
    call.analyse_c_function_call(env)
    if ft.return_type.is_pyobject:
        call.is_temp = True
    return call


def _enclosing_nogil_class_scope(env):
    scope = env
    while scope is not None:
        if scope.is_cpp_class_scope and getattr(scope, 'nogil_class_node', None) is not None:
            return scope
        scope = scope.outer_scope if not scope.is_module_scope else None
    return None


def _rewrite_super_call(node, env):
    """`super().name(args)` (or `super(C, self).name(args)`) in a method of a nogil class:
    the base class's method on self, `Base.name(self, args)`, as Python resolves it for single
    inheritance (`super().__init__(x)` included)."""
    fn = node.function
    if not isinstance(fn, ExprNodes.AttributeNode) or not isinstance(fn.obj, ExprNodes.SimpleCallNode):
        return None
    inner = fn.obj
    if not isinstance(inner.function, ExprNodes.NameNode) or inner.function.name != 'super' \
            or len(inner.args) not in (0, 2):
        return None
    from .analysis import _is_builtin
    if not _is_builtin(env.lookup('super')):
        return None
    scope = _enclosing_nogil_class_scope(env)
    if scope is None:
        return None
    st = scope.type
    base = st.base_classes[0] if st.base_classes else None
    base_ref = getattr(base, 'nogil_ref_type', None)
    if base_ref is None:
        error(inner.pos, "super() in nogil class '%s': the class has no nogil base" % st.name)
        return _error_node(node)
    found = env.lookup(base.name)
    if found is None or not found.is_type or found.type is not base_ref:
        error(inner.pos, "super() in nogil class '%s': name the base class here "
                         "('%s.%s(self, ...)')" % (st.name, base.name, fn.attribute))
        return _error_node(node)
    target = ExprNodes.AttributeNode(fn.pos, obj=ExprNodes.NameNode(inner.pos, name=base.name),
                                     attribute=fn.attribute)
    self_arg = ExprNodes.NameNode(inner.pos, name=EncodedString('self'))
    return ExprNodes.SimpleCallNode(node.pos, function=target,
                                    args=[self_arg] + list(node.args)).analyse_types(env)


def _rewrite_object_call(node, env):
    """o(args) on a nogil reference: o.__call__(args)."""
    fn = node.function
    if not fn.is_name or _names_a_type(fn, env):
        return None
    entry = env.lookup(fn.name)
    if entry is None or not is_nogil_ref(entry.type) or entry.is_type:
        return None
    if _method(entry.type, '__call__') is None:
        _missing(node.pos, entry.type, "calls (no __call__)")
        return _error_node(node)
    return method_call(node.pos, fn, '__call__', node.args, NONE_NOT_CALLABLE).analyse_types(env)


def _text_class(env):
    """The class a text literal becomes where nogil code needs an object (`lib.string`), when
    the module cimports cyn.lib; else None."""
    mod = env.global_scope()
    for scope in [mod] + list(getattr(mod, 'cimported_modules', ())):
        if getattr(scope, 'qualified_name', None) == 'cyn.lib':
            entry = scope.lookup_here('string')
            if entry is not None and entry.is_type and is_nogil_ref(entry.type):
                return entry.type
    return None


def _text_literal_method(node, env):
    """(class, method name) for `b" ".join(parts)` / `",".join(parts)`: a method of lib.string
    called on a text literal with a nogil object among the arguments (code that passes only
    Python objects keeps Python's str/bytes method); else None."""
    fn = node.function
    args = getattr(node, 'args', None)
    if not isinstance(fn, ExprNodes.AttributeNode) \
            or not isinstance(fn.obj, (ExprNodes.UnicodeNode, ExprNodes.BytesNode)) or not args:
        return None
    if not any(is_nogil_ref(_infer(a, env)) for a in args):
        return None
    t = _text_class(env)
    if t is None or _method(t, fn.attribute) is None:
        return None
    return t, fn.attribute


def _rewrite_text_literal_method_call(node, env):
    found = _text_literal_method(node, env)
    if found is None:
        return None
    t, name = found
    receiver = node.function.obj.coerce_to(t, env)
    return method_call(node.pos, receiver, name, node.args).analyse_types(env)


# sum(o[, start]) / min(o) / max(o) / sorted(o) of a nogil object whose class declares the
# matching `__cyn_sum__`… method (the lib containers, lib.pxd): positional arguments after
# the object go to the method.
AGGREGATE_BUILTINS = {'sum': (1, 2), 'min': (1, 1), 'max': (1, 1), 'sorted': (1, 1)}


def _aggregate_method(fn, args, env):
    """The `__cyn_<name>__` method name for `name(obj, ...)` on a nogil object that has it."""
    if not isinstance(fn, ExprNodes.NameNode) or fn.name not in AGGREGATE_BUILTINS:
        return None
    low, high = AGGREGATE_BUILTINS[fn.name]
    if not args or not low <= len(args) <= high:
        return None
    from .analysis import _is_builtin
    if not _is_builtin(env.lookup(fn.name)):
        return None
    t = _infer(args[0], env)
    name = '__cyn_%s__' % fn.name
    if not is_nogil_ref(t) or _method(t, name) is None:
        return None
    return name


# Builtins whose result type, on a nogil object, is decided by the argument's type.
_ARGUMENT_TYPED_BUILTINS = frozenset(('sum', 'min', 'max', 'sorted', 'len', 'hash', 'str', 'repr', 'enumerate', 'reversed',
                                      'abs'))


def _may_be_nogil_container(arg, env):
    """Before type inference: whether `arg` is, or may turn out to be, a nogil object (a
    declared nogil type, or a local whose type is still to be inferred)."""
    if not _module_uses_nogil(env):
        return False
    if isinstance(arg, ExprNodes.ComprehensionNode):
        # in nogil code a comprehension is the lib container its items fill (not inferred
        # here: this also runs before control flow analysis, too early for its scope)
        from .literals import lib_class, runs_without_gil
        return runs_without_gil(env) and lib_class(env, 'list') is not None
    if isinstance(arg, (ExprNodes.ListNode, ExprNodes.SetNode, ExprNodes.DictNode)):
        return is_nogil_ref(_infer(arg, env))      # a literal: the same, from its items
    if arg.is_sequence_constructor or isinstance(arg, ExprNodes.GeneratorExpressionNode):
        return False
    if isinstance(arg, ExprNodes.NameNode):
        entry = env.lookup(arg.name)
        if entry is not None and entry.type is PyrexTypes.unspecified_type:
            return True
    if isinstance(arg, ExprNodes.BinopNode):           # sorted(a + b), sorted(a | b)
        return _may_be_nogil_container(arg.operand1, env) or _may_be_nogil_container(arg.operand2, env)
    if isinstance(arg, ExprNodes.AttributeNode):       # sorted(box.items), sorted(d.keys())
        if _may_be_nogil_container(arg.obj, env):
            return True
    if isinstance(arg, ExprNodes.SimpleCallNode) and isinstance(arg.function, ExprNodes.AttributeNode):
        if _may_be_nogil_container(arg.function.obj, env):
            return True
    return is_nogil_ref(_infer(arg, env))


def _rewrite_aggregate_call(node, env):
    name = _aggregate_method(node.function, node.args, env)
    if name is None:
        return None
    return method_call(node.pos, node.args[0], name, node.args[1:], NONE_NOT_ITERABLE).analyse_types(env)


def _rewrite_sorted_keywords(node, env):
    """sorted(o, reverse=flag) (reverse is keyword-only, as in Python)."""
    positional = getattr(node.positional_args, 'args', None)
    keywords = node.keyword_args
    if positional is None or len(positional) != 1 or not isinstance(keywords, ExprNodes.DictNode):
        return None
    if _aggregate_method(node.function, positional, env) != '__cyn_sorted__':
        return None
    items = keywords.key_value_pairs
    if len(items) != 1 or getattr(items[0].key, 'value', None) != 'reverse':
        return None
    return method_call(node.pos, positional[0], '__cyn_sorted__', [items[0].value],
                       NONE_NOT_ITERABLE).analyse_types(env)


def _rewrite_split_maxsplit_only(node, env):
    """`s.split(maxsplit=n)` on a lib.string: Python's whitespace split with a limit, i.e.
    `s.split(None, n)`. Cython binds keywords by the names of the first overload, whose `sep`
    is then missing; giving it the None that Python defaults it to keeps every other form
    (`s.split(",", maxsplit=1)`, `s.split(sep=None, maxsplit=1)`) on upstream's path."""
    fn = node.function
    positional = getattr(node.positional_args, 'args', None)
    keywords = node.keyword_args
    if not isinstance(fn, ExprNodes.AttributeNode) or fn.attribute != 'split' \
            or positional or not isinstance(keywords, ExprNodes.DictNode):
        return None
    items = keywords.key_value_pairs
    if len(items) != 1 or getattr(items[0].key, 'value', None) != 'maxsplit':
        return None
    t = _text_class(env)
    if t is None or _infer(fn.obj, env) is not t:
        return None
    separator = ExprNodes.NoneNode(node.pos)
    return method_call(node.pos, fn.obj, 'split', [separator, items[0].value]).analyse_types(env)


def _sort_with_key(node, env):
    """`xs.sort(key=f[, reverse=flag])` on a lib.list and `sorted(o, key=f[, reverse=flag])` on a
    lib container: f is a nogil function of one item (a Python callable would need the GIL);
    each key is computed once, as Python does (lib.hpp list_sort_by_key)."""
    fn = node.function
    positional = getattr(node.positional_args, 'args', None)
    keywords = node.keyword_args
    if positional is None or not isinstance(keywords, ExprNodes.DictNode):
        return None
    given = {getattr(item.key, 'value', None): item.value for item in keywords.key_value_pairs}
    if 'key' not in given or not set(given) <= {'key', 'reverse'}:
        return None
    is_method = isinstance(fn, ExprNodes.AttributeNode) and fn.attribute == 'sort' and not positional
    if is_method:
        container = fn.obj
        cname, result = "cyn::stdlib::list_sort_by_key", PyrexTypes.c_void_type
        t = _infer(container, env)
        if _method(t, '__cyn_sorted__') is None or _method(t, 'sort') is None:
            return None
    elif len(positional) == 1 and _aggregate_method(fn, positional, env) == '__cyn_sorted__':
        container = positional[0]
        cname = "cyn::stdlib::builtin_sorted_by_key"
        t = _infer(container, env)
        result = _method(t, '__cyn_sorted__').type.return_type
    else:
        return None
    key = given['key'].analyse_types(env)
    key_type = key.type.base_type if key.type.is_ptr else key.type
    element = _method(t, '__cyn_sorted__').type.return_type.struct_type.templates[0]
    if not key_type.is_cfunction or len(key_type.args) != 1 or not key_type.nogil \
            or not key_type.args[0].type.assignable_from(element):
        error(key.pos, "key= of a lib container takes a nogil function of one '%s' (a cdef "
                       "function declared nogil; Python callables are not supported)" % element)
        return _error_node(node)
    reverse = given.get('reverse') or ExprNodes.BoolNode(node.pos, value=False)
    container = container.analyse_types(env)
    reverse = reverse.analyse_types(env).coerce_to(PyrexTypes.c_bint_type, env)
    handler = _method(t, '__cyn_sorted__').type   # `except +raise_lib_error`, as every lib method
    func = _raw_function(node.pos, cname, result, [container.type, key.type, PyrexTypes.c_bint_type],
                         exception_check='+', exception_value=handler.exception_value)
    if _nonecheck_wanted(container, env):
        from .analysis import NogilNoneCheckNode
        container = NogilNoneCheckNode(container, 'sort', None if is_method else NONE_NOT_ITERABLE,
                                       env)
    call = ExprNodes.SimpleCallNode(node.pos, function=func, args=[container, key, reverse])
    call.analysed = True
    call.analyse_c_function_call(env)
    return call


def _nonecheck_wanted(node, env):
    from .analysis import _nonecheck_enabled, _known_not_none
    return _nonecheck_enabled(env) and not _known_not_none(node)


def _rewrite_call_keywords(node, env):
    return (_sort_with_key(node, env) or _rewrite_sorted_keywords(node, env)
            or _rewrite_split_maxsplit_only(node, env))


def _aggregate_result_type(fn, args, env):
    name = _aggregate_method(fn, args, env)
    if name is None:
        return None
    return _method(_infer(args[0], env), name).type.return_type


def _rewrite_builtin_call(node, env):
    """hash(o), str(o), repr(o) on nogil references; sum()/min()/max()/sorted() of lib
    containers; lib.string methods called on a text literal."""
    fn = node.function
    replaced = _rewrite_aggregate_call(node, env) or _rewrite_text_literal_method_call(node, env)
    if replaced is not None:
        return replaced
    if not isinstance(fn, ExprNodes.NameNode) or len(node.args) != 1:
        return None
    if fn.name not in ('hash', 'str', 'repr', 'bool', 'len', 'abs'):
        return None
    entry = env.lookup(fn.name)
    from .analysis import _is_builtin
    if not _is_builtin(entry):
        return None
    t = _infer(node.args[0], env)
    if fn.name == 'hash' and _is_template_param(t):
        # hash(self.value) in a generic class: the instantiation's hash (special.hpp)
        _use_special_header(env)
        arg = node.args[0].analyse_types(env)
        func = _raw_function(node.pos, "cyn::stdlib::generic_hash", PyrexTypes.c_py_ssize_t_type,
                             [arg.type], exception_check=True)
        func.type.cyn_error_hint = True
        call = ExprNodes.SimpleCallNode(node.pos, function=func, args=[arg])
        call.analysed = True
        call.analyse_c_function_call(env)
        return call
    if not is_nogil_ref(t):
        return None
    if fn.name == 'bool':
        return node.args[0].analyse_types(env).coerce_to_boolean(env)
    if fn.name == 'len':
        if _method(t, '__len__') is not None:
            return None     # the analysis stage calls __len__
        error(node.pos, "object of nogil class '%s' has no len()" % t)
        return _error_node(node)
    name = '__%s__' % fn.name
    if fn.name == 'str' and _method(t, name) is None:
        name = '__repr__'   # Python's str() falls back to __repr__
    if fn.name == 'abs' and _method(t, name) is None:
        _missing(node.pos, t, "abs() (no __abs__)")
        return _error_node(node)
    if _method(t, name) is None:
        if fn.name != 'hash':
            return None     # str()/repr() of the Python wrapper (needs the GIL)
        # Python's default: identity (the same value as hash() of the Python wrapper); a
        # class that defines __eq__ without __hash__ is unhashable (TypeError), as in Python
        _use_special_header(env)
        arg = node.args[0].analyse_types(env)
        if _method(t, '__eq__') is not None:
            func = _raw_function(node.pos, "cyn::stdlib::unhashable", PyrexTypes.c_py_ssize_t_type,
                                 [arg.type, PyrexTypes.c_const_char_ptr_type], exception_check='+')
            name = ExprNodes.BytesNode(node.pos, value=_bytes_literal(str(t)), constant_result=str(t).encode())
            call = ExprNodes.SimpleCallNode(node.pos, function=func, args=[arg, name.analyse_types(env)])
            call.analysed = True
            call.analyse_c_function_call(env)
            return call
        func = _raw_function(node.pos, "cyn::stdlib::identity_hash", PyrexTypes.c_py_ssize_t_type,
                             [arg.type])
        call = ExprNodes.SimpleCallNode(node.pos, function=func, args=[arg])
        call.analysed = True
        call.analyse_c_function_call(env)
        return call
    message = "bad operand type for abs(): 'NoneType'" if fn.name == 'abs' else None
    if fn.name in ('str', 'repr') and _is_lib_text(_method(t, name).type.return_type):
        return _text_of_object_or_none(node, name, env)
    return method_call(node.pos, node.args[0], name, [], message).analyse_types(env)


def _is_lib_text(t):
    return is_nogil_ref(t) and getattr(t.struct_type, 'cname', '') == 'cyn::lib::string'


def _text_of_object_or_none(node, name, env):
    """str(o) / repr(o) of a nogil object that may be None: "None", as Python's str(None)
    (o evaluated once)."""
    from Cython.Compiler import UtilNodes
    obj = node.args[0]
    x = obj if obj.is_name else UtilNodes.LetRefNode(obj)
    test = ExprNodes.PrimaryCmpNode(node.pos, operator='is_not', operand1=x,
                                    operand2=ExprNodes.NoneNode(node.pos))
    text_type = _method(_infer(obj, env), name).type.return_type
    none_text = ExprNodes.UnicodeNode(node.pos, value=EncodedString("None")).analyse_types(env)
    text = ExprNodes.CondExprNode(node.pos, condition=test, true_val=method_call(node.pos, x, name, []),
                                  false_val=none_text.coerce_to(text_type, env))
    if isinstance(x, UtilNodes.LetRefNode):
        text = UtilNodes.EvalWithTempExprNode(x, text)
    return text.analyse_types(env)


def _builtin_call_result_type(node, env):
    """The type of str(o)/repr(o)/hash(o) on a nogil reference whose class defines the
    special method (the method's return type), else None."""
    fn = node.function
    args = getattr(node, 'args', None)
    if args is None and isinstance(node, ExprNodes.GeneralCallNode):
        positional = getattr(node.positional_args, 'args', None)
        return _aggregate_result_type(fn, positional, env) if positional else None
    aggregate = _aggregate_result_type(fn, args, env)
    if aggregate is not None:
        return aggregate
    text_method = _text_literal_method(node, env)
    if text_method is not None:
        return _method(*text_method).type.return_type
    if not isinstance(fn, ExprNodes.NameNode) or fn.name not in ('str', 'repr', 'hash', 'abs') \
            or not args or len(args) != 1:
        return None
    from .analysis import _is_builtin
    if not _is_builtin(env.lookup(fn.name)):
        return None
    t = _infer(args[0], env)
    if not is_nogil_ref(t):
        return None
    entry = _method(t, '__%s__' % fn.name)
    if entry is None and fn.name == 'str':
        entry = _method(t, '__repr__')
    if entry is not None:
        return entry.type.return_type
    return PyrexTypes.c_py_ssize_t_type if fn.name == 'hash' else None


def _rewrite_index(node, env):
    """o[k] and o[a:b:c] (rvalues)."""
    base = node.base
    if _names_a_type(base, env):
        return None    # Channel[int]: a type, not an indexing
    t = _infer(base, env)
    if not is_nogil_ref(t):
        return None
    index = node.index
    if isinstance(index, ExprNodes.SliceNode):
        if _method(t, '__getslice__') is None:
            _missing(node.pos, t, "slicing")
            return _error_node(node)
        return method_call(node.pos, base, '__getslice__',
                           _slice_args(node.pos, index.start, index.stop, index.step),
                           NONE_NOT_SUBSCRIPTABLE).analyse_types(env)
    if _method(t, '__getitem__') is None:
        _missing(node.pos, t, "indexing (no __getitem__)")
        return _error_node(node)
    return method_call(node.pos, base, '__getitem__', [index], NONE_NOT_SUBSCRIPTABLE).analyse_types(env)


def _rewrite_slice_index(node, env):
    t = _infer(node.base, env)
    if not is_nogil_ref(t):
        return None
    if _method(t, '__getslice__') is None:
        _missing(node.pos, t, "slicing")
        return _error_node(node)
    return method_call(node.pos, node.base, '__getslice__',
                       _slice_args(node.pos, node.start, node.stop, None),
                       NONE_NOT_SUBSCRIPTABLE).analyse_types(env)


def _subscript_call(target, env, kind, value=None):
    """The call replacing `target = value` (kind 'set') or `del target` (kind 'del') when
    target subscripts a nogil reference, else None."""
    if isinstance(target, ExprNodes.IndexNode):
        base, index = target.base, target.index
        if isinstance(index, ExprNodes.SliceNode):
            args = _slice_args(target.pos, index.start, index.stop, index.step)
            name = '__%sslice__' % kind
        else:
            args = [index]
            name = '__%sitem__' % kind
    elif isinstance(target, ExprNodes.SliceIndexNode):
        base = target.base
        args = _slice_args(target.pos, target.start, target.stop, None)
        name = '__%sslice__' % kind
    else:
        return None
    t = _infer(base, env)
    if not is_nogil_ref(t):
        return None
    if _method(t, name) is None:
        _missing(target.pos, t, "item %s (no %s)" % ("assignment" if kind == 'set' else "deletion", name))
        return Nodes.PassStatNode(target.pos)
    if value is not None:
        args = args + [value]
    none_error = NONE_NO_ITEM_ASSIGNMENT if kind == 'set' else NONE_NO_ITEM_DELETION
    return Nodes.ExprStatNode(target.pos, expr=method_call(target.pos, base, name, args, none_error))


def _split_chained_comparison(node, env):
    """`a < b < c` with a nogil object among the operands: `a < b and b < c`, b evaluated
    once, as Python chains comparisons (each link then goes through the special methods)."""
    from Cython.Compiler import UtilNodes
    operands = [node.operand1, node.operand2]
    operators = [node.operator]
    cascade = node.cascade
    while cascade is not None:
        operands.append(cascade.operand2)
        operators.append(cascade.operator)
        cascade = cascade.cascade
    if not any(is_nogil_ref(_infer(o, env)) for o in operands):
        return None
    lets = []
    shared = [operands[0]]
    for middle in operands[1:-1]:
        if middle.is_name or middle.is_literal:
            shared.append(middle)
        else:
            let = UtilNodes.LetRefNode(middle)
            lets.append(let)
            shared.append(let)
    shared.append(operands[-1])
    test = None
    for i, op in enumerate(operators):
        left = shared[i]
        if i > 0 and not isinstance(left, UtilNodes.LetRefNode):
            left = copy.deepcopy(left)      # a name or literal: its own node in each link
        link = ExprNodes.PrimaryCmpNode(node.pos, operator=op, operand1=left, operand2=shared[i + 1])
        test = link if test is None else ExprNodes.BoolBinopNode(node.pos, operator='and', operand1=test, operand2=link)
    for let in reversed(lets):
        test = UtilNodes.EvalWithTempExprNode(let, test)
    return test.analyse_types(env)


def _rewrite_compare(node, env):
    if node.cascade:
        return _split_chained_comparison(node, env)
    op = node.operator
    if op in ('in', 'not_in'):
        t = _infer(node.operand2, env)
        if not is_nogil_ref(t):
            return None
        if _method(t, '__contains__') is None:
            _missing(node.pos, t, "'in' (no __contains__)")
            return _error_node(node)
        call = method_call(node.pos, node.operand2, '__contains__', [node.operand1], NONE_NO_CONTAINS)
        if op == 'not_in':
            call = ExprNodes.NotNode(node.pos, operand=call)
        return call.analyse_types(env)
    if op not in COMPARE_METHODS:
        return None
    if node.operand1.is_none or node.operand2.is_none:
        return None
    t = _infer(node.operand1, env)
    t2 = _infer(node.operand2, env)
    if _is_template_param(t) or _is_template_param(t2):
        return _generic_compare(node, env)
    if isinstance(node.operand1, (ExprNodes.UnicodeNode, ExprNodes.BytesNode)) and is_nogil_ref(t2):
        # `"ab" == s`: compared as `s == "ab"` (the literal becomes the class's string), as
        # Python reflects a comparison the left operand does not support
        node.operand1, node.operand2 = node.operand2, node.operand1
        node.operator = _SWAPPED_OPERATOR[op]
        op = node.operator
        t, t2 = t2, t
    if _compare_in_python(node, env, t, t2):
        return None
    if not is_nogil_ref(t):
        return None
    name = COMPARE_METHODS[op]
    if op in ('==', '!=') and (_method(t, name) is not None or _method(t, '__eq__') is not None):
        return _equality_with_none_left(node, env, t)
    if _method(t, name) is not None:
        call = method_call(node.pos, node.operand1, name, [node.operand2],
                           none_operand_error(op, 'NoneType', python_type_name(t2)))
        return call.analyse_types(env).coerce_to(PyrexTypes.c_bint_type, env)
    if op == '!=' and _method(t, '__eq__') is not None:
        call = method_call(node.pos, node.operand1, '__eq__', [node.operand2])
        return ExprNodes.NotNode(node.pos, operand=call).analyse_types(env)
    if op in ('==', '!='):
        return None     # identity (analysis stage)
    reflected = REFLECTED_COMPARE.get(op)
    t2 = _infer(node.operand2, env)
    if reflected and is_nogil_ref(t2) and _method(t2, reflected) is not None:
        # Python's fallback: a > b is b < a when a has no __gt__
        call = method_call(node.pos, node.operand2, reflected, [node.operand1],
                           none_operand_error(op, python_type_name(t), 'NoneType'))
        return call.analyse_types(env).coerce_to(PyrexTypes.c_bint_type, env)
    _missing(node.pos, t, "'%s' (no %s)" % (op, name))
    return _error_node(node)


def _equality_with_none_left(node, env, t):
    """`a == b` / `a != b` through a's `__eq__` (or `__ne__`), where a may be None: Python
    compares None by identity there (`None == b` is `b is None`; a number or a text is never
    None), so the method runs only for an object. a and b are evaluated once, in order."""
    from Cython.Compiler import UtilNodes
    op = node.operator
    pos = node.pos
    left, right = node.operand1, node.operand2
    if not left.is_name:
        left = UtilNodes.LetRefNode(left)
    t2 = _infer(right, env)
    is_literal = isinstance(right, (ExprNodes.ConstNode, ExprNodes.UnicodeNode, ExprNodes.BytesNode)) \
        and not right.is_none
    right_may_be_none = not is_literal and (right.is_none or is_nogil_ref(t2)
                                            or (t2 is not None and t2.is_pyobject))
    if right_may_be_none and not right.is_name and not right.is_none:
        right = UtilNodes.LetRefNode(right)
    name = COMPARE_METHODS[op]
    if _method(t, name) is not None:
        compared = method_call(pos, left, name, [right])
    else:      # `!=` from `not __eq__`
        compared = ExprNodes.NotNode(pos, operand=method_call(pos, left, '__eq__', [right]))
    if right_may_be_none:
        by_identity = ExprNodes.PrimaryCmpNode(pos, operator='is' if op == '==' else 'is_not',
                                               operand1=copy.deepcopy(right) if right.is_name else right,
                                               operand2=ExprNodes.NoneNode(pos))
    else:
        by_identity = ExprNodes.BoolNode(pos, value=op == '!=')
    left_is_none = ExprNodes.PrimaryCmpNode(pos, operator='is', operand1=left,
                                            operand2=ExprNodes.NoneNode(pos))
    expr = ExprNodes.CondExprNode(pos, condition=left_is_none, true_val=by_identity,
                                  false_val=ExprNodes.TypecastNode(
                                      pos, operand=compared, type=PyrexTypes.c_bint_type))
    for evaluated_once in (right, left):          # (the outer one is evaluated first)
        if isinstance(evaluated_once, UtilNodes.LetRefNode):
            expr = UtilNodes.EvalWithTempExprNode(evaluated_once, expr)
    return expr.analyse_types(env).coerce_to(PyrexTypes.c_bint_type, env)


def _is_template_param(t):
    return isinstance(t, PyrexTypes.TemplatePlaceholderType)


_SWAPPED_OPERATOR = {'==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<='}
_COMPARE_OPS = {'==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge'}


def _generic_compare(node, env):
    """`a == b` where an operand's type is a generic class's parameter (`T`): the C++ of the
    instantiation compares the way Python would compare what it holds (special.hpp
    generic_compare: numbers, strings by content, objects by their __eq__/__lt__…), where
    C++'s `==` on a reference is identity and `<` does not compile."""
    _use_special_header(env)
    a = node.operand1.analyse_types(env)
    b = node.operand2.analyse_types(env)
    cname = "cyn::stdlib::generic_compare<cyn::stdlib::compare_op::%s>" % _COMPARE_OPS[node.operator]
    func = _raw_function(node.pos, cname, PyrexTypes.c_bint_type, [a.type, b.type],
                         exception_check=True)
    func.type.cyn_error_hint = True      # a special method's exception: the error hint
    call = ExprNodes.SimpleCallNode(node.pos, function=func, args=[a, b])
    call.analysed = True
    call.analyse_c_function_call(env)
    return call


def _compare_in_python(node, env, t1, t2):
    """`obj == ref` (a Python object against a nogil reference) and, where the GIL is held,
    `ref == 1` (against a C value that is no nogil reference): Python compares them, so the
    nogil operand becomes its wrapper (and a C value its Python value) and upstream does the
    rest: the wrapper's __eq__ answers NotImplemented for another type, as Python's would.
    True when the operands were converted."""
    if t1 is None or t2 is None or (is_nogil_ref(t1) == is_nogil_ref(t2)):
        return False
    ref_t, other_t = (t1, t2) if is_nogil_ref(t1) else (t2, t1)
    other = node.operand2 if is_nogil_ref(t1) else node.operand1
    if isinstance(other, (ExprNodes.UnicodeNode, ExprNodes.BytesNode)):
        return False    # a text literal: it becomes the class's own string (`s == b""`)
    if other_t.is_error or not ref_t.can_coerce_to_pyobject(env):
        return False
    if not other_t.is_pyobject:
        if getattr(env, 'nogil', False) or not other_t.can_coerce_to_pyobject(env):
            return False
        method = _method(ref_t, COMPARE_METHODS[node.operator]) or _method(ref_t, '__eq__')
        if method is not None and method.type.args and not is_nogil_ref(method.type.args[0].type):
            return False    # the class compares with C values itself (`__eq__(self, long x)`)
    def as_python(operand):
        # a container compares as the Python value it copies to (`[1, 2] == xs`), not as
        # its live view; an object of a nogil class as its wrapper
        if is_nogil_ref(_infer(operand, env)) and _method(_infer(operand, env), 'to_py') is not None:
            return method_call(operand.pos, operand, 'to_py', []).analyse_types(env)
        return operand.analyse_types(env).coerce_to_pyobject(env)

    node.operand1 = as_python(node.operand1)
    node.operand2 = as_python(node.operand2)
    return True


def _compare_result_type(node, env):
    if node.cascade:
        return None
    op = node.operator
    if op in ('in', 'not_in'):
        return PyrexTypes.c_bint_type if is_nogil_ref(_infer(node.operand2, env)) else None
    if op in COMPARE_METHODS and is_nogil_ref(_infer(node.operand1, env)):
        return PyrexTypes.c_bint_type
    return None


def _reflected_method(node, env, left_type):
    """`__rop__` of the right operand's class for `a op b` when the left operand has no
    `__op__` (Python's order: the left operand's method first, then the reflected one;
    with static types the choice is made here, once); else None."""
    if is_nogil_ref(left_type) and _method(left_type, BINARY_METHODS[node.operator]) is not None:
        return None
    name = REFLECTED_METHODS[node.operator]
    t2 = _infer(node.operand2, env)
    if is_nogil_ref(t2) and _method(t2, name) is not None:
        return _method(t2, name)
    return None


def _rewrite_binop(node, env):
    name = BINARY_METHODS.get(node.operator)
    if name is None:
        return None
    t = _infer(node.operand1, env)
    reflected = _reflected_method(node, env, t)
    if reflected is not None:
        message = none_operand_error(node.operator, python_type_name(t), 'NoneType')
        return method_call(node.pos, node.operand2, reflected.name, [node.operand1], message).analyse_types(env)
    if not is_nogil_ref(t):
        replaced = _rewrite_text_literal_binop(node, env, name)
        t2 = _infer(node.operand2, env) if replaced is None else None
        if is_nogil_ref(t2) and t is not None and not t.is_pyobject and not t.is_error:
            _missing(node.pos, t2, "'%s' with a %s on its left (no %s)"
                     % (node.operator, t, REFLECTED_METHODS[node.operator]))
            return _error_node(node)
        return replaced
    if _method(t, name) is None:
        _missing(node.pos, t, "'%s' (no %s)" % (node.operator, name))
        return _error_node(node)
    message = none_operand_error(node.operator, 'NoneType', python_type_name(_infer(node.operand2, env)))
    return method_call(node.pos, node.operand1, name, [node.operand2], message).analyse_types(env)


def _rewrite_unop(node, env):
    """-o, +o, ~o on a nogil reference: its `__neg__`, `__pos__`, `__invert__`."""
    name = UNARY_METHODS.get(node.operator)
    t = _infer(node.operand, env) if name is not None else None
    if not is_nogil_ref(t):
        return None
    if _method(t, name) is None:
        _missing(node.pos, t, "unary '%s' (no %s)" % (node.operator, name))
        return _error_node(node)
    message = "bad operand type for unary %s: 'NoneType'" % node.operator
    return method_call(node.pos, node.operand, name, [], message).analyse_types(env)


def _unop_result_type(node, env):
    name = UNARY_METHODS.get(node.operator)
    t = _infer(node.operand, env) if name is not None else None
    if not is_nogil_ref(t):
        return None
    entry = _method(t, name)
    return entry.type.return_type if entry is not None else PyrexTypes.error_type


def _text_literal_operand_type(node, env, name):
    """For `b"text" + s` / `"text" + s` where s is of a class built from text (lib.string)
    that has the operator: that class (the literal becomes one of its objects, as it does
    wherever such an object is expected); else None."""
    if not isinstance(node.operand1, (ExprNodes.UnicodeNode, ExprNodes.BytesNode)):
        return None
    t2 = _infer(node.operand2, env)
    if is_nogil_ref(t2) and _takes_c_string(t2) and _method(t2, name) is not None:
        return t2
    return None


def _rewrite_text_literal_binop(node, env, name):
    t2 = _text_literal_operand_type(node, env, name)
    if t2 is None:
        return None
    left = node.operand1.coerce_to(t2, env)
    return method_call(node.pos, left, name, [node.operand2]).analyse_types(env)


def _binop_result_type(node, env):
    name = BINARY_METHODS.get(node.operator)
    if name is None:
        return None
    t = _infer(node.operand1, env)
    reflected = None if getattr(node, 'cyn_inplace', False) else _reflected_method(node, env, t)
    if reflected is not None:
        return reflected.type.return_type
    if not is_nogil_ref(t):
        t = _text_literal_operand_type(node, env, name)
        if t is None:
            return None
        return _method(t, name).type.return_type
    if getattr(node, 'cyn_inplace', False):      # the value `a op= b` assigns to a
        ientry = _method(t, INPLACE_METHODS[node.operator])
        if ientry is not None:
            rt = ientry.type.return_type
            return t if rt.is_void else rt
    entry = _method(t, name)
    return entry.type.return_type if entry is not None else PyrexTypes.error_type


def _rewrite_inplace(node, env):
    """a op= b: `__iop__` when the class has it (a void `__iop__` mutates in place; one
    returning a value is assigned back, as Python does), else `a = a op b`."""
    lhs = node.lhs
    if isinstance(lhs, ExprNodes.IndexNode) and not isinstance(lhs.index, ExprNodes.SliceNode) \
            and is_nogil_ref(_infer(lhs.base, env)):
        return _rewrite_inplace_item(node, env)
    t = _infer(node.lhs, env)
    if not is_nogil_ref(t):
        return None
    op = node.operator
    iname, name = INPLACE_METHODS.get(op), BINARY_METHODS.get(op)
    ientry = _method(t, iname) if iname else None
    message = none_operand_error(op + '=', 'NoneType', python_type_name(_infer(node.rhs, env)))
    if ientry is not None and ientry.type.return_type.is_void:
        return Nodes.ExprStatNode(node.pos, expr=method_call(
            node.pos, copy.deepcopy(node.lhs), iname, [node.rhs], message)).analyse_expressions(env)
    if ientry is not None:
        rhs = method_call(node.pos, copy.deepcopy(node.lhs), iname, [node.rhs], message)
    elif name is not None and _method(t, name) is not None:
        rhs = method_call(node.pos, copy.deepcopy(node.lhs), name, [node.rhs], message)
    else:
        _missing(node.pos, t, "'%s=' (no %s or %s)" % (op, iname, name))
        return Nodes.PassStatNode(node.pos)
    return Nodes.SingleAssignmentNode(node.pos, lhs=node.lhs, rhs=rhs).analyse_expressions(env)


def _evaluated_once(node, env, stats, prefix):
    """A node that may be used twice: names and constants as they are, anything else
    through a hidden local assigned once (appended to `stats`)."""
    if node.is_name or isinstance(node, ExprNodes.ConstNode):
        return node, lambda: copy.deepcopy(node)
    t = _infer(node, env)
    if t is None or t.is_pyobject or t.is_error:
        return node, lambda: copy.deepcopy(node)
    name = _declare_hidden(env, prefix, t, node.pos)
    stats.append(Nodes.SingleAssignmentNode(node.pos, lhs=_hidden_name(env, node.pos, name), rhs=node))
    return None, lambda: _hidden_name(env, node.pos, name)


def _rewrite_inplace_item(node, env):
    """o[k] op= v on a nogil reference, with o and k evaluated once. As in Python, an item
    whose class has the in-place method gets it (`item = o[k]; item.__iop__(v); o[k] = item`
    when it mutates in place, `o[k] = o[k].__iop__(v)` when it returns the result: either way
    other references to the item see the change); otherwise `o[k] = o[k] op v`."""
    pos, lhs = node.pos, node.lhs
    stats = []
    _, base = _evaluated_once(lhs.base, env, stats, "obj")
    _, index = _evaluated_once(lhs.index, env, stats, "key")
    hidden = [s.lhs.name for s in stats]
    item_type = _infer(ExprNodes.IndexNode(pos, base=base(), index=index()), env)
    iname = INPLACE_METHODS.get(node.operator)
    ientry = _method(item_type, iname) if is_nogil_ref(item_type) and iname else None
    if ientry is not None and ientry.type.return_type.is_void:
        item = _declare_hidden(env, "item", item_type, pos)
        hidden.append(item)
        stats.append(Nodes.SingleAssignmentNode(pos, lhs=_hidden_name(env, pos, item),
                                                rhs=ExprNodes.IndexNode(pos, base=base(), index=index())))
        stats.append(Nodes.ExprStatNode(pos, expr=method_call(pos, _hidden_name(env, pos, item), iname,
                                                              [node.rhs])))
        value = _hidden_name(env, pos, item)
    elif ientry is not None:
        value = method_call(pos, ExprNodes.IndexNode(pos, base=base(), index=index()), iname, [node.rhs])
    else:
        value = ExprNodes.binop_node(pos, node.operator,
                                     ExprNodes.IndexNode(pos, base=base(), index=index()), node.rhs)
    stats.append(Nodes.SingleAssignmentNode(pos, lhs=ExprNodes.IndexNode(pos, base=base(), index=index()),
                                            rhs=value))
    # the hidden locals let go of their references now, not when the function returns
    for name in hidden:
        if is_nogil_ref(env.lookup(name).type):
            stats.append(Nodes.SingleAssignmentNode(pos, lhs=_hidden_name(env, pos, name),
                                                    rhs=ExprNodes.NoneNode(pos)))
    return Nodes.StatListNode(pos, stats=stats).analyse_expressions(env)


# ------------------------------------------------------------------------- iteration
def iteration_plan(ref_type):
    """(iterator type or None when the object is its own iterator, __next__ entry) for
    `for x in obj`, or None when the class is not iterable."""
    it_entry = _method(ref_type, '__iter__')
    if it_entry is not None:
        it_type = it_entry.type.return_type
        if not is_nogil_ref(it_type):
            return None
        nxt = _method(it_type, '__next__')
        return (it_type, nxt) if nxt is not None else None
    nxt = _method(ref_type, '__next__')
    return (None, nxt) if nxt is not None else None


def item_types(next_entry):
    """The types `__next__` produces: its reference arguments (fill protocol) or its
    return type (StopIteration protocol)."""
    ft = next_entry.type
    if ft.args:
        return [a.type.ref_base_type if a.type.is_reference else a.type.base_type
                for a in ft.args]
    return [ft.return_type]


def _item_type_of_sequence(sequence, env):
    t = _infer(sequence, env)
    if not is_nogil_ref(t):
        return None
    plan = iteration_plan(t)
    if plan is None:
        return PyrexTypes.error_type
    types = item_types(plan[1])
    if len(types) == 1:
        return types[0]
    return PyrexTypes.c_tuple_type(types) if all(not x.is_pyobject for x in types) else None


def _is_nogil_subscript(target, env):
    return isinstance(target, (ExprNodes.IndexNode, ExprNodes.SliceIndexNode)) \
        and not _names_a_type(target.base, env) and is_nogil_ref(_infer(target.base, env))


def _parallel_assignment_through_locals(node, env):
    """`xs[0], xs[1] = xs[1], xs[0]` where an item assignment is a `__setitem__` call (a
    statement, which a parallel assignment cannot hold): every right-hand side is evaluated
    into a hidden local first, then the targets are assigned from left to right, as Python
    does."""
    first, then = [], []
    for stat in node.stats:
        t = _infer(stat.rhs, env)
        if t is None or t.is_error:
            t = PyrexTypes.py_object_type
        name = _declare_hidden(env, "value", t, stat.pos)
        first.append(Nodes.SingleAssignmentNode(stat.pos, lhs=_hidden_name(env, stat.pos, name),
                                                rhs=stat.rhs))
        then.append(Nodes.SingleAssignmentNode(stat.pos, lhs=stat.lhs,
                                               rhs=_hidden_name(env, stat.pos, name)))
    return Nodes.StatListNode(node.pos, stats=first + then)


def _declare_hidden(env, prefix, type, pos):
    name = EncodedString("_cyn_%s_%d" % (prefix, next(_counter)))
    entry = env.declare_var(name, type, pos)
    entry.used = True
    entry.cf_used = True
    return name


def _hidden_name(env, pos, name):
    return ExprNodes.NameNode(pos, name=name, entry=env.lookup(name))


def _builtin_wrapped_sequence(sequence, env):
    """('enumerate', inner, start or None) / ('reversed', inner, None) for
    `enumerate(obj[, start])` / `reversed(obj)` of a nogil object (the builtins, not a
    user's function of that name); else None."""
    if not isinstance(sequence, ExprNodes.SimpleCallNode) or sequence.self is not None:
        return None
    function = sequence.function
    if not isinstance(function, ExprNodes.NameNode) or function.name not in ('enumerate', 'reversed'):
        return None
    from .analysis import _is_builtin
    if not _is_builtin(env.lookup(function.name)):
        return None
    args = sequence.args or []
    if function.name == 'enumerate' and len(args) in (1, 2) or function.name == 'reversed' and len(args) == 1:
        if is_nogil_ref(_infer(args[0], env)):
            return function.name, args[0], (args[1] if len(args) == 2 else None)
    return None


def _wrapped_item_type(sequence, env):
    """The item type of `for x in enumerate(obj)` (a (Py_ssize_t, item) C tuple, which the
    tuple target unpacks) or `for x in reversed(obj)` for a nogil object; else None."""
    wrapped = _builtin_wrapped_sequence(sequence, env)
    if wrapped is None:
        return None
    kind, inner, _ = wrapped
    item = _item_type_of_sequence(inner, env)
    if item is None or item.is_error:
        return item
    if kind == 'reversed':
        return item
    return PyrexTypes.c_tuple_type([PyrexTypes.c_py_ssize_t_type, item])


def _rewrite_enumerate(node, env, inner, start):
    """for i, x in enumerate(obj, start): a hidden counter beside the ordinary loop over obj
    (the counter moves before the body, so `continue` counts too)."""
    pos = node.pos
    target = node.target
    if not (target.is_sequence_constructor and len(target.args) == 2):
        error(target.pos, "unpack enumerate() of a nogil object into two names: for i, x in enumerate(...)")
        entry = getattr(target, 'entry', None)
        if entry is not None and entry.type.is_pyobject:
            entry.type = PyrexTypes.error_type   # reported: not also "a Python local in nogil code"
        return Nodes.PassStatNode(pos)
    count = _declare_hidden(env, "count", PyrexTypes.c_py_ssize_t_type, pos)
    first = start if start is not None else ExprNodes.IntNode(pos, value='0', constant_result=0)
    init = Nodes.SingleAssignmentNode(pos, lhs=_hidden_name(env, pos, count), rhs=first)
    step = Nodes.SingleAssignmentNode(pos, lhs=_hidden_name(env, pos, count), rhs=ExprNodes.binop_node(
        pos, '+', _hidden_name(env, pos, count), ExprNodes.IntNode(pos, value='1', constant_result=1)))
    body = Nodes.StatListNode(pos, stats=[
        Nodes.SingleAssignmentNode(pos, lhs=target.args[0], rhs=_hidden_name(env, pos, count)),
        step, node.body])
    loop = Nodes.ForInStatNode(pos, target=target.args[1], iterator=ExprNodes.IteratorNode(inner.pos, sequence=inner),
                               body=body, else_clause=node.else_clause)
    return Nodes.StatListNode(pos, stats=[init, loop]).analyse_expressions(env)


def _rewrite_reversed(node, env, inner):
    """for x in reversed(obj): indices len(obj)-1 down to 0 through __len__/__getitem__ (as
    Python's reversed() does without __reversed__); stops early if obj shrinks below the
    next index, as Python's list reverse iterator does."""
    pos = node.pos
    t = _infer(inner, env)
    if _method(t, '__len__') is None or _method(t, '__getitem__') is None:
        _missing(pos, t, "reversed() (needs __len__ and __getitem__)")
        return Nodes.PassStatNode(pos)
    seq = _declare_hidden(env, "seq", t, pos)
    index = _declare_hidden(env, "index", PyrexTypes.c_py_ssize_t_type, pos)

    def length():
        return method_call(pos, _hidden_name(env, pos, seq), '__len__', [])

    stats = [Nodes.SingleAssignmentNode(pos, lhs=_hidden_name(env, pos, seq), rhs=inner),
             Nodes.SingleAssignmentNode(pos, lhs=_hidden_name(env, pos, index), rhs=length())]
    condition = ExprNodes.BoolBinopNode(
        pos, operator='and',
        operand1=ExprNodes.PrimaryCmpNode(pos, operator='>', operand1=_hidden_name(env, pos, index),
                                          operand2=ExprNodes.IntNode(pos, value='0', constant_result=0)),
        operand2=ExprNodes.PrimaryCmpNode(pos, operator='<=', operand1=_hidden_name(env, pos, index),
                                          operand2=length()))
    body = Nodes.StatListNode(pos, stats=[
        Nodes.SingleAssignmentNode(pos, lhs=_hidden_name(env, pos, index), rhs=ExprNodes.binop_node(
            pos, '-', _hidden_name(env, pos, index), ExprNodes.IntNode(pos, value='1', constant_result=1))),
        Nodes.SingleAssignmentNode(pos, lhs=node.target, rhs=ExprNodes.IndexNode(
            pos, base=_hidden_name(env, pos, seq), index=_hidden_name(env, pos, index))),
        node.body])
    stats.append(Nodes.WhileStatNode(pos, condition=condition, body=body, else_clause=node.else_clause))
    return Nodes.StatListNode(pos, stats=stats).analyse_expressions(env)


def _rewrite_for_in(node, env):
    sequence = node.iterator.sequence
    wrapped = _builtin_wrapped_sequence(sequence, env)
    if wrapped is not None:
        kind, inner, start = wrapped
        if kind == 'enumerate':
            return _rewrite_enumerate(node, env, inner, start)
        return _rewrite_reversed(node, env, inner)
    t = _infer(sequence, env)
    if not is_nogil_ref(t):
        return None
    pos = node.pos
    plan = iteration_plan(t)
    if plan is None:
        _missing(pos, t, "iteration (no __iter__/__next__)")
        return Nodes.PassStatNode(pos)
    it_type, nxt = plan
    types = item_types(nxt)
    stats = []
    it_name = _declare_hidden(env, "it", it_type or t, pos)
    first = method_call(pos, sequence, '__iter__', [], NONE_NOT_ITERABLE) if it_type is not None else sequence
    stats.append(Nodes.SingleAssignmentNode(pos, lhs=_hidden_name(env, pos, it_name),
                                            rhs=first))
    item_names = [_declare_hidden(env, "item", x, pos) for x in types]
    it_ref = _hidden_name(env, pos, it_name)
    if nxt.type.args:
        condition = method_call(pos, it_ref, '__next__',
                                [_hidden_name(env, pos, n) for n in item_names], NONE_NOT_ITERABLE)
    else:
        # StopIteration protocol: take_next(it.__next__(), item) is false once it stopped
        _use_special_header(env)
        item_t = types[0]
        fn = _raw_function(pos, "cyn::stdlib::take_next", PyrexTypes.c_bint_type,
                           [item_t, PyrexTypes.CReferenceType(item_t)])
        condition = ExprNodes.SimpleCallNode(pos, function=fn, args=[
            method_call(pos, it_ref, '__next__', [], NONE_NOT_ITERABLE), _hidden_name(env, pos, item_names[0])])
    target = node.target
    body = []
    if len(item_names) == 1:
        body.append(Nodes.SingleAssignmentNode(pos, lhs=target,
                                               rhs=_take_item(env, pos, item_names[0], types[0])))
    elif target.is_sequence_constructor and len(target.args) == len(item_names):
        for sub, n in zip(target.args, item_names):
            body.append(Nodes.SingleAssignmentNode(pos, lhs=sub, rhs=_hidden_name(env, pos, n)))
    else:
        error(target.pos, "iterating '%s' gives %d values: unpack them into %d names"
              % (t, len(item_names), len(item_names)))
        return Nodes.PassStatNode(pos)
    body.append(node.body)
    loop = Nodes.WhileStatNode(pos, condition=condition,
                               body=Nodes.StatListNode(pos, stats=body),
                               else_clause=node.else_clause)
    stats.append(loop)
    # The iterator (and through it the container) and the hidden items go when the loop ends,
    # `break` included, as Python's iterator does: not when the function returns.
    for name in [it_name] + item_names:
        t = env.lookup(name).type
        if is_nogil_ref(t):
            stats.append(Nodes.SingleAssignmentNode(pos, lhs=_hidden_name(env, pos, name),
                                                    rhs=ExprNodes.NoneNode(pos)))
    return Nodes.StatListNode(pos, stats=stats).analyse_expressions(env)


def _take_item(env, pos, name, item_type):
    """The loop variable takes the hidden item over: a reference (or C++ object) is moved,
    not copied, so each step costs the one count increment `next()` makes instead of three
    more (copy into the variable, release of the item and of the variable's old value)."""
    if not (is_nogil_ref(item_type) or item_type.is_cpp_class):
        return _hidden_name(env, pos, name)
    entry = env.lookup(name)
    return ExprNodes.RawCNameExprNode(pos, type=item_type, cname="std::move(%s)" % entry.cname)


# ------------------------------------------------------------------------- raise StopIteration
def _in_nogil_next(env):
    """True inside `__next__` of a nogil class defined in Cython."""
    from .emit import in_nogil_class
    name = getattr(env, 'name', None)
    return name == '__next__' and in_nogil_class(env)


def _is_stop_iteration(node):
    exc = node.exc_type
    if exc is None or node.exc_value is not None or node.exc_tb is not None:
        return False
    if isinstance(exc, ExprNodes.SimpleCallNode) and not exc.args:
        exc = exc.function
    return isinstance(exc, ExprNodes.NameNode) and exc.name == 'StopIteration'


# ------------------------------------------------------------------------- install

def _route(cls, method_name, rewrite):
    """Makes `cls.method_name(node, env)` try `rewrite(node, env)` first: a node involving a
    nogil class comes back rewritten; None means "not ours" and upstream's method runs."""
    upstream = getattr(cls, method_name)

    def routed(self, env):
        replaced = rewrite(self, env)
        return replaced if replaced is not None else upstream(self, env)

    routed.__name__ = method_name
    setattr(cls, method_name, routed)


def install():
    """Patch Cython's expression and statement analysis (called from overlay.install())."""
    install_wrapper_hook()
    from . import syntax
    syntax.NOGIL_SPECIAL_METHODS = syntax.NOGIL_SPECIAL_METHODS | MORE_SPECIAL_METHODS

    # `def __repr__(self):` without a return type was parsed as a Python method: it belongs
    # to the wrapper's methods, not to the struct's members
    upstream_parse_class = syntax._parse_defined_class

    def parse_defined_class(s, pos, ctx, header, P, NogilClassNode):
        node = upstream_parse_class(s, pos, ctx, header, P, NogilClassNode)
        if node.attributes:
            moved = [a for a in node.attributes if isinstance(a, Nodes.DefNode)]
            if moved:
                node.attributes = [a for a in node.attributes if not isinstance(a, Nodes.DefNode)]
                node.py_methods = list(node.py_methods) + moved
        return node

    syntax._parse_defined_class = parse_defined_class

    # ---- calls: free-function methods, hash()/str()/repr()/bool() -----------------------
    upstream_call = ExprNodes.SimpleCallNode.analyse_types

    def call_analyse_types(self, env):
        if not self.analysed:
            replaced = _rewrite_super_call(self, env) or _rewrite_free_function_call(self, env)
            if replaced is None:
                replaced = _rewrite_builtin_call(self, env)
            if replaced is None:
                replaced = _rewrite_object_call(self, env)
            if replaced is not None:
                return replaced
        return upstream_call(self, env)

    ExprNodes.SimpleCallNode.analyse_types = call_analyse_types

    _route(ExprNodes.GeneralCallNode, 'analyse_types', _rewrite_call_keywords)

    # Cython turns sorted(x) into list(x) + list.sort() before types are known; for a nogil
    # container (or a name whose type inference has yet to find) the call stays a call, and
    # the rewrite above makes it the container's sorted copy.
    from Cython.Compiler import Optimize
    upstream_sorted = Optimize.EarlyReplaceBuiltinCalls._handle_simple_function_sorted

    def handle_sorted(self, node, pos_args):
        if len(pos_args) == 1 and _may_be_nogil_container(pos_args[0], self.current_env()):
            return node
        return upstream_sorted(self, node, pos_args)

    Optimize.EarlyReplaceBuiltinCalls._handle_simple_function_sorted = handle_sorted

    # `t = 0; t += sum(xs)`: the type of sum(xs) comes from xs's, so xs must be inferred first
    # (upstream makes a call depend on its function only, and t became a Python object).
    upstream_call_deps = ExprNodes.CallNode.type_dependencies

    def call_type_dependencies(self, env):
        deps = upstream_call_deps(self, env)
        fn = self.function
        args = getattr(self, 'args', None)
        if args is None:
            args = getattr(getattr(self, 'positional_args', None), 'args', None)
        if isinstance(fn, ExprNodes.NameNode) and fn.name in _ARGUMENT_TYPED_BUILTINS and args \
                and _may_be_nogil_container(args[0], env):
            deps = tuple(deps) + tuple(args[0].type_dependencies(env))
        return deps

    ExprNodes.CallNode.type_dependencies = call_type_dependencies

    upstream_call_infer = ExprNodes.CallNode.infer_type

    def call_infer_type(self, env):
        t = _builtin_call_result_type(self, env)
        return t if t is not None else upstream_call_infer(self, env)

    ExprNodes.CallNode.infer_type = call_infer_type

    # ---- o[k], o[a:b] ------------------------------------------------------------------
    _route(ExprNodes.IndexNode, 'analyse_types', _rewrite_index)

    upstream_index_infer = ExprNodes.IndexNode.infer_type

    def index_infer_type(self, env):
        t = _infer(self.base, env)
        if is_nogil_ref(t) and not _names_a_type(self.base, env):
            name = '__getslice__' if isinstance(self.index, ExprNodes.SliceNode) else '__getitem__'
            entry = _method(t, name)
            return entry.type.return_type if entry is not None else PyrexTypes.error_type
        return upstream_index_infer(self, env)

    ExprNodes.IndexNode.infer_type = index_infer_type

    upstream_slice = ExprNodes.SliceIndexNode.analyse_types

    def slice_analyse_types(self, env, getting=True):
        replaced = _rewrite_slice_index(self, env) if getting else None
        return replaced if replaced is not None else upstream_slice(self, env, getting)

    ExprNodes.SliceIndexNode.analyse_types = slice_analyse_types

    upstream_slice_infer = ExprNodes.SliceIndexNode.infer_type

    def slice_infer_type(self, env):
        t = _infer(self.base, env)
        if is_nogil_ref(t):
            entry = _method(t, '__getslice__')
            return entry.type.return_type if entry is not None else PyrexTypes.error_type
        return upstream_slice_infer(self, env)

    ExprNodes.SliceIndexNode.infer_type = slice_infer_type

    # ---- o[k] = v ------------------------------------------------------------------------
    upstream_assign = Nodes.SingleAssignmentNode.analyse_types

    def assign_analyse_types(self, env, use_temp=0):
        stat = _subscript_call(self.lhs, env, 'set', self.rhs)
        if stat is not None:
            return stat.analyse_expressions(env)
        return upstream_assign(self, env, use_temp)

    Nodes.SingleAssignmentNode.analyse_types = assign_analyse_types

    # ---- a[i], a[j] = a[j], a[i] ------------------------------------------------------------
    upstream_parallel = Nodes.ParallelAssignmentNode.analyse_expressions

    def parallel_analyse_expressions(self, env):
        if not all(isinstance(stat, Nodes.SingleAssignmentNode) for stat in self.stats) \
                or not any(_is_nogil_subscript(stat.lhs, env) for stat in self.stats):
            return upstream_parallel(self, env)
        return _parallel_assignment_through_locals(self, env).analyse_expressions(env)

    Nodes.ParallelAssignmentNode.analyse_expressions = parallel_analyse_expressions

    # ---- prange(len(xs)) ---------------------------------------------------------------------
    # Upstream analyses prange's start/stop/step but keeps the nodes it had, not the ones
    # analysis returns; a call rewritten here (len(xs) -> xs.__len__()) must be kept.
    from Cython.Compiler import Nodes as _Nodes
    upstream_prange = _Nodes.ParallelRangeNode.analyse_expressions

    def prange_analyse_expressions(self, env):
        if _module_uses_nogil(env):
            for name in ('start', 'stop', 'step'):
                node = getattr(self, name, None)
                if isinstance(node, ExprNodes.CallNode):
                    analysed = node.analyse_types(env)
                    setattr(self, name, analysed)
                    # (the same node is also among the loop's `args`, which later stages visit)
                    self.args = [analysed if a is node else a for a in self.args or ()]
        return upstream_prange(self, env)

    _Nodes.ParallelRangeNode.analyse_expressions = prange_analyse_expressions

    # ---- del o[k] --------------------------------------------------------------------------
    upstream_del = Nodes.DelStatNode.analyse_expressions

    def del_analyse_expressions(self, env):
        calls = [_subscript_call(arg, env, 'del') for arg in self.args]
        if not any(c is not None for c in calls):
            return upstream_del(self, env)
        stats = [c if c is not None else Nodes.DelStatNode(self.pos, args=[arg])
                 for c, arg in zip(calls, self.args)]
        return Nodes.StatListNode(self.pos, stats=stats).analyse_expressions(env)

    Nodes.DelStatNode.analyse_expressions = del_analyse_expressions

    # ---- comparisons and `in` ---------------------------------------------------------------
    _route(ExprNodes.PrimaryCmpNode, 'analyse_types', _rewrite_compare)

    _route(ExprNodes.PrimaryCmpNode, 'infer_type', _compare_result_type)

    # ---- binary operators (every BinopNode class that defines its own analysis) -------
    for cls in [c for c in vars(ExprNodes).values()
                if isinstance(c, type) and issubclass(c, ExprNodes.BinopNode)]:
        if 'analyse_types' in cls.__dict__:
            _route(cls, 'analyse_types', _rewrite_binop)
        if 'infer_type' in cls.__dict__:
            _route(cls, 'infer_type', _binop_result_type)

    # ---- -o, +o, ~o --------------------------------------------------------------------------
    for cls in (ExprNodes.UnaryMinusNode, ExprNodes.UnaryPlusNode, ExprNodes.TildeNode):
        _route(cls, 'analyse_types', _rewrite_unop)
        _route(cls, 'infer_type', _unop_result_type)

    # ---- a op= b ----------------------------------------------------------------------------
    _route(Nodes.InPlaceAssignmentNode, 'analyse_types', _rewrite_inplace)

    upstream_create_binop = Nodes.InPlaceAssignmentNode.create_binop_node

    def create_binop_node(self):
        node = upstream_create_binop(self)
        node.cyn_inplace = True     # type inference asks __iop__ first
        return node

    Nodes.InPlaceAssignmentNode.create_binop_node = create_binop_node

    # ---- truth: if o / not o / while o ------------------------------------------------
    upstream_bool = ExprNodes.ExprNode.coerce_to_boolean

    def coerce_to_boolean(self, env):
        t = self.type
        if not is_nogil_ref(t):
            return upstream_bool(self, env)
        entry, how = _method(t, '__bool__'), '__bool__'
        if entry is None:
            entry, how = _method(t, '__len__'), '__len__'
        arg = self if self.is_simple() else self.coerce_to_temp(env)
        return NogilTruthNode(self.pos, arg=arg, entry=entry, how=how)

    ExprNodes.ExprNode.coerce_to_boolean = coerce_to_boolean

    # ---- for x in o -------------------------------------------------------------------------
    _route(Nodes.ForInStatNode, 'analyse_expressions', _rewrite_for_in)

    upstream_next_infer = ExprNodes.NextNode.infer_type

    def next_infer_type(self, env, iterator_type=None):
        sequence = getattr(self.iterator, 'sequence', None)
        if sequence is not None:
            t = _item_type_of_sequence(sequence, env)
            if t is None:
                t = _wrapped_item_type(sequence, env)
            if t is not None:
                return t
        return upstream_next_infer(self, env, iterator_type)

    ExprNodes.NextNode.infer_type = next_infer_type

    # ---- raise StopIteration in a nogil __next__ ----------------------------------------
    upstream_raise = Nodes.RaiseStatNode.analyse_expressions

    def raise_analyse_expressions(self, env):
        if _is_stop_iteration(self) and _in_nogil_next(env):
            _use_special_header(env)
            return StopIterationStatNode(self.pos)
        return upstream_raise(self, env)

    Nodes.RaiseStatNode.analyse_expressions = raise_analyse_expressions

    # ---- [1, 2, 3] / {k: v} / (a, b) assigned to a container: build the Python object,
    # then convert it (the container's __from_py__ copies it)
    def patch_literal(cls):
        upstream_literal_coerce = cls.coerce_to

        def literal_coerce_to(self, dst_type, env, _upstream=upstream_literal_coerce):
            if is_nogil_ref(dst_type) and dst_type.can_coerce_from_pyobject(env):
                dst_type = PyrexTypes.remove_cv_ref(dst_type)
                node = self if self.type.is_pyobject else self.coerce_to_pyobject(env)
                return ExprNodes.ExprNode.coerce_to(node, dst_type, env)
            return _upstream(self, dst_type, env)

        cls.coerce_to = literal_coerce_to

    for cls in (ExprNodes.ListNode, ExprNodes.TupleNode, ExprNodes.DictNode, ExprNodes.SetNode):
        if 'coerce_to' in cls.__dict__:
            patch_literal(cls)

    # ---- "text" / b"text" assigned to a class constructible from a C string (lib.string):
    # construct it directly, GIL-free (a str literal is stored as its UTF-8 bytes)
    def patch_text_literal(cls):
        upstream_text_coerce = cls.coerce_to

        def text_coerce_to(self, dst_type, env, _upstream=upstream_text_coerce):
            if is_nogil_ref(dst_type) and _takes_c_string(dst_type):
                # a `const string&` parameter (`d[b"k"]`, `b"k" in d`): the new object's
                # temporary is a plain reference (a const one could not be assigned)
                dst_type = PyrexTypes.remove_cv_ref(dst_type)
                value = self.value
                if not isinstance(value, bytes):
                    value = value.encode('utf-8')
                from Cython.Compiler.StringEncoding import BytesLiteral
                lit = BytesLiteral(value)
                lit.encoding = 'utf-8'
                arg = ExprNodes.BytesNode(self.pos, value=lit, constant_result=value)
                return _construct(self.pos, dst_type, with_literal_length(self.pos, dst_type, [arg]), env)
            return _upstream(self, dst_type, env)

        cls.coerce_to = text_coerce_to

    for cls in (ExprNodes.UnicodeNode, ExprNodes.BytesNode):
        patch_text_literal(cls)

    # ---- integer inference in nogil functions ---------------------------------------------
    # Cython's safe inference types `i` in `for i in range(n): xs.append(i * i)` as a Python
    # object (the product might overflow a C long). In a nogil function a Python object is
    # a compile error anyway, so there the C integer type is the only useful answer (SPEC §5's
    # example relies on it). Code that compiles with stock Cython is unaffected.
    from Cython.Compiler import TypeInference
    upstream_spanning = TypeInference.safe_spanning_type

    def safe_spanning_type(types, might_overflow, scope):
        if might_overflow and getattr(scope, 'nogil', False) and scope.is_local_scope:
            might_overflow = False
        return upstream_spanning(types, might_overflow, scope)

    TypeInference.safe_spanning_type = safe_spanning_type

    # ---- Python conversion of containers with __from_py__ / to_py --------------------------
    from . import types as nogil_types
    upstream_can_to = nogil_types.NogilRefType.can_coerce_to_pyobject
    upstream_can_from = nogil_types.NogilRefType.can_coerce_from_pyobject
    upstream_create_to = nogil_types.NogilRefType.create_to_py_utility_code
    upstream_create_from = nogil_types.NogilRefType.create_from_py_utility_code

    def _to_py_entry(self):
        # `__to_py__` when declared (containers: a live view), else `to_py` (lib.string: str)
        e = _method(self, '__to_py__')
        if not _is_free_function(e):
            e = _method(self, 'to_py')
        return e if _is_free_function(e) and not self.is_template_type() else None

    def _from_py_entry(self):
        e = _method(self, '__from_py__')
        return e if _is_free_function(e) and not self.is_template_type() else None

    def can_coerce_to_pyobject(self, env):
        return upstream_can_to(self, env) or _to_py_entry(self) is not None

    def can_coerce_from_pyobject(self, env):
        return upstream_can_from(self, env) or _from_py_entry(self) is not None

    def create_to_py_utility_code(self, env):
        if self.wrapper is None and _to_py_entry(self) is not None:
            self.to_py_function = _to_py_entry(self).cname[2:]
            return True
        return upstream_create_to(self, env)

    def create_from_py_utility_code(self, env):
        if self.wrapper is None and _from_py_entry(self) is not None:
            st = self.struct_type
            cname = _from_py_entry(self).cname[2:]
            if st.templates:
                cname += "<%s>" % ", ".join(t.empty_declaration_code() for t in st.templates)
            self.from_py_function = cname
            return True
        return upstream_create_from(self, env)

    nogil_types.NogilRefType.can_coerce_to_pyobject = can_coerce_to_pyobject
    nogil_types.NogilRefType.can_coerce_from_pyobject = can_coerce_from_pyobject
    nogil_types.NogilRefType.create_to_py_utility_code = create_to_py_utility_code
    nogil_types.NogilRefType.create_from_py_utility_code = create_from_py_utility_code


# ------------------------------------------------------------------------- parsing
# Return types a special method has when the user writes none (Python's protocol types).
IMPLIED_RETURN_TYPES = dict(
    [(n, PyrexTypes.c_bint_type) for n in
     ('__eq__', '__ne__', '__lt__', '__le__', '__gt__', '__ge__', '__contains__', '__bool__')] +
    [(n, PyrexTypes.c_py_ssize_t_type) for n in ('__len__', '__hash__')] +
    [(n, PyrexTypes.c_void_type) for n in ('__setitem__', '__delitem__', '__exit__')])


def parse_special_method(s, pos, body_ctx, name, P):
    """`def __op__(self, ...) [-> TYPE]:` in a nogil class body (at the 'def' token): parsed
    as a C method, compiled nogil like `__init__`.  The return type is the annotation when
    given (`def __getitem__(self, long i) -> long:`), else the protocol's (`bint` for
    __eq__, `Py_ssize_t` for __len__, `void` for __setitem__…); a method needing a type
    without one is an error naming the line.  Like every method it may raise (`except *`
    semantics through the error hint) unless declared `noexcept`."""
    from .syntax import find_func_declarator
    if name in TEXT_METHODS and not _def_has_return_annotation(s):
        # `def __repr__(self):` without a type: a Python-only method of the wrapper (as
        # before); `parse_defined_class` below moves it to the wrapper's methods
        return P.p_statement(s, P.Ctx(level='c_class'))
    s.next()      # 'def'
    modifiers = P.p_c_modifiers(s)
    base_type = P.p_c_base_type(s, nonempty=True, templates=body_ctx.templates)
    declarator = P.p_c_declarator(s, body_ctx(modifiers=modifiers), cmethod_flag=0,
                                  assignable=True, nonempty=True)
    return_type = None
    if s.sy == '->':
        s.next()
        if s.sy == 'IDENT' and s.systring == 'None':
            s.next()          # `-> None`, as Python annotates it: nothing returned (void)
            return_type = Nodes.CAnalysedBaseTypeNode(pos, type=PyrexTypes.c_void_type)
        else:
            return_type = P.p_c_base_type(s, nonempty=False, templates=body_ctx.templates)
    if return_type is None:
        implied = IMPLIED_RETURN_TYPES.get(name)
        if implied is None:
            hint = " ('-> None' when it returns nothing)" if name == '__enter__' else ""
            error(pos, "special method %s of a nogil class needs a return type: "
                       "'def %s(self, ...) -> TYPE:'%s" % (name, name, hint))
            implied = PyrexTypes.c_void_type
        return_type = Nodes.CAnalysedBaseTypeNode(base_type.pos, type=implied)
    if s.sy != ':' and 'pxd' in body_ctx.level:
        # a declaration in a .pxd (`def __eq__(self, Point other)`), for other modules
        s.expect_newline("Syntax error in the declaration of %s" % name)
        node = Nodes.CVarDefNode(pos, visibility='private', base_type=return_type,
                                 declarators=[declarator], in_pxd=True, doc=None, api=0,
                                 modifiers=modifiers, overridable=0)
    else:
        doc, suite = P.p_suite_with_docstring(s, P.Ctx(level='function'))
        if name == '__next__':
            suite = _replace_stop_iteration(suite)
        node = Nodes.CFuncDefNode(pos, visibility='private', base_type=return_type,
                                  declarator=declarator, body=suite, doc=doc, modifiers=modifiers,
                                  api=False, overridable=False, is_const_method=False)
    fd = find_func_declarator(declarator)
    if fd is not None and not _has_python_arity(fd, name, pos):
        return Nodes.PassStatNode(pos)      # (reported; left out so later stages do not trip)
    if fd is not None and not fd.has_explicit_exc_clause:
        fd.exception_check = True
        fd.exception_value = None
    return node


def _arity(name):
    """(fewest, most) arguments after self that Python passes to special method `name`."""
    if name == '__call__':
        return 0, None
    if name in ('__pow__', '__rpow__', '__ipow__'):
        return 1, 2                    # pow(a, b[, modulo])
    if name == '__setitem__':
        return 2, 2
    if name in ('__contains__', '__getitem__', '__delitem__') or name in COMPARE_METHODS.values() \
            or name in BINARY_METHODS.values() or name in REFLECTED_METHODS.values() \
            or name in INPLACE_METHODS.values():
        return 1, 1
    return 0, 0                        # __len__, __hash__, __bool__, __iter__, __next__, __neg__…


def _has_python_arity(fd, name, pos):
    """Whether `def name(self, ...)` takes as many arguments as Python calls it with; else
    an error naming them."""
    args = list(fd.args)
    if args and _is_self(args[0]):
        args = args[1:]
    low, high = _arity(name)
    if len(args) >= low and (high is None or len(args) <= high):
        return True
    wanted = str(low) if low == high else "%d or %d" % (low, high)
    error(pos, "special method %s takes %s argument%s after self, not %d"
          % (name, wanted, "" if wanted == "1" else "s", len(args)))
    return False


def _is_self(arg):
    tname = getattr(arg.base_type, 'name', None)
    dname = getattr(arg.declarator, 'name', None)
    return (tname == 'self' and not dname) or dname == 'self'


# __str__/__repr__ are nogil special methods when they declare their return type
# (`def __str__(self) -> lib.string:`); without one they are Python methods of the wrapper.
TEXT_METHODS = ('__str__', '__repr__')


def _def_has_return_annotation(s):
    """At `def NAME(...)`: True when `->` follows the argument list.  Looks ahead and puts
    every token back, so the scanner is exactly where it was."""
    saved = s.put_back_on_failure
    s.put_back_on_failure = []
    initial = (s.sy, s.systring, s.position())
    try:
        s.next()                  # 'def'
        s.next()                  # NAME
        if s.sy != '(':
            return False
        depth = 0
        while s.sy not in ('EOF', 'NEWLINE'):
            if s.sy in ('(', '[', '{'):
                depth += 1
            elif s.sy in (')', ']', '}'):
                depth -= 1
                if depth == 0:
                    s.next()
                    return s.sy == '->'
            s.next()
        return False
    finally:
        consumed = s.put_back_on_failure
        s.put_back_on_failure = saved
        if consumed:
            for state in reversed(consumed[:-1]):
                s.put_back(*state)
            s.put_back(*initial)


def _replace_stop_iteration(node):
    """Every `raise StopIteration` of a `__next__` body (outside nested functions) becomes a
    StopIterationStatNode, before any stage wraps raises in `with gil:`."""
    if isinstance(node, Nodes.RaiseStatNode) and _is_stop_iteration(node):
        return StopIterationStatNode(node.pos)
    if isinstance(node, (Nodes.FuncDefNode, ExprNodes.LambdaNode)):
        return node
    for attr in getattr(node, 'child_attrs', None) or ():
        value = getattr(node, attr, None)
        if isinstance(value, list):
            setattr(node, attr, [_replace_stop_iteration(v) if isinstance(v, Nodes.Node) else v
                                 for v in value])
        elif isinstance(value, Nodes.Node):
            setattr(node, attr, _replace_stop_iteration(value))
    return node


# ------------------------------------------------------------------------- Python wrapper
# Special methods the Python wrapper type gets, when the nogil class defines them: each
# calls the nogil operator with the GIL released. `==`/`!=`/hash: the class's own __eq__
# (identity first, as the containers compare; another type is NotImplemented), `!=` its
# __ne__ or the negated __eq__, hash its __hash__ — and a class with __eq__ but no __hash__
# is unhashable, as in Python; without __eq__ the wrapper's identity methods (wrapper.py)
# stay. In-place operators (`__iadd__`…) call the nogil method and give back the wrapper
# itself when it mutated in place (a `void` method, or one returning the same object), else
# the result; without one Python falls back to `a = a + b`. `__pow__` refuses a modulus
# (`pow(w, e, m)`) unless the nogil method takes one. Iteration: `__iter__` gives the
# wrapper of the nogil iterator, whose `__next__` takes one step of the nogil protocol
# (`_wrapper_iteration_methods`). `__len__` refuses a negative length, as Python's len().
WRAPPED_SPECIALS = ('__str__', '__repr__',
                    '__len__', '__getitem__', '__setitem__', '__delitem__', '__contains__',
                    '__bool__', '__lt__', '__le__', '__gt__', '__ge__',
                    '__add__', '__sub__', '__mul__', '__truediv__', '__floordiv__', '__mod__',
                    '__pow__', '__lshift__', '__rshift__', '__and__', '__or__', '__xor__',
                    '__matmul__', '__neg__', '__pos__', '__abs__', '__invert__') \
    + tuple(REFLECTED_METHODS[op] for op in BINARY_METHODS) \
    + tuple(INPLACE_METHODS[op] for op in BINARY_METHODS)
_OPERATOR_TEXT = {
    '__len__': 'len(_s)', '__getitem__': '_s[{0}]', '__contains__': '{0} in _s',
    '__bool__': 'True if _s else False', '__lt__': '_s < {0}', '__le__': '_s <= {0}',
    '__gt__': '_s > {0}', '__ge__': '_s >= {0}', '__add__': '_s + {0}', '__sub__': '_s - {0}',
    '__mul__': '_s * {0}', '__truediv__': '_s / {0}', '__floordiv__': '_s // {0}',
    '__mod__': '_s % {0}', '__pow__': '_s ** {0}', '__lshift__': '_s << {0}',
    '__rshift__': '_s >> {0}', '__and__': '_s & {0}', '__or__': '_s | {0}',
    '__xor__': '_s ^ {0}', '__matmul__': '_s @ {0}',
    '__neg__': '-_s', '__pos__': '+_s', '__abs__': 'abs(_s)', '__invert__': '~_s',
}
# (the reflected method itself: `{0} + _s` would prefer the other operand's __add__)
_OPERATOR_TEXT.update({name: '_s.%s({0})' % name for name in REFLECTED_METHODS.values()})
_INPLACE_NAMES = frozenset(INPLACE_METHODS.values())
# Wrapper methods whose result is assigned to an untyped (inferred) local: the result type
# may be a library class (lib.string) that the module has no unqualified name for.
_INFERRED_RESULT = {'__str__': '_s.__str__()', '__repr__': '_s.__repr__()'}


def wrapper_special_methods(node, env):
    """DefNodes for the wrapper of nogil class `node` (a NogilClassNode whose scope is
    analysed), or [] when it has no special method that converts to Python."""
    from Cython.Compiler.TreeFragment import TreeFragment
    from . import wrapper
    scope = node.ref_type.struct_type.scope
    defined = {getattr(m, 'name', None) for m in node.py_methods}
    lines = _wrapper_equality_methods(node, scope, defined)
    for name in WRAPPED_SPECIALS:
        entry = scope.lookup_here(name)
        if entry is None or not entry.type.is_cfunction or name in defined:
            continue
        ft = entry.type

        def converts(t, to_py):
            if is_nogil_ref(t) and t.struct_type is node.ref_type.struct_type:
                return True      # this class: its wrapper is being built
            return t.can_coerce_to_pyobject(env) if to_py else t.can_coerce_from_pyobject(env)

        if any(not converts(a.type, False) for a in ft.args):
            continue
        rt = ft.return_type
        if not (rt.is_void or converts(rt, True)):
            continue
        if rt.is_void and name not in _INPLACE_NAMES and name not in ('__setitem__', '__delitem__'):
            continue      # (an operator must give a value)
        # Arguments are converted in the body (`cdef T a0; a0 = p0`): a wrong type is a
        # TypeError, as for any converted Python argument.
        names = ["a%d" % i for i in range(len(ft.args))]
        if name == '__pow__':
            if len(ft.args) not in (1, 2):
                continue
            lines += _wrapper_pow(node, ft)
            continue
        lines.append("    def %s(self%s):" % (name, "".join(", p%d" % i for i in range(len(names)))))
        for i, a in enumerate(ft.args):
            t = a.type.ref_base_type if a.type.is_reference else a.type
            lines.append("        cdef %s a%d" % (wrapper._type_text(t), i))
            lines.append("        a%d = p%d" % (i, i))
        # (declaration and assignment apart: the fragment misses the transform that splits
        # `cdef T x = value`)
        lines.append("        cdef %s _s" % node.name)
        lines.append("        _s = <%s>self.%s" % (node.name, wrapper.REF_FIELD))
        if name == '__setitem__':
            lines.append("        with nogil:")
            lines.append("            _s[%s] = %s" % (names[0], names[1]))
            continue
        if name == '__delitem__':
            lines.append("        with nogil:")
            lines.append("            del _s[%s]" % names[0])
            continue
        if name in _INFERRED_RESULT:
            lines.append("        with nogil:")
            lines.append("            _r = " + _INFERRED_RESULT[name])
            lines.append("        return _r")
            continue
        if name in _INPLACE_NAMES:
            lines += _wrapper_inplace_tail(node, name, names, rt)
            continue
        lines.append("        cdef %s _r" % wrapper._type_text(rt))
        lines.append("        with nogil:")
        lines.append("            _r = " + _OPERATOR_TEXT[name].format(*names))
        if name == '__len__':       # as Python's len(); a negative length is no C error here
            lines.append("        if _r < 0:")
            lines.append("            raise ValueError('__len__() should return >= 0')")
        lines.append("        return _r")
    lines += _wrapper_iteration_methods(node, scope, defined, env)
    lines += _wrapper_context_methods(node, scope, defined, env)
    if not lines:
        return []
    src = "cdef class _cyn_specials:\n" + "\n".join(lines) + "\n"
    tree = wrapper._resolve_placeholders(TreeFragment(
        src, name="nogil class %s (special methods of the wrapper)" % node.name,
        level='module').substitute({}, pos=node.pos))
    cls = tree.stats[0] if isinstance(tree, Nodes.StatListNode) else tree
    body = cls.body
    return list(body.stats) if isinstance(body, Nodes.StatListNode) else [body]


def _wrapper_context_methods(node, scope, defined, env):
    """`with obj:` from Python: the wrapper's __enter__ gives what the nogil __enter__ returns
    (None for void), its __exit__ runs the nogil __exit__ and lets any exception go on."""
    from . import wrapper
    enter, exit_ = scope.lookup_here('__enter__'), scope.lookup_here('__exit__')
    if enter is None or exit_ is None or not enter.type.is_cfunction or not exit_.type.is_cfunction \
            or enter.type.args or exit_.type.args or {'__enter__', '__exit__'} & defined:
        return []
    rt = enter.type.return_type
    own_class = is_nogil_ref(rt) and rt.struct_type is node.ref_type.struct_type
    if not (rt.is_void or own_class or rt.can_coerce_to_pyobject(env)):
        return []
    lines = ["    def __enter__(self):",
             "        cdef %s _s" % node.name,
             "        _s = <%s>self.%s" % (node.name, wrapper.REF_FIELD)]
    if rt.is_void:
        lines += ["        with nogil:", "            _s.__enter__()", "        return None"]
    else:
        lines += ["        with nogil:", "            _r = _s.__enter__()", "        return _r"]
    lines += ["    def __exit__(self, exc_type, exc_value, traceback):",
              "        cdef %s _s" % node.name,
              "        _s = <%s>self.%s" % (node.name, wrapper.REF_FIELD),
              "        with nogil:",
              "            _s.__exit__()",
              "        return False"]
    return lines


def _wrapper_pow(node, ft):
    """`__pow__(self, e, m)` of the wrapper: Python passes None for an absent modulus."""
    from . import wrapper
    lines = ["    def __pow__(self, p0, p1):"]
    for i, a in enumerate(ft.args):
        t = a.type.ref_base_type if a.type.is_reference else a.type
        lines.append("        cdef %s a%d" % (wrapper._type_text(t), i))
    lines.append("        cdef %s _s" % node.name)
    lines.append("        cdef %s _r" % wrapper._type_text(ft.return_type))
    lines.append("        a0 = p0")
    lines.append("        _s = <%s>self.%s" % (node.name, wrapper.REF_FIELD))
    if len(ft.args) == 1:
        lines += [
            "        if p1 is not None:",
            "            raise TypeError('pow() with a modulus: %s.__pow__ takes none'"
            " % type(self).__name__)",
            "        with nogil:",
            "            _r = _s ** a0",
        ]
    else:
        if ft.optional_arg_count:
            lines += [
                "        if p1 is None:",
                "            with nogil:",
                "                _r = _s.__pow__(a0)",
                "            return _r",
            ]
        lines += [
            "        a1 = p1",
            "        with nogil:",
            "            _r = _s.__pow__(a0, a1)",
        ]
    lines.append("        return _r")
    return lines


def _wrapper_inplace_tail(node, name, names, rt):
    """The call of in-place `name` and what the wrapper's method gives back: the wrapper
    itself when the object was changed in place, else the result converted."""
    from . import wrapper
    call = "_s.%s(%s)" % (name, ", ".join(names))
    if rt.is_void:
        return ["        with nogil:", "            " + call, "        return self"]
    lines = ["        cdef %s _r" % wrapper._type_text(rt),
             "        with nogil:",
             "            _r = " + call]
    if is_nogil_ref(rt) and rt.struct_type is node.ref_type.struct_type:
        lines += ["        if _r is _s:", "            return self"]
    lines.append("        return _r")
    return lines


def _wrapper_iteration_methods(node, scope, defined, env):
    """`__iter__`/`__next__` of the wrapper of a class that defines them itself (a subclass
    that does not inherits the base wrapper's), each running the nogil method with the GIL
    released:

        def __iter__(self):           # the class's __iter__ -> Iter: the Iter wrapper
            ...; with nogil: _r = _s.__iter__()
            return self if _r is _s else _r
        def __next__(self):           # the class's __next__ -> T: one step, items converted
            ...; with nogil: _ok = take_next(_s.__next__(), _x0)
            if not _ok: raise StopIteration
            return _x0

    A class with `__next__` and no `__iter__` is its own iterator (`__iter__` returns self),
    as its objects are in nogil `for` loops.  `__iter__` needs a result that has a wrapper
    (another nogil class of the module, or this one); `__next__` items that convert."""
    from . import wrapper
    this = node.ref_type.struct_type
    lines = []
    it_entry = scope.lookup_here('__iter__')
    if it_entry is not None and it_entry.type.is_cfunction and not it_entry.type.args \
            and '__iter__' not in defined:
        rt = it_entry.type.return_type
        if is_nogil_ref(rt) and (rt.struct_type is this or rt.wrapper is not None
                                 or (getattr(rt.struct_type, 'nogil_defined_here', False)
                                     and not getattr(rt.struct_type, 'templates', None))):
            lines += [
                "    def __iter__(self):",
                "        cdef %s _s" % node.name,
                "        cdef %s _r" % wrapper._type_text(rt),
                "        _s = <%s>self.%s" % (node.name, wrapper.REF_FIELD),
                "        with nogil:",
                "            _r = _s.__iter__()",
            ]
            if rt.struct_type is this:
                lines += ["        if _r is _s:", "            return self"]
            lines.append("        return _r")
    next_entry = scope.lookup_here('__next__')
    if next_entry is None or not next_entry.type.is_cfunction or '__next__' in defined:
        return lines
    types = item_types(next_entry)
    if next_entry.type.args and not next_entry.type.return_type.is_int:
        return lines
    for t in types:
        own = is_nogil_ref(t) and t.struct_type is this
        if t.is_void or not (own or t.can_coerce_to_pyobject(env)):
            return lines
    items = ["_x%d" % i for i in range(len(types))]
    if _method(node.ref_type, '__iter__') is None and '__iter__' not in defined:
        lines += ["    def __iter__(self):", "        return self"]
    lines.append("    def __next__(self):")
    lines.append("        cdef %s _s" % node.name)
    lines += ["        cdef %s %s" % (wrapper._type_text(t), x) for t, x in zip(types, items)]
    lines.append("        cdef bint _ok")
    lines.append("        _s = <%s>self.%s" % (node.name, wrapper.REF_FIELD))
    if next_entry.type.args:
        lines.append("        with nogil:")
        lines.append("            _ok = _s.__next__(%s)" % ", ".join(items))
    else:
        # take_next(0, _d) right after the step: false (clearing the flag) once __next__
        # raised StopIteration
        lines.append("        cdef int _d")
        lines.append("        _d = 0")
        lines.append("        with nogil:")
        lines.append("            _x0 = _s.__next__()")
        lines.append("            _ok = %s(0, _d)" % _declare_take_next(env, node.pos))
    lines.append("        if not _ok:")
    lines.append("            raise StopIteration")
    lines.append("        return %s" % (items[0] if len(items) == 1 else "(%s)" % ", ".join(items)))
    return lines


def _declare_take_next(env, pos):
    """A module-level name for `cyn::stdlib::take_next` on an int (the module's one)."""
    mod = env.global_scope()
    name = EncodedString("__cyn_take_next")
    if mod.lookup_here(name) is not None:
        return name
    t = PyrexTypes.c_int_type
    ftype = PyrexTypes.CFuncType(PyrexTypes.c_bint_type, [
        PyrexTypes.CFuncTypeArg("value", t, pos),
        PyrexTypes.CFuncTypeArg("out", PyrexTypes.CReferenceType(t), pos)], nogil=1)
    entry = mod.declare_cfunction(name, ftype, pos, cname="cyn::stdlib::take_next",
                                  visibility='extern')
    entry.used = True
    entry.in_cinclude = True       # a template in cyn/stdlib/special.hpp: no prototype
    _use_special_header(env)
    return name


def _wrapper_equality_methods(node, scope, defined):
    """Source lines of the wrapper's __eq__/__ne__/__hash__ for a class that defines __eq__
    (or __ne__, __hash__) as nogil special methods; [] otherwise."""
    from . import wrapper
    lines = []
    for name, op in (('__eq__', '=='), ('__ne__', '!=')):
        compare = scope.lookup_here('__eq__') or scope.lookup_here('__ne__')
        if compare is None or name in defined or not compare.type.is_cfunction \
                or len(compare.type.args) != 1 or not is_nogil_ref(compare.type.args[0].type):
            continue
        other = compare.type.args[0].type
        lines += [
            "    def %s(self, p0):" % name,
            "        cdef %s a0" % wrapper._type_text(other),
            "        cdef %s _s" % node.name,
            "        cdef bint _r",
            "        if p0 is None:",
            "            return NotImplemented",
            "        try:",
            "            a0 = p0",
            "        except TypeError:",
            "            return NotImplemented",
            "        _s = <%s>self.%s" % (node.name, wrapper.REF_FIELD),
            "        if _s is a0:",
            "            return %s" % ("True" if name == '__eq__' else "False"),
            "        with nogil:",
            "            _r = _s %s a0" % op,
            "        return _r",
        ]
    hash_entry = scope.lookup_here('__hash__')
    if hash_entry is not None and hash_entry.type.is_cfunction and '__hash__' not in defined:
        lines += [
            "    def __hash__(self):",
            "        cdef %s _s" % node.name,
            "        cdef Py_ssize_t _r",
            "        _s = <%s>self.%s" % (node.name, wrapper.REF_FIELD),
            "        with nogil:",
            "            _r = hash(_s)",
            "        return _r",
        ]
    return lines


def install_wrapper_hook():
    from . import wrapper
    upstream_build_wrapper = wrapper.build_wrapper

    def build_wrapper(node, env):
        if not getattr(node, 'templates', None):
            extra = wrapper_special_methods(node, env)
            if extra:
                node.py_methods = list(node.py_methods) + extra
        return upstream_build_wrapper(node, env)

    wrapper.build_wrapper = build_wrapper
    wrapper.install_argument_checks()
    wrapper.install_public_qualified_names()
