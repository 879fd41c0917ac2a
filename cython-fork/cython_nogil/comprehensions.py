"""Stage: comprehensions and generator expressions in nogil code.

Where the GIL is held a comprehension builds a Python list, set or dict, and `sum(x for x in
xs)` runs a generator object. Without the GIL there is neither, so in nogil code:

    cdef lib.list[long] odd = [x for x in xs if x % 2]     # builds the lib.list directly
    cdef lib.dict[lib.string, long] n = {w: len(w) for w in words}
    total = sum(x * x for x in xs)                          # an inline loop, a C accumulator
    if any(p.x < 0 for p in points): ...                    # stops at the first true item
    lo = min(len(w) for w in words)                         # ValueError when empty, or default=

A comprehension whose target type (declared variable, argument, return type) is a cyn.lib
container of its kind appends each item to that container, each item coerced to the element
type as any assignment would coerce it. `sum`, `any`, `all`, `min` and `max` (the built-ins,
not shadowed) of one generator expression become a loop in the function itself: a generator
expression elsewhere in nogil code stays an error, as in upstream Cython.

Why a pipeline stage: a generator expression makes its function a closure (a Python object)
as soon as the closure-marking transform sees it, so `sum(<genexpr>)` in nogil code is
rewritten before that transform runs, into a comprehension-like node that runs its loop
inline (the comprehension's scope keeps the loop variables local, as in Python 3). Where the
GIL is held nothing changes: code that compiles with upstream Cython compiles the same.

Python's semantics kept: `sum` starts from 0 (or `start`) and adds in order; `any`/`all`
stop at the first deciding item, leaving outer loops too; `min`/`max` keep the first of equal
items and raise ValueError on an empty input unless `default=` is given; loop variables holding
nogil objects are released when the loop ends.
"""
import itertools

from Cython.Compiler import ExprNodes, Nodes, PyrexTypes, UtilNodes, Visitor
from Cython.Compiler.StringEncoding import EncodedString
from Cython.Compiler.Errors import error

from .literals import element_type, lib_class, lib_container_kind, runs_without_gil
from .syntax import find_func_declarator
from .types import is_nogil_ref

AGGREGATES = ('sum', 'any', 'all', 'min', 'max')
# keyword arguments each aggregate accepts (as in Python)
AGGREGATE_KEYWORDS = {'sum': ('start',), 'min': ('default',), 'max': ('default',), 'any': (), 'all': ()}


# ------------------------------------------------------------------ pre-declaration rewrite

class NogilContextTransform(Visitor.VisitorTransform):
    """Base of the transforms that rewrite Python habits in nogil code before declarations
    are analysed: `self.nogil` tells whether the node being visited runs without the GIL, the
    way upstream's InjectGilHandling knows it (nogil cdef functions, nogil-class methods, `with
    nogil:`, `prange(nogil=True)`; `with gil:` and `with_gil` functions hold it again).
    Only modules of this project are visited: modules without nogil classes compile as
    upstream's, errors included."""

    nogil = False

    def __call__(self, root):
        if not _tree_uses_cyn(root):
            return root
        return super().__call__(root)

    def visit_GILStatNode(self, node):
        return self._with_state(node, node.state == 'nogil')

    def visit_CFuncDefNode(self, node):
        declarator = find_func_declarator(node.declarator)
        if declarator is None:
            return self._with_state(node, self.nogil)
        return self._with_state(node, declarator.nogil and not declarator.with_gil)

    def visit_DefNode(self, node):
        return self._with_state(node, False)

    def visit_ParallelRangeNode(self, node):
        # (`nogil=True` is read from the keywords only when declarations are analysed)
        return self._with_state(node, bool(node.nogil) or _keyword_is_true(node, 'nogil') or self.nogil)

    def _with_state(self, node, nogil):
        was = self.nogil
        self.nogil = nogil
        self.visitchildren(node)
        self.nogil = was
        return node

    def visit_Node(self, node):
        self.visitchildren(node)
        return node


class NogilGeneratorAggregates(NogilContextTransform):
    """Rewrites `sum/any/all/min/max(<genexpr>)` inside nogil code into NogilAggregateNode,
    before the closure-marking transform would make the function a closure; marks literals
    and comprehensions in nogil code (for type inference); keeps `for x in (a, b)` a list."""

    def visit_SimpleCallNode(self, node):
        if self.nogil:
            replaced = _aggregate(node, node.function, node.args, None)
            if replaced is not None:
                node = replaced          # (its loop may hold more generator expressions)
        self.visitchildren(node)
        return self._reported_call(node) if self.nogil else node

    def visit_GeneralCallNode(self, node):
        keywords = node.keyword_args
        if (self.nogil and isinstance(node.positional_args, ExprNodes.TupleNode)
                and (keywords is None or isinstance(keywords, ExprNodes.DictNode))):
            replaced = _aggregate(node, node.function, node.positional_args.args, keywords)
            if replaced is not None:
                node = replaced
        self.visitchildren(node)
        return self._reported_call(node) if self.nogil else node

    def visit_ForInStatNode(self, node):
        # `for m in ("GET", "HEAD"):` in nogil code: a tuple of items is iterated as the list
        # literal of them (typed from its items: a lib.list, or a C array of numbers)
        sequence = getattr(node.iterator, 'sequence', None)
        if (self.nogil and isinstance(sequence, (ExprNodes.TupleNode, ExprNodes.ListNode)) and sequence.args
                and sequence.mult_factor is None
                and not any(getattr(a, 'is_starred', False) for a in sequence.args)):
            literal = ExprNodes.ListNode(sequence.pos, args=list(sequence.args))
            literal.cyn_keep_list = True        # (constant folding would make it a Python tuple)
            node.iterator.sequence = literal
        self.visitchildren(node)
        return node

    def _mark_nogil(self, node):
        # (literals and comprehensions here are typed as lib containers: see literals.py)
        if self.nogil:
            node.cyn_in_nogil = True
        self.visitchildren(node)
        return node

    visit_ListNode = visit_SetNode = visit_DictNode = visit_ComprehensionNode = _mark_nogil

    def visit_GeneratorExpressionNode(self, node):
        if not self.nogil:
            self.visitchildren(node)
            return node
        # one error instead of upstream's several (closure, Python function, iteration)
        error(node.pos, "a generator expression in nogil code can only be the argument of the built-in "
              "sum(), any(), all(), min() or max(); for a container, use a comprehension ([...])")
        return ReportedErrorNode(node.pos)

    def _reported_call(self, node):
        # a call with an argument already reported stands for no value: nothing that uses it
        # is reported again
        args = getattr(node, 'args', None) or getattr(getattr(node, 'positional_args', None), 'args', None) or ()
        if any(isinstance(a, ReportedErrorNode) for a in args):
            return ReportedErrorNode(node.pos)
        return node


def _keyword_is_true(node, name):
    """Whether a parallel node's keyword `name` is written as a true constant."""
    kwargs = getattr(node, 'kwargs', None)
    for item in getattr(kwargs, 'key_value_pairs', ()) or ():
        if getattr(item.key, 'value', None) == name:
            value = item.value
            return bool(getattr(value, 'value', False)) if value.has_constant_result() or \
                isinstance(value, ExprNodes.BoolNode) else False
    return False


def _tree_uses_cyn(root):
    """Whether a parsed module defines a nogil class or cimports from the `cyn` package."""
    from .declarations import NogilClassNode
    found = []

    class Look(Visitor.TreeVisitor):
        def visit_Node(self, node):
            if found:
                return
            if isinstance(node, NogilClassNode):
                found.append(node)
                return
            if isinstance(node, (Nodes.CImportStatNode, Nodes.FromCImportStatNode)):
                name = node.module_name
                if name == 'cyn' or name.startswith('cyn.'):
                    found.append(node)
                return
            if isinstance(node, ExprNodes.ExprNode):
                return                   # (no statements inside expressions)
            self.visitchildren(node)

    Look().visit(root)
    return bool(found)


# Arguments that other stages already make lib containers (literals, comprehensions).
_NOT_AN_ITERABLE_ARGUMENT = (ExprNodes.GeneratorExpressionNode, ExprNodes.ListNode, ExprNodes.TupleNode,
                             ExprNodes.SetNode, ExprNodes.DictNode, ExprNodes.ComprehensionNode)


def _aggregate_of_iterable(call, function, args, keywords):
    """`sum(o)`, `min(o)`… of one iterable object in nogil code, as the aggregate of
    `(x for x in o)`; at analysis it gives way to the call itself when o's class has its own
    `__cyn_sum__`… method (the lib containers) or o is a Python object (see NogilAggregateNode)."""
    if not isinstance(function, ExprNodes.NameNode) or function.name not in AGGREGATES:
        return None
    name = function.name
    positional_limit = 2 if name == 'sum' else 1
    if not args or len(args) > positional_limit or isinstance(args[0], _NOT_AN_ITERABLE_ARGUMENT) \
            or any(getattr(a, 'is_starred', False) for a in args):
        return None
    options = {}
    for item in (keywords.key_value_pairs if keywords is not None else ()):
        key = item.key.value if isinstance(item.key, ExprNodes.IdentifierStringNode) else None
        if key not in AGGREGATE_KEYWORDS[name] or key in options:
            return None              # (key=…: not ours)
        options[key] = item.value
    if len(args) == 2:
        if 'start' in options:
            return None
        options['start'] = args[1]
    iterable = args[0]
    item = EncodedString("_cyn_item_%d" % next(_hidden_items))
    step = AggregateStepNode(iterable.pos, expr=ExprNodes.NameNode(iterable.pos, name=item))
    loop = Nodes.ForInStatNode(iterable.pos, target=ExprNodes.NameNode(iterable.pos, name=item),
                               iterator=ExprNodes.IteratorNode(iterable.pos, sequence=iterable),
                               body=step, else_clause=None, is_async=False)
    node = NogilAggregateNode(call.pos, loop=loop, append=step, func=name, start=options.get('start'),
                              default=options.get('default'), has_local_scope=True, invalid=False,
                              fallback=call)
    if name in ('any', 'all'):
        _stop_outer_loops(loop, node)
    return node


_hidden_items = itertools.count()


def _aggregate(call, function, args, keywords):
    """The NogilAggregateNode for `f(<genexpr>, ...)` when f names an aggregate, else None."""
    if not isinstance(function, ExprNodes.NameNode) or function.name not in AGGREGATES:
        return None
    if not args or not isinstance(args[0], ExprNodes.GeneratorExpressionNode):
        return _aggregate_of_iterable(call, function, args, keywords)
    name = function.name
    extra = list(args[1:])
    options = {}
    invalid = False         # reported here: the node stays ours, typed as an error (no follow-ups)
    for item in (keywords.key_value_pairs if keywords is not None else ()):
        key = item.key.value if isinstance(item.key, ExprNodes.IdentifierStringNode) else None
        if key in options:
            error(item.key.pos, "keyword argument '%s' repeated" % key)
            invalid = True
        elif key not in AGGREGATE_KEYWORDS[name]:
            error(item.key.pos, "%s() of a generator expression in nogil code takes no keyword "
                  "argument '%s'" % (name, key))
            invalid = True
        options[key] = item.value
    if name == 'sum' and len(extra) == 1 and 'start' not in options:
        options['start'] = extra.pop()
    if extra:
        error(extra[0].pos, "%s() of a generator expression takes %s" % (
            name, "a start value and no more" if name == 'sum' else "no other positional argument"))
        invalid = True
    genexpr = args[0]
    step = AggregateStepNode(genexpr.pos, expr=None)
    loop = _replace_yield(genexpr.loop, step)
    if loop is None:
        return None
    node = NogilAggregateNode(call.pos, loop=loop, append=step, func=name,
                              start=options.get('start'), default=options.get('default'),
                              has_local_scope=True, invalid=invalid)
    if name in ('any', 'all'):
        _stop_outer_loops(loop, node)
    return node


def _replace_yield(loop, step):
    """The generator's loop with its one `yield item` statement replaced by `step` (which takes
    the item), or None when the body is not that (a generator expression has exactly one)."""
    found = []

    class Replace(Visitor.VisitorTransform):
        def visit_ExprStatNode(self, node):
            if isinstance(node.expr, ExprNodes.YieldExprNode) and not found:
                found.append(node)
                step.expr = node.expr.arg
                step.pos = node.pos
                return step
            self.visitchildren(node)
            return node

        def visit_GeneratorExpressionNode(self, node):
            return node              # a nested generator keeps its own yield

        def visit_Node(self, node):
            self.visitchildren(node)
            return node

    loop = Replace()(loop)
    return loop if found else None


def _stop_outer_loops(loop, node):
    """any()/all() decide at the first deciding item: each loop that contains an inner loop
    checks after it whether the answer is known (the step breaks the innermost one)."""
    for stat in _loops(loop):
        inner = [s for s in _loops(stat.body) if s is not stat]
        if inner:
            stat.body = Nodes.StatListNode(stat.body.pos, stats=[
                stat.body, Nodes.IfStatNode(stat.body.pos, else_clause=None, if_clauses=[
                    Nodes.IfClauseNode(stat.body.pos, condition=AggregateDecidedNode(stat.body.pos, aggregate=node),
                                       body=Nodes.BreakStatNode(stat.body.pos))])])


def _loops(tree):
    found = []

    class Collect(Visitor.TreeVisitor):
        def visit_ForStatNode(self, n):
            found.append(n)
            self.visitchildren(n)

        visit_ForInStatNode = visit_ForFromStatNode = visit_ForStatNode

        def visit_Node(self, n):
            self.visitchildren(n)

    Collect().visit(tree)
    return found


class ReportedErrorNode(ExprNodes.ExprNode):
    """Stands for an expression already reported as an error. A variable assigned it is
    typed as a C long (inferred as an error it would become a Python object, and each use of
    it in nogil code would be reported again)."""
    subexprs = []
    type = PyrexTypes.error_type

    def infer_type(self, env):
        return PyrexTypes.c_long_type

    def analyse_types(self, env):
        return self

    def may_be_none(self):
        return False

    def nogil_check(self, env):
        pass

    def calculate_result_code(self):
        return "0"

    def generate_result_code(self, code):
        pass


# ------------------------------------------------------------------ sum/any/all/min/max

class _RunsItsBody:
    """A per-item node of a comprehension's loop that, once analysed, is the statement in its
    `body` (built from the item): code generation is the body's."""

    def generate_execution_code(self, code):
        self.body.generate_execution_code(code)

    def generate_function_definitions(self, env, code):
        self.body.generate_function_definitions(env, code)

    def annotate(self, code):
        self.body.annotate(code)


class AggregateStepNode(_RunsItsBody, ExprNodes.ComprehensionAppendNode):
    """One item of an aggregate's generator: the statement its loop runs per item, built by
    the aggregate node once the accumulator's type is known. `target` is the aggregate."""
    child_attrs = ['expr', 'body']     # expr until analysed, then the statement holding it
    body = None

    def analyse_expressions(self, env):
        self.body = self.target.step_statement(self.expr, env).analyse_expressions(env)
        self.expr = None
        return self


class AggregateDecidedNode(ExprNodes.ExprNode):
    """True once an any()/all() knows its answer (the accumulator moved off its start)."""
    subexprs = []
    type = PyrexTypes.c_bint_type

    def analyse_types(self, env):
        return self

    def calculate_result_code(self):
        return "(%s != %d)" % (self.aggregate.result(), self.aggregate.func == 'all')

    def generate_result_code(self, code):
        pass


class NogilAggregateNode(ExprNodes.ComprehensionNode):
    """`sum/any/all/min/max(<genexpr>)` in nogil code: the generator's loop runs inline and
    each item updates an accumulator of a C (or nogil reference) type.

    func       'sum' | 'any' | 'all' | 'min' | 'max'
    start      sum's start value, or None (0)
    default    min/max's value for an empty input, or None (ValueError)
    """
    subexprs = ['start', 'default']
    child_attrs = ['start', 'default', 'loop']
    type = None
    invalid = False       # an error was reported when the call was rewritten
    fallback = None       # `sum(o)` of an object: the call itself, when o's class sums itself
    seen = None           # min/max: whether an item was seen (a C flag)
    item = None           # min/max: the current item, evaluated once

    def type_dependencies(self, env):
        # the items' type follows from the first iterable's (evaluated in the outer scope)
        deps = super().type_dependencies(env)
        iterator = getattr(self.loop, 'iterator', None)
        sequence = getattr(iterator, 'sequence', None)
        if sequence is not None:
            deps = tuple(deps) + tuple(sequence.type_dependencies(env))
        return deps

    def _gives_way(self, env):
        """For `sum(o)`: whether the call is left as it is (o a lib container, whose class
        has its own __cyn_sum__…, or a Python object)."""
        if self.fallback is None:
            return False
        from .special_methods import _method
        t = self.loop.iterator.sequence.infer_type(env)
        return t.is_pyobject or (is_nogil_ref(t) and _method(t, '__cyn_%s__' % self.func) is not None)

    def infer_type(self, env):
        if self._gives_way(env):
            return self.fallback.infer_type(env)
        # After an error (reported by the analysis) a variable assigned the result is typed as
        # a C long: inferred as an error it would become a Python object, and each use of it
        # in nogil code would be reported again.
        if self.invalid:
            return PyrexTypes.c_long_type
        if self.func in ('any', 'all'):
            return PyrexTypes.c_bint_type
        return self._accumulator_type(env, analyse=False) or PyrexTypes.c_long_type

    def analyse_types(self, env):
        if self._gives_way(env):
            return self.fallback.analyse_types(env)
        if self.invalid:
            self.type = PyrexTypes.error_type
            return self
        from .analysis import _is_builtin
        if not _is_builtin(env.lookup(self.func)):
            error(self.pos, "'%s' is not the built-in here: a generator expression in nogil code "
                  "is only run by the built-in sum(), any(), all(), min() or max()" % self.func)
            self.type = PyrexTypes.error_type
            return self
        if self.expr_scope is not None:
            self.expr_scope.nogil = True     # its body runs here: without the GIL (nested literals)
        if self.start is not None:
            self.start = self.start.analyse_types(env)
        if self.default is not None:
            self.default = self.default.analyse_types(env)
        if self.func in ('any', 'all'):
            self.type = PyrexTypes.c_bint_type
        else:
            self.type = self._accumulator_type(env, analyse=True) or PyrexTypes.error_type
        if self.type.is_error:
            return self
        if self.start is not None:
            self.start = self.start.coerce_to(self.type, env)
        if self.default is not None:
            self.default = self.default.coerce_to(self.type, env)
        self.accumulator = UtilNodes.ResultRefNode(pos=self.pos, type=self.type)
        if self.func in ('min', 'max'):
            self.seen = UtilNodes.ResultRefNode(pos=self.pos, type=PyrexTypes.c_bint_type)
            self.item = UtilNodes.ResultRefNode(pos=self.pos, type=self.type)
        return self

    def _accumulator_type(self, env, analyse):
        """sum: the wider of the items' type and int (or the start's type, for objects that
        add); min/max: the items' type. None after reporting an error."""
        scope = self.expr_scope or env
        scope.infer_types()       # the loop variables' types (again later: a no-op)
        item_type = _item_type(self.append.expr, scope)
        if item_type is None or item_type.is_error:
            return None
        if self.fallback is not None and item_type.is_pyobject:
            # `sum(o)` of something that does not iterate without the GIL: say that, once
            iterable = self.loop.iterator.sequence
            t = iterable.infer_type(env)
            if analyse and not is_nogil_ref(t):      # (a nogil class: its loop says why)
                error(iterable.pos, "'%s' object is not iterable" % t)
            return None
        if self.func == 'sum':
            if item_type.is_numeric:
                base = PyrexTypes.c_long_type
                if self.start is not None:
                    start_type = self.start.type if analyse else self.start.infer_type(env)
                    if not start_type.is_numeric:
                        if analyse:
                            error(self.start.pos, "sum() of numbers needs a numeric start, not '%s'" % start_type)
                        return None
                    base = start_type
                return PyrexTypes.widest_numeric_type(base, item_type)
            if is_nogil_ref(item_type) and self.start is not None:
                return self.start.type if analyse else self.start.infer_type(env)
            if analyse:
                if _is_lib_string(item_type):
                    error(self.pos, "sum() can't sum strings: use lib.string's join()")
                else:
                    error(self.pos, "sum() of '%s' items in nogil code needs numbers, or a start value "
                          "whose __add__ takes them: sum(items, start)" % item_type)
            return None
        if item_type.is_pyobject:
            if analyse:
                error(self.append.expr.pos, "%s() in nogil code needs C or nogil items, not Python objects" % self.func)
            return None
        if self.default is not None and item_type.is_numeric:
            default_type = self.default.type if analyse else self.default.infer_type(env)
            if default_type.is_numeric:     # max(longs, default=-1.5): either may be the result
                return PyrexTypes.widest_numeric_type(item_type, default_type)
            if self.default.is_none:
                if analyse:
                    error(self.default.pos, "%s() of numbers in nogil code cannot default to None: "
                          "give a number" % self.func)
                return None
        return item_type

    def step_statement(self, expr, env):
        """The statement run for each item `expr` (in the generator's scope `env`)."""
        pos = expr.pos
        acc = self.accumulator
        if self.func == 'sum':
            return Nodes.SingleAssignmentNode(pos, lhs=acc, rhs=ExprNodes.binop_node(pos, '+', acc, expr))
        if self.func in ('any', 'all'):
            condition = expr if self.func == 'any' else ExprNodes.NotNode(pos, operand=expr)
            return Nodes.IfStatNode(pos, else_clause=None, if_clauses=[Nodes.IfClauseNode(
                pos, condition=condition, body=Nodes.StatListNode(pos, stats=[
                    Nodes.SingleAssignmentNode(pos, lhs=acc, rhs=ExprNodes.BoolNode(pos, value=self.func == 'any')),
                    Nodes.BreakStatNode(pos)]))])
        # min/max: the first of equal items stays (a strict comparison, as in Python)
        operator = '<' if self.func == 'min' else '>'
        better = ExprNodes.BoolBinopNode(pos, operator='or', operand1=ExprNodes.NotNode(pos, operand=self.seen),
                                         operand2=ExprNodes.PrimaryCmpNode(pos, operator=operator,
                                                                           operand1=self.item, operand2=acc))
        return Nodes.StatListNode(pos, stats=[
            Nodes.SingleAssignmentNode(pos, lhs=self.item, rhs=expr),
            Nodes.IfStatNode(pos, else_clause=None, if_clauses=[Nodes.IfClauseNode(
                pos, condition=better, body=Nodes.StatListNode(pos, stats=[
                    Nodes.SingleAssignmentNode(pos, lhs=acc, rhs=self.item),
                    Nodes.SingleAssignmentNode(pos, lhs=self.seen, rhs=ExprNodes.BoolNode(pos, value=True))]))])])

    def may_be_none(self):
        return self.type.is_pyobject or is_nogil_ref(self.type)

    def nogil_check(self, env):
        pass

    def generate_operation_code(self, code):
        acc = self.accumulator
        acc.result_code = self.result()
        temps = []
        for ref in (self.seen, self.item):
            if ref is not None:
                ref.result_code = code.funcstate.allocate_temp(ref.type, manage_ref=False)
                temps.append(ref)
        if self.func == 'sum':
            code.putln("%s = %s;" % (self.result(), self.start.result_as(self.type) if self.start is not None else "0"))
        elif self.func in ('any', 'all'):
            code.putln("%s = %d;" % (self.result(), self.func == 'all'))
        else:
            code.putln("%s = 0;" % self.seen.result())
        self.loop.generate_execution_code(code)
        _release_loop_variables(self.expr_scope, code)
        if self.func in ('min', 'max'):
            if is_nogil_ref(self.type):
                code.putln("%s.reset();" % self.item.result())
            code.putln("if (unlikely(!%s)) {" % self.seen.result())
            if self.default is not None:
                code.putln("%s = %s;" % (self.result(), self.default.result_as(self.type)))
            else:
                code.putln('cyn::cy::raise_empty_aggregate("%s");' % self.func)
                code.putln(code.error_goto(self.pos))
            code.putln("}")
        for ref in temps:
            code.funcstate.release_temp(ref.result_code)


def _item_type(expr, env):
    """The type an item expression will have. Upstream infers every comparison as a Python
    object (its analysis decides); one of C values or nogil objects is a C truth value."""
    if isinstance(expr, ExprNodes.NotNode):
        return PyrexTypes.c_bint_type
    if isinstance(expr, ExprNodes.PrimaryCmpNode):
        operands = [expr.operand1, expr.operand2]
        cascade = expr.cascade
        while cascade is not None:
            operands.append(cascade.operand2)
            cascade = cascade.cascade
        if all(not _item_type(o, env).is_pyobject for o in operands):
            return PyrexTypes.c_bint_type
    if isinstance(expr, ExprNodes.BoolBinopNode):
        types = [_item_type(expr.operand1, env), _item_type(expr.operand2, env)]
        if all(t is PyrexTypes.c_bint_type for t in types):
            return PyrexTypes.c_bint_type
    return expr.infer_type(env)


def _is_lib_string(t):
    st = getattr(t, 'struct_type', None)
    return is_nogil_ref(t) and getattr(st, 'cname', '') == 'cyn::lib::string'


def _release_loop_variables(scope, code):
    """Loop variables holding nogil objects are dropped when the loop ends: in Python they
    die with the comprehension's scope (C++ would keep them until the function returns)."""
    if scope is None:
        return
    for name, entry in sorted(scope.entries.items()):
        if name and is_nogil_ref(entry.type) and entry.used:
            code.putln("%s.reset();" % entry.cname)


# ------------------------------------------------------------------ comprehensions

class LibAppendNode(_RunsItsBody, ExprNodes.ComprehensionAppendNode):
    """Adds one item of a comprehension to the cyn.lib container being built: `append` for a
    list, `add` for a set, `d[k] = v` for a dict, as the user's own code would call them
    (so coercion, errors and exception handling are a method call's)."""
    child_attrs = ['expr', 'dict_item', 'body']   # the item until analysed, then the statement
    dict_item = None
    body = None

    def analyse_expressions(self, env):
        container = self.target.container
        pos = self.pos
        if self.dict_item is not None:
            if not isinstance(self.dict_item, ExprNodes.DictItemNode):
                error(pos, "'**' unpacking in a dict comprehension in nogil code is not supported")
                self.body = Nodes.PassStatNode(pos)
                return self
            stat = Nodes.SingleAssignmentNode(pos, lhs=ExprNodes.IndexNode(
                pos, base=container, index=self.dict_item.key), rhs=self.dict_item.value)
        else:
            if self.expr.is_starred:
                error(pos, "'*' unpacking in a comprehension in nogil code is not supported")
                self.body = Nodes.PassStatNode(pos)
                return self
            method = 'append' if self.target.kind == 'list' else 'add'
            stat = Nodes.ExprStatNode(pos, expr=ExprNodes.SimpleCallNode(
                pos, function=ExprNodes.AttributeNode(pos, obj=container, attribute=method), args=[self.expr]))
        self.body = stat.analyse_expressions(env)
        self.expr = self.dict_item = None
        return self


class NogilComprehensionNode(ExprNodes.ComprehensionNode):
    """A list, set or dict comprehension building a cyn.lib container without the GIL.

    kind        'list' | 'set' | 'dict'
    container   a reference to the container being built (for the append node)
    """

    def coerce_to(self, dst_type, env):
        # Typed by inference (`ys = [x for x in xs]`, lib.list[long]) but assigned to another
        # container of its kind (`cdef lib.list[double] ys = ...`): the loop is analysed later,
        # so the items are simply coerced to that one's element type instead.
        if (dst_type != self.type and lib_container_kind(dst_type) == self.kind
                and self.append.body is None):
            self.type = self.container.type = dst_type
            return self
        return super().coerce_to(dst_type, env)

    def nogil_check(self, env):
        pass

    def may_be_none(self):
        return False

    def generate_operation_code(self, code):
        self.container.result_code = self.result()
        code.putln("%s = cyn::make<%s>();" % (self.result(), self.type.struct_type.empty_declaration_code()))
        self.loop.generate_execution_code(code)
        _release_loop_variables(self.expr_scope, code)


def _comprehension_kind(node):
    t = node.type
    if t is None or isinstance(node, NogilAggregateNode):
        return None
    if t.is_pylist_type:
        return 'list'
    if t.is_pyset_type:
        return 'set'
    if t.is_pydict_type:
        return 'dict'
    return None


def _as_lib_comprehension(node, dst_type, env):
    """The comprehension `node` rebuilt to fill a `dst_type` container, or None (not ours).
    Its loop is analysed later (in its own scope), so only the append changes here."""
    kind = lib_container_kind(dst_type)
    if (kind is None or kind != _comprehension_kind(node) or not runs_without_gil(env, node)
            or not node.has_local_scope or isinstance(node, NogilComprehensionNode)):
        return None
    old = node.append
    new = LibAppendNode(old.pos, expr=getattr(old, 'expr', None), dict_item=getattr(old, 'dict_item', None))
    built = NogilComprehensionNode(node.pos, loop=node.loop, append=new, type=dst_type, kind=kind,
                                   has_local_scope=True, expr_scope=node.expr_scope,
                                   container=UtilNodes.ResultRefNode(pos=node.pos, type=dst_type, may_hold_none=False))
    Visitor.recursively_replace_node(built.loop, old, new)
    new.target = built
    built.expr_scope.nogil = True        # its body runs here: without the GIL (nested literals)
    return built


def _element_type(expr, env):
    """The item type a lib container built without the GIL would hold, or None."""
    t = _item_type(expr, env)
    if t is None or t.is_error or (t.is_pyobject and t is PyrexTypes.py_object_type):
        return None
    return element_type([t], env)


def _inferred_lib_type(node, env):
    """For a comprehension in nogil code: the cyn.lib container its items fill (`[x * 2 for x
    in xs]` over a lib.list[long] is a lib.list[long]), or None when that cannot be told."""
    kind = _comprehension_kind(node)
    if kind is None or not node.has_local_scope or node.expr_scope is None:
        return None
    generic = lib_class(env, kind)
    if generic is None:
        return None
    scope = node.expr_scope
    scope.infer_types()
    if kind == 'dict':
        item = getattr(node.append, 'dict_item', None)
        if not isinstance(item, ExprNodes.DictItemNode):
            return None
        params = [_element_type(item.key, scope), _element_type(item.value, scope)]
    else:
        expr = getattr(node.append, 'expr', None)
        if expr is None or expr.is_starred:
            return None
        params = [_element_type(expr, scope)]
    if None in params:
        return None
    return generic.specialize_here(node.pos, env, params)


# ------------------------------------------------------------------ installation

def add_stage_before(upstream_stage_class, make_stage):
    """Runs `make_stage()`'s transform in every .pyx pipeline right before upstream's stage of
    class `upstream_stage_class` (the pre-declaration rewrites of Python habits)."""
    from Cython.Compiler import Pipeline

    upstream_create_pipeline = Pipeline.create_pipeline

    def create_pipeline(context, mode, exclude_classes=()):
        stages = upstream_create_pipeline(context, mode, exclude_classes)
        for i, stage in enumerate(stages):
            if isinstance(stage, upstream_stage_class):
                stages.insert(i, make_stage())
                break
        return stages

    Pipeline.create_pipeline = create_pipeline


def install():
    from Cython.Compiler import ParseTreeTransforms

    add_stage_before(ParseTreeTransforms.MarkClosureVisitor, NogilGeneratorAggregates)

    from Cython.Compiler import Optimize
    upstream_fold_for = Optimize.ConstantFolding.visit_ForInStatNode

    def fold_for(self, node):
        if getattr(node.iterator.sequence, 'cyn_keep_list', False):
            self.visitchildren(node)
            return node
        return upstream_fold_for(self, node)

    Optimize.ConstantFolding.visit_ForInStatNode = fold_for

    upstream_coerce_to = ExprNodes.ComprehensionNode.coerce_to

    def coerce_to(self, dst_type, env):
        built = _as_lib_comprehension(self, dst_type, env)
        return built if built is not None else upstream_coerce_to(self, dst_type, env)

    ExprNodes.ComprehensionNode.coerce_to = coerce_to

    # Without a declared target (`ys = [x * 2 for x in xs]`, `len([...])`, `for y in [...]`)
    # a comprehension in nogil code is the lib container its items fill; code holding the GIL
    # keeps upstream's Python list, set or dict.
    upstream_infer_type = ExprNodes.ComprehensionNode.infer_type
    upstream_type_dependencies = ExprNodes.ComprehensionNode.type_dependencies
    upstream_analyse_types = ExprNodes.ComprehensionNode.analyse_types

    def infer_type(self, env):
        if runs_without_gil(env, self) and not isinstance(self, (NogilAggregateNode, NogilComprehensionNode)):
            inferred = _inferred_lib_type(self, env)
            if inferred is not None:
                return inferred
        return upstream_infer_type(self, env)

    def type_dependencies(self, env):
        deps = upstream_type_dependencies(self, env)
        if runs_without_gil(env, self):
            sequence = getattr(getattr(self.loop, 'iterator', None), 'sequence', None)
            if sequence is not None:
                deps = tuple(deps) + tuple(sequence.type_dependencies(env))
        return deps

    def analyse_types(self, env):
        node = upstream_analyse_types(self, env)
        if (node is self and runs_without_gil(env, self)
                and not isinstance(self, (NogilAggregateNode, NogilComprehensionNode))):
            inferred = _inferred_lib_type(self, env)
            if inferred is not None:
                return _as_lib_comprehension(self, inferred, env) or node
        return node

    ExprNodes.ComprehensionNode.infer_type = infer_type
    from .literals import _explained_nogil_check
    ExprNodes.ComprehensionNode.nogil_check = _explained_nogil_check(ExprNodes.ComprehensionNode.nogil_check)
    ExprNodes.ComprehensionNode.type_dependencies = type_dependencies
    ExprNodes.ComprehensionNode.analyse_types = analyse_types
