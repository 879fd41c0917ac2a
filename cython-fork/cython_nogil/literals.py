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
Only nogil contexts are rewritten: code holding the GIL keeps upstream's behaviour.
"""
from Cython.Compiler import ExprNodes, PyrexTypes

from .types import is_nogil_ref

LIB_NAMESPACE = "cyn::lib::"


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
    `items` are the (coerced) elements; for a dict, keys and values alternate."""
    subexprs = ['items']
    is_temp = True

    def __init__(self, pos, type, kind, items):
        super().__init__(pos, type=type, kind=kind, items=items)

    def analyse_types(self, env):
        return self

    def may_be_none(self):
        return False

    def nogil_check(self, env):
        pass

    def generate_result_code(self, code):
        st = self.type.struct_type
        params = st.templates
        values = [item.result() for item in self.items]
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
    return NogilContainerLiteralNode(node.pos, dst_type, kind, items)


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


def install():
    for cls in (ExprNodes.ListNode, ExprNodes.SetNode, ExprNodes.DictNode):
        upstream = cls.coerce_to

        def coerce_to(self, dst_type, env, upstream=upstream):
            kind = lib_container_kind(dst_type)
            if kind is not None and kind == _literal_kind(self) and getattr(env, 'nogil', False) \
                    and not _has_starred(self):
                built = _build(self, dst_type, env, kind)
                if built is not None:
                    return built
            return upstream(self, dst_type, env)

        cls.coerce_to = coerce_to

    from .special_methods import _route
    _route(ExprNodes.PrimaryCmpNode, 'analyse_types', _literal_in)
