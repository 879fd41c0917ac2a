"""Stage: catching exceptions in nogil code — `try: ... except KeyError: ...` without the GIL.

Nogil code raises Python exceptions (IndexError, KeyError… from the containers, the user's own
`raise`), and Python users catch them where they happen:

    cdef long count_of(lib.dict[lib.string, long] d, lib.string word) except? -1 nogil:
        try:
            return d[word]
        except KeyError:
            return 0

Upstream refuses try/except without the GIL ("Try-except statement not allowed without gil"):
its handlers fetch the exception into Python variables and save and restore `sys.exc_info()`.
Here, in modules that use nogil classes, a try/except whose clauses name built-in exception
classes (`except KeyError:`, `except (IndexError, ValueError):`, a bare `except:`) is compiled
the nogil way: the body runs as usual; only when it raises does the error path take the GIL, to
test the exception against each clause's classes (`cyn::cy::catch_exception`, cython.hpp), and a
clause that matches clears it and runs its handler, without the GIL. An exception no clause
matches keeps propagating. The GIL is taken on the error path only, as SPEC §1 asks of raising.

Not available without the GIL, each an error naming the clause: `except E as e` (e would be a
Python object) and classes other than the built-in ones (looking them up needs the GIL).
A handler cannot re-raise with a bare `raise` (the exception is gone once caught; raise a new
one). `sys.exc_info()` is not set inside the handler.
"""
import builtins

from Cython.Compiler import ExprNodes, Nodes
from Cython.Compiler.Errors import error

from .types import is_nogil_ref

CATCH_FUNCTION = "cyn::cy::catch_exception"

# Built-in exception classes a nogil handler may name, each a `PyExc_<Name>` of the C API.
BUILTIN_EXCEPTIONS = frozenset(
    name for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
    and not name.startswith('_') and 'ExceptionGroup' not in name)


def _pattern_names(pattern):
    """The class names a clause's pattern spells (`KeyError`, `(KeyError, IndexError)`), or
    None when it is something else (an attribute, a call, a variable holding a tuple)."""
    while isinstance(pattern, (ExprNodes.CoerceToPyTypeNode, ExprNodes.CoerceToTempNode)):
        pattern = pattern.arg
    if isinstance(pattern, ExprNodes.NameNode):
        return [pattern]
    if isinstance(pattern, ExprNodes.TupleNode):
        names = [_pattern_names(item) for item in pattern.args]
        if any(n is None for n in names):
            return None
        return [n for group in names for n in group]
    return None


def _catch_plan(node, env):
    """For each except clause, the C names of the classes it catches ([] for a bare `except:`);
    None (errors reported) when some clause cannot be compiled without the GIL."""
    plan = []
    ok = True
    for clause in node.except_clauses:
        if clause.target is not None:
            error(clause.pos, "'except ... as %s' needs the GIL (%s would be a Python object); "
                              "in nogil code write 'except %s:'"
                  % (_target_text(clause), _target_text(clause), _classes_text(clause)))
            ok = False
            continue
        cnames = []
        for pattern in clause.pattern or ():
            names = _pattern_names(pattern)
            if names is None:
                error(pattern.pos, "nogil code can catch built-in exception classes named in the "
                                   "clause only (KeyError, (IndexError, ValueError), ...)")
                ok = False
                break
            for name_node in names:
                entry = env.lookup(name_node.name)
                builtin = entry is not None and (entry.is_builtin or entry.scope.is_builtin_scope)
                if name_node.name not in BUILTIN_EXCEPTIONS or not builtin:
                    error(name_node.pos, "nogil code can catch built-in exceptions only: "
                                         "'%s' needs the GIL to look up (catch it where the GIL is "
                                         "held)" % name_node.name)
                    ok = False
                    continue
                cnames.append("PyExc_" + name_node.name)
        plan.append(cnames)
    return plan if ok else None


def _target_text(clause):
    return getattr(clause.target, 'name', 'e')


def _classes_text(clause):
    names = []
    for pattern in clause.pattern or ():
        for n in _pattern_names(pattern) or ():
            names.append(n.name)
    if not names:
        return "Exception"
    return names[0] if len(names) == 1 else "(%s)" % ", ".join(names)


def _without_target_deletion(body, name):
    """The handler's body without the `try: ... finally: del e` upstream wraps it in for
    `except E as e` (PostParse), once the target is refused."""
    stats = getattr(body, 'stats', None)
    if stats and len(stats) == 1 and isinstance(stats[0], Nodes.TryFinallyStatNode):
        cleanup = getattr(stats[0].finally_clause, 'stats', None) or []
        if len(cleanup) == 1 and isinstance(cleanup[0], Nodes.DelStatNode) \
                and [getattr(a, 'name', None) for a in cleanup[0].args] == [name]:
            return stats[0].body
    return body


def _module_uses_runtime(env):
    from .special_methods import _module_uses_nogil
    return _module_uses_nogil(env)


def generate_nogil_try_except(node, code):
    """The body; on its error path, each clause's test (the GIL taken inside the test only)
    and handler; an exception no clause catches goes on to the enclosing error label."""
    code.mark_pos(node.pos)
    code.putln("{")
    outer_error_label = code.new_error_label()
    body_error_label = code.error_label
    end_label = code.new_label('try_end')
    code.funcstate.start_collecting_temps()
    code.putln("/*try:*/ {")
    node.body.generate_execution_code(code)
    code.putln("}")
    body_temps = code.funcstate.stop_collecting_temps()
    managed_temps = code.funcstate.all_free_managed_temps()
    # References the body's expressions held when it raised: released before a handler runs,
    # as Python drops an interrupted expression's values (else `P(5)` in `f(P(5), xs[9])`
    # would live on, its __dealloc__ not run, until the temporary is reused or the function ends)
    held_references = sorted(name for name, type in body_temps if is_nogil_ref(type))
    code.error_label = outer_error_label       # (an error in `else:` or a handler propagates)
    if node.else_clause:
        code.putln("/*else:*/ {")
        node.else_clause.generate_execution_code(code)
        code.putln("}")
    if code.label_used(body_error_label):
        code.put_goto(end_label)
        code.put_label(body_error_label)
        for name, type in managed_temps:
            code.put_xdecref_clear(name, type)
        for name in held_references:
            code.putln("%s.reset();" % name)
        for clause, cnames in zip(node.except_clauses, node.cyn_catch_plan):
            code.mark_pos(clause.pos)
            code.putln("if (%s(%s)) {" % (CATCH_FUNCTION, ", ".join(cnames)))
            clause.body.generate_execution_code(code)
            if not clause.body.is_terminator:
                code.put_goto(end_label)
            code.putln("}")
        code.put_goto(outer_error_label)
    code.put_label(end_label)
    code.putln("}")


def install():
    upstream_nogil_check = Nodes.TryExceptStatNode.nogil_check
    upstream_generate = Nodes.TryExceptStatNode.generate_execution_code

    def nogil_check(self, env):
        if not _module_uses_runtime(env):
            return upstream_nogil_check(self, env)
        plan = _catch_plan(self, env)
        if plan is not None:
            self.cyn_catch_plan = plan
        for clause in self.except_clauses:
            # the classes are tested by name in C (PyExc_*), not evaluated as Python objects;
            # (after an error too: what was refused is not reported again as GIL use)
            if clause.target is not None:
                clause.body = _without_target_deletion(clause.body, getattr(clause.target, 'name', None))
            clause.pattern = None
            clause.target = None
            clause.exc_value = None

    def generate_execution_code(self, code):
        if getattr(self, 'cyn_catch_plan', None) is not None:
            return generate_nogil_try_except(self, code)
        return upstream_generate(self, code)

    Nodes.TryExceptStatNode.nogil_check = nogil_check
    Nodes.TryExceptStatNode.generate_execution_code = generate_execution_code

    # `except E as e` in a function declared nogil: refused here, before `e` is declared as a
    # Python local (which upstream would report again, with the `del e` that ends the handler)
    upstream_clause_declarations = Nodes.ExceptClauseNode.analyse_declarations

    def clause_analyse_declarations(self, env):
        if self.target is not None and getattr(env, 'nogil', False) and _module_uses_runtime(env):
            error(self.pos, "'except ... as %s' needs the GIL (%s would be a Python object); "
                            "in nogil code write 'except %s:'"
                  % (_target_text(self), _target_text(self), _classes_text(self)))
            self.body = _without_target_deletion(self.body, self.target.name)
            self.target = None
            self.is_except_as = False
        return upstream_clause_declarations(self, env)

    Nodes.ExceptClauseNode.analyse_declarations = clause_analyse_declarations

    upstream_reraise_check = Nodes.ReraiseStatNode.nogil_check

    def reraise_nogil_check(self, env):
        if not _module_uses_runtime(env):
            return upstream_reraise_check(self, env)
        error(self.pos, "a bare 'raise' cannot re-raise in nogil code: a caught exception is gone "
                        "(raise a new one, e.g. 'raise KeyError(key)')")

    Nodes.ReraiseStatNode.nogil_check = reraise_nogil_check
