"""Stage: `with` statements on nogil objects in nogil code — `with mutex:`.

Python code guards a critical section with `with lock:`. In nogil code the manager is a nogil
object whose class has `__enter__` and `__exit__` (the coroutine Mutex has them: lock and
unlock), and the statement becomes, before upstream's with-transform makes it Python calls:

    _cyn_with_N = EXPR                  # evaluated once; a hidden local holds the reference
    TARGET = _cyn_with_N.__enter__()    # (without `as`: the call alone)
    try:
        BODY
    finally:
        _cyn_with_N.__exit__()          # on every way out: end of block, return, break, raise
        _cyn_with_N = None              # the reference goes when the statement ends

`__exit__` takes no exception arguments and cannot swallow the exception: an error raised in
the block propagates after it ran (nogil code has no exception object to hand it). Where the
GIL is held, `with` keeps Python's protocol; a `with` over a Python object in nogil code is
refused as upstream refuses it (the calls then need the GIL). Where the GIL is held a nogil
reference used as a manager goes through its Python wrapper, whose __enter__/__exit__ call the
nogil ones (special_methods.py, wrapper methods).
"""
import itertools

from Cython.Compiler import ExprNodes, Nodes, PyrexTypes
from Cython.Compiler.StringEncoding import EncodedString

from .comprehensions import NogilContextTransform, add_stage_before
from .types import is_nogil_ref

_hidden_names = itertools.count()


class NogilWithStatements(NogilContextTransform):
    """Rewrites `with EXPR [as TARGET]: BODY` in nogil code into __enter__/try/finally/__exit__
    calls on a hidden local (see the module docstring). Runs before upstream's WithTransform."""

    def visit_WithStatNode(self, node):
        self.visitchildren(node)
        if node.is_async:
            return node
        if not self.nogil:
            # Python's protocol; a nogil reference goes through its wrapper (__enter__/__exit__)
            node.manager = AsPythonObjectNode(node.manager.pos, arg=node.manager)
            return node
        pos = node.pos
        name = EncodedString("_cyn_with_%d" % next(_hidden_names))
        manager = ExprNodes.NameNode(pos, name=name)

        def call(method):
            return ExprNodes.SimpleCallNode(pos, function=ExprNodes.AttributeNode(
                pos, obj=ExprNodes.NameNode(pos, name=name), attribute=EncodedString(method)), args=[])

        enter = call('__enter__')
        stats = [Nodes.SingleAssignmentNode(pos, lhs=manager, rhs=node.manager)]
        if node.target is not None:
            stats.append(Nodes.SingleAssignmentNode(pos, lhs=node.target, rhs=enter))
        else:
            stats.append(Nodes.ExprStatNode(pos, expr=enter))
        release = Nodes.StatListNode(pos, stats=[
            Nodes.ExprStatNode(pos, expr=call('__exit__')),
            Nodes.SingleAssignmentNode(pos, lhs=ExprNodes.NameNode(pos, name=name),
                                       rhs=ExprNodes.NoneNode(pos))])
        stats.append(Nodes.TryFinallyStatNode(pos, body=node.body, finally_clause=release))
        return Nodes.StatListNode(pos, stats=stats)


class AsPythonObjectNode(ExprNodes.ExprNode):
    """The manager of a `with` where the GIL is held: a nogil reference becomes its Python
    wrapper (upstream's protocol then calls the wrapper's __enter__/__exit__); anything else
    is left as it is."""
    subexprs = ['arg']

    def infer_type(self, env):
        t = self.arg.infer_type(env)
        return PyrexTypes.py_object_type if is_nogil_ref(t) else t

    def analyse_types(self, env):
        arg = self.arg.analyse_types(env)
        if not is_nogil_ref(arg.type):
            return arg
        if not arg.type.can_coerce_to_pyobject(env):
            from Cython.Compiler.Errors import error
            error(self.pos, "'with' on a '%s' where the GIL is held: its class has no Python wrapper; "
                  "use it in nogil code (inside 'with nogil:')" % arg.type)
            return arg
        return arg.coerce_to_pyobject(env)


def install():
    from Cython.Compiler import ParseTreeTransforms

    add_stage_before(ParseTreeTransforms.WithTransform, NogilWithStatements)

    from . import syntax
    syntax.NOGIL_SPECIAL_METHODS = syntax.NOGIL_SPECIAL_METHODS | {'__enter__', '__exit__'}
