"""Stage: container literals in nogil code — `[1, 2]`, `{k: v}`, `{1, 2}`, `x in ("a", "b")`.

Where the GIL is held, a list literal assigned to a `lib.list[long]` is a Python list converted
by copying (SPEC §5). Without the GIL there is no Python list to build, so a literal whose target
type is a `cyn.lib` container is built as that container directly, each item coerced to the
element type as any assignment would coerce it:

    cdef lib.list[long] xs = [3, 1, 2]          # cyn::make<list<long>>({3, 1, 2})
    xs.extend([4, 5])                           # the argument's type decides: lib.list[long]
    cdef lib.dict[lib.string, long] d = {"a": 1}

and `x in (a, b, c)` / `x in [a, b, c]` on a nogil object compares x with each item in turn
(`x == a or x == b or x == c`, x evaluated once), as Python's `in` does for a sequence.
A literal assigned to a variable without a declared type takes its type from its items, in
nogil code only: `xs = [1, 2, 3]` is a lib.list[long], `d = {"a": 1.5}` a lib.dict[lib.string,
double] (numbers widen as C arithmetic does; text is lib.string; an empty literal, or items of
different classes, cannot be told: declare the variable).
Only nogil contexts are rewritten: code holding the GIL keeps upstream's behaviour.
"""
from Cython.Compiler import Builtin, ExprNodes, PyrexTypes
from Cython.Compiler.Errors import error

from .types import is_nogil_ref

LIB_NAMESPACE = "cyn::lib::"


def runs_without_gil(env, node=None):
    """Whether code analysed in `env` runs without the GIL. A comprehension's scope runs where
    the comprehension is (its own flag is only set once the comprehension is known to be ours).
    `node`, a literal or comprehension, may know it itself: the comprehensions stage marks those
    inside `with nogil:` blocks, which type inference (function-wide) cannot tell."""
    if node is not None and getattr(node, 'cyn_in_nogil', False):
        return True
    while env is not None:
        if getattr(env, 'nogil', False):
            return True
        if not getattr(env, 'is_comprehension_scope', False):
            return False
        env = env.outer_scope
    return False


def lib_class(env, name):
    """The cyn.lib class `name` ('list', 'set', 'dict', 'string') when the module cimports
    cyn.lib (generic ones unspecialised); else None."""
    mod = env.global_scope()
    for scope in [mod] + list(getattr(mod, 'cimported_modules', ())):
        if getattr(scope, 'qualified_name', None) == 'cyn.lib':
            entry = scope.lookup_here(name)
            if entry is not None and entry.is_type and is_nogil_ref(entry.type):
                return entry.type
    return None


def element_type(types, env):
    """The one element type that items of `types` fit without loss, or None: numbers widen
    (C rules), text is lib.string, nogil objects must all be of one class (None items aside)."""
    text = None
    found = []
    for t in types:
        if t is None or t.is_error:
            return None
        if t.is_pyobject:
            if t in (Builtin.unicode_type, Builtin.bytes_type):
                text = text or lib_class(env, 'string')
                if text is None:
                    return None
                t = text
            elif t is PyrexTypes.py_object_type:
                continue                 # None (or unknown): decided by the other items
            else:
                return None
        found.append(t)
    if not found:
        return None
    if all(isinstance(t, PyrexTypes.TemplatePlaceholderType) for t in found):
        # items of a generic class's parameter (`[v for v in self.items]` in Box[T])
        return found[0] if all(t == found[0] for t in found) else None
    if all(t.is_numeric for t in found):
        result = found[0]
        for t in found[1:]:
            result = PyrexTypes.widest_numeric_type(result, t)
        if result.is_int and not result.signed and any(t.is_int and t.signed for t in found):
            # C would make `[n, -1]` (n a size_t) unsigned: Python keeps -1, so a signed type
            result = PyrexTypes.c_longlong_type
        return result
    if all(t == found[0] for t in found) and is_nogil_ref(found[0]):
        return found[0]
    return None


def inferred_literal_type(node, env):
    """The lib container type of literal `node` in nogil code, from its items; else None."""
    kind = _literal_kind(node)
    if kind is None or not runs_without_gil(env, node) or _has_starred(node) \
            or getattr(node, 'mult_factor', None) is not None:
        return None
    generic = lib_class(env, kind)
    if generic is None:
        return None
    if kind == 'dict':
        if not node.key_value_pairs:
            return None
        params = [element_type([p.key.infer_type(env) for p in node.key_value_pairs], env),
                  element_type([p.value.infer_type(env) for p in node.key_value_pairs], env)]
    else:
        if not node.args:
            return None
        params = [element_type([a.infer_type(env) for a in node.args], env)]
    if None in params:
        return None
    return generic.specialize_here(node.pos, env, params)


def lib_container_kind(t):
    """'list', 'dict' or 'set' for an instantiation of that cyn.lib class, else None."""
    if not is_nogil_ref(t):
        return None
    st = t.struct_type
    cname = getattr(st, 'cname', '') or ''
    name = getattr(st, 'name', '')
    if not cname.startswith(LIB_NAMESPACE) or name not in ('list', 'dict', 'set'):
        return None
    if not st.templates:
        return None
    return name       # (a generic class's `lib.list[T]` too: its items are coerced to T)


class NogilContainerLiteralNode(ExprNodes.ExprNode):
    """A `cyn.lib` list, dict or set built from the items of a literal, without the GIL.
    `items` are the (coerced) elements; for a dict, keys and values alternate. `original` is
    the literal as upstream analysed it, for a literal typed from its items before its target
    was known (`cdef int arr[3] = [1, 2, 3]` still makes a C array)."""
    subexprs = ['items']
    is_temp = True
    cyn_nogil_container = True
    original = None

    def __init__(self, pos, type, kind, items, original=None):
        super().__init__(pos, type=type, kind=kind, items=items, original=original)

    def analyse_types(self, env):
        return self

    def coerce_to(self, dst_type, env):
        if dst_type == self.type or self.original is None:
            return super().coerce_to(dst_type, env)
        if lib_container_kind(dst_type) == self.kind:
            return _build(self.original, dst_type, env, self.kind)     # another element type
        if is_nogil_ref(dst_type) or dst_type.is_pyobject:
            return super().coerce_to(dst_type, env)
        return self.original.coerce_to(dst_type, env)                  # C array, struct, vector…

    def may_be_none(self):
        return False

    def nogil_check(self, env):
        pass

    def generate_result_code(self, code):
        st = self.type.struct_type
        params = st.templates
        # numbers cast explicitly: a braced list refuses narrowing (`[300]` for unsigned char
        # items is 44 here, as the same assignment is in Cython), a C cast does not
        if self.kind == 'dict':
            types = [params[i % 2] for i in range(len(self.items))]
        else:
            types = [params[0]] * len(self.items)
        values = ["((%s)%s)" % (t.empty_declaration_code(), item.result()) if t.is_numeric else item.result()
                  for item, t in zip(self.items, types)]
        if self.kind == 'dict':
            element = "std::pair<%s, %s>" % (params[0].empty_declaration_code(),
                                             params[1].empty_declaration_code())
            values = ["{%s, %s}" % pair for pair in zip(values[0::2], values[1::2])]
        else:
            element = params[0].empty_declaration_code()
        code.putln("%s = cyn::make<%s>(std::initializer_list<%s>{%s});" % (
            self.result(), st.empty_declaration_code(), element, ", ".join(values)))


def _item(node, env, element_type):
    """An item of the literal as the element type. The literal may have been analysed as a
    Python list already: an item coerced to a Python object is taken back as it was."""
    node = node.analyse_types(env)
    while isinstance(node, ExprNodes.CoerceToPyTypeNode):
        node = node.arg
    return node.coerce_to(element_type, env)


def _build(node, dst_type, env, kind):
    params = dst_type.struct_type.templates
    if kind == 'dict':
        items = []
        for pair in node.key_value_pairs:
            items.append(_item(pair.key, env, params[0]))
            items.append(_item(pair.value, env, params[1]))
    else:
        items = [_item(arg, env, params[0]) for arg in node.args]
    # (an item of a wrong type is reported by its coercion; the literal stays ours, so that it
    # is not reported again as a Python list built without the GIL)
    return NogilContainerLiteralNode(node.pos, dst_type, kind, items, original=node)


def _literal_kind(node):
    if isinstance(node, ExprNodes.ListNode):
        return 'list'
    if isinstance(node, ExprNodes.SetNode):
        return 'set'
    if isinstance(node, ExprNodes.DictNode):
        return 'dict'
    return None


def _has_starred(node):
    items = node.key_value_pairs if isinstance(node, ExprNodes.DictNode) else node.args
    return any(isinstance(i, (ExprNodes.StarredUnpackingNode,)) or getattr(i, 'is_starred', False)
               for i in items)


def _literal_in(node, env):
    """`x in (a, b)` / `x not in [a, b]` with x a nogil object: x compared with each item."""
    if node.operator not in ('in', 'not_in') or node.cascade:
        return None
    seq = node.operand2
    if not isinstance(seq, (ExprNodes.TupleNode, ExprNodes.ListNode)) or _has_starred(seq):
        return None
    from .special_methods import _infer
    if not is_nogil_ref(_infer(node.operand1, env)):
        return None
    from Cython.Compiler import UtilNodes
    import copy
    x = node.operand1 if node.operand1.is_name else UtilNodes.LetRefNode(node.operand1)
    if not seq.args:
        test = ExprNodes.BoolNode(node.pos, value=False)
    else:
        comparisons = [ExprNodes.PrimaryCmpNode(item.pos, operator='==', operand1=x
                                                if i == 0 or not x.is_name else copy.deepcopy(x),
                                                operand2=item)
                       for i, item in enumerate(seq.args)]
        test = comparisons[0]
        for comparison in comparisons[1:]:
            test = ExprNodes.BoolBinopNode(node.pos, operator='or', operand1=test, operand2=comparison)
    if node.operator == 'not_in':
        test = ExprNodes.NotNode(node.pos, operand=test)
    if isinstance(x, UtilNodes.LetRefNode):
        test = UtilNodes.EvalWithTempExprNode(x, test)
    return test.analyse_types(env).coerce_to(PyrexTypes.c_bint_type, env)


def _literal_iteration(node, env):
    """`for x in (1, 2, 3):` / `for x in [a, b]:` in nogil code, numbers of one type: the items
    become a C array on the stack, which the loop walks (upstream then iterates it as any C
    array)."""
    seq = node.sequence
    scope = node.expr_scope or env
    from .special_methods import _module_uses_nogil
    if (not isinstance(seq, (ExprNodes.ListNode, ExprNodes.TupleNode)) or not seq.args
            or not _module_uses_nogil(scope)
            or _has_starred(seq) or getattr(seq, 'mult_factor', None) is not None
            or not runs_without_gil(scope)):
        return None
    types = {a.infer_type(scope) for a in seq.args}
    if len(types) != 1:
        return None          # (the loop variable's inferred type is then a Python object)
    t = types.pop()
    if not t.is_numeric:
        return None
    array = ExprNodes.ListNode(seq.pos, args=list(seq.args)).analyse_types(scope)
    node.sequence = array.coerce_to(PyrexTypes.CArrayType(t, len(seq.args)), scope)
    node.type = node.sequence.type
    node.is_temp = 1
    return node


def _explained_nogil_check(upstream):
    """Upstream's "Constructing Python list not allowed without gil", in a module using nogil
    classes, says what would make the literal (or comprehension) a lib container."""
    def nogil_check(self, env):
        from .special_methods import _module_uses_nogil
        if not (self.type and self.type.is_pyobject and _module_uses_nogil(env)):
            return upstream(self, env)
        items = getattr(self, 'key_value_pairs', None)
        if items is None:
            items = getattr(self, 'args', None)
        kind = 'list' if self.type.is_pylist_type else 'set' if self.type.is_pyset_type else 'dict'
        example = {'list': "cdef lib.list[long] xs = []", 'set': "cdef lib.set[long] s = set()",
                   'dict': "cdef lib.dict[lib.string, long] d = {}"}[kind]
        what = self.gil_message
        if isinstance(self, ExprNodes.ComprehensionNode):
            what = "Building a Python %s (comprehension)" % kind
        if lib_class(env, 'list') is None:
            hint = "in nogil code it would be a cyn.lib container: add `from cyn cimport lib`"
        elif items is not None and not items:
            hint = "the item type of an empty one cannot be told: declare the variable (%s)" % example
        else:
            hint = "its items fit no one lib container type: declare the variable (%s)" % example
        error(self.pos, "%s not allowed without gil; %s" % (what, hint))
    return nogil_check


def install():
    for cls in (ExprNodes.ListNode, ExprNodes.SetNode, ExprNodes.DictNode):
        upstream = cls.coerce_to

        def coerce_to(self, dst_type, env, upstream=upstream):
            kind = lib_container_kind(dst_type)
            if kind is not None and kind == _literal_kind(self) and runs_without_gil(env, self) \
                    and not _has_starred(self):
                built = _build(self, dst_type, env, kind)
                if built is not None:
                    return built
            return upstream(self, dst_type, env)

        cls.coerce_to = coerce_to

        upstream_analyse = cls.analyse_types

        def analyse_types(self, env, upstream=upstream_analyse):
            # Without a target (`len([1, 2])`, `sorted([3, 1])`, `[1, 2].index(2)`) the
            # literal is the lib container its items fill; a target decides later (coerce_to)
            inferred = None
            if runs_without_gil(env, self):
                from .special_methods import _module_uses_nogil
                if _module_uses_nogil(env):
                    inferred = inferred_literal_type(self, env)     # (from the unanalysed items)
            node = upstream(self, env)
            if node is self and inferred is not None:
                return _build(self, inferred, env, _literal_kind(self))
            return node

        cls.analyse_types = analyse_types

        upstream_infer = cls.infer_type

        def infer_type(self, env, upstream=upstream_infer):
            inferred = inferred_literal_type(self, env)
            return inferred if inferred is not None else upstream(self, env)

        cls.infer_type = infer_type
        cls.nogil_check = _explained_nogil_check(cls.nogil_check)

    from .special_methods import _route
    _route(ExprNodes.PrimaryCmpNode, 'analyse_types', _literal_in)
    _route(ExprNodes.IteratorNode, 'analyse_types', _literal_iteration)
