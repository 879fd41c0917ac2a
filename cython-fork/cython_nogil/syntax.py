"""Stage: syntax — teaches the parser `cdef class NAME[(BASE)] nogil:`.

Upstream parses `cdef class` in `Parsing.p_c_class_definition`.  We replace that module
global with a function that looks ahead over the class header; if the header ends with
`nogil` it parses a nogil class, otherwise it puts the tokens back and calls upstream, so
every other class parses exactly as before.

Two forms are recognised:

* a defined class (in a .pyx, or declared in a .pxd)::

      cdef class Point(Base) nogil:
          cdef double x             # fields: `cdef [public|readonly] type name`
          def __init__(self, double x=0): ...   # constructor / destructor, compiled nogil
          cdef double norm(self): ...           # methods take `self`, are nogil and virtual
          cpdef double norm2(self): ...         # also exposed on the Python wrapper
          def describe(self): ...               # Python-only method of the wrapper

  The body is lowered to C declarations of a C++ class body: `self` is removed from each
  C method's argument list (it is `this` inside the struct) and remembered so the analysis
  stage can report a method written without it.

* an extern class inside `cdef extern from "h" namespace "ns" nogil:` whose members are
  written like `cdef cppclass` members (no `self`), with optional template parameters::

      cdef class Channel[T] nogil:
          void send(T x) except +
"""
from Cython.Compiler import Nodes, ExprNodes
from Cython.Compiler.Errors import error

# Special methods that a later issue will compile as nogil operators; until then a clear
# error instead of silently making them Python-only.
NOGIL_SPECIAL_METHODS = frozenset("""
    __eq__ __ne__ __lt__ __le__ __gt__ __ge__ __hash__ __len__ __getitem__ __setitem__
    __delitem__ __contains__ __add__ __sub__ __mul__ __truediv__ __floordiv__ __mod__
    __iadd__ __isub__ __imul__ __bool__ __iter__ __next__ __call__
""".split())


class ClassHeader:
    """What the look-ahead found in `class NAME[T, ...](BASE) nogil`."""

    def __init__(self, name, templates, bases):
        self.name = name
        self.templates = templates        # [(name, required)] or None
        self.bases = bases                # [(pos, [dotted, name])]
        self.cname = None                 # "c::name" given after the name (extern only)
        self.instantiated_bases = []      # [(pos, "Pair[long]")]: refused, not kept as bases


def scan_nogil_header(s, P):
    """At `s.sy == 'class'`: parse `class NAME [T...] [(BASES)] nogil` and return a
    ClassHeader positioned on the token after `nogil`; if the header is anything else,
    restore the scanner exactly and return None."""
    saved = s.put_back_on_failure
    s.put_back_on_failure = []
    start = (s.sy, s.systring, s.position())
    header = None
    try:
        s.next()
        if s.sy != 'IDENT':
            return None
        name = s.context.intern_ustring(s.systring)
        s.next()
        cname = P.p_opt_cname(s) if s.sy == 'BEGIN_STRING' else None
        templates = None
        if s.sy == '[':
            s.next()
            templates = []
            while s.sy == 'IDENT':
                templates.append((s.context.intern_ustring(s.systring), True))
                s.next()
                if s.sy != ',':
                    break
                s.next()
            if s.sy != ']':
                return None
            s.next()
        bases, instantiated = [], []
        if s.sy == '(':
            s.next()
            while s.sy == 'IDENT':
                pos = s.position()
                dotted = [s.context.intern_ustring(s.systring)]
                s.next()
                while s.sy == '.':
                    s.next()
                    if s.sy != 'IDENT':
                        return None
                    dotted.append(s.context.intern_ustring(s.systring))
                    s.next()
                if s.sy == '[':
                    instantiated.append((pos, "%s[%s]" % (".".join(dotted), _skip_brackets(s))))
                else:
                    bases.append((pos, dotted))
                if s.sy != ',':
                    break
                s.next()
            if s.sy != ')':
                return None
            s.next()
        if s.sy == 'IDENT' and s.systring == 'nogil':
            header = ClassHeader(name, templates, bases)
            header.cname = cname
            header.instantiated_bases = instantiated
            s.next()
        return header
    finally:
        consumed = s.put_back_on_failure
        s.put_back_on_failure = saved
        if header is None:
            # put every consumed token back, newest first, then the 'class' token itself
            for state in reversed(consumed[:-1]):
                s.put_back(*state)
            s.put_back(*start)
        elif saved is not None:
            saved.extend(consumed)


def find_func_declarator(d):
    while d is not None and not isinstance(d, Nodes.CFuncDeclaratorNode):
        d = getattr(d, 'base', None)
    return d


def declarator_name(d):
    while d is not None and not isinstance(d, Nodes.CNameDeclaratorNode):
        d = getattr(d, 'base', None)
    return d.name if d is not None else None


def _is_self_arg(arg):
    """`self` parses as an argument whose *type name* is self and whose name is empty
    (or, when typed, as a named argument 'self')."""
    tname = getattr(arg.base_type, 'name', None)
    dname = getattr(arg.declarator, 'name', None)
    return (tname == 'self' and not dname) or dname == 'self'


def strip_self(func_node):
    """Remove `self` from a method's C signature; return False if it had none."""
    decl = find_func_declarator(func_node.declarator)
    if decl is None or not decl.args or not _is_self_arg(decl.args[0]):
        return False
    del decl.args[0]
    return True


def _is_staticmethod(decorators):
    return len(decorators) == 1 and isinstance(decorators[0].decorator, ExprNodes.NameNode) \
        and decorators[0].decorator.name == 'staticmethod'


def _skip_brackets(s):
    """At `[`: consumes up to the matching `]` and returns the text between, for messages."""
    depth, text = 0, []
    while s.sy not in ('EOF', 'NEWLINE'):
        if s.sy == '[':
            depth += 1
        elif s.sy == ']':
            depth -= 1
        if depth == 0:
            s.next()
            break
        if text or s.sy != '[':
            text.append(s.systring)
        s.next()
    return "".join(t + (" " if t == "," else "") for t in text)


def _refuse_instantiated_bases(header):
    for pos, spelled in header.instantiated_bases:
        error(pos, "nogil class '%s' cannot derive from '%s': a class may derive from a "
              "non-generic nogil class only (hold a %s in a field instead)"
              % (header.name, spelled, spelled))


def install(P, NogilClassNode):
    """Replace Parsing.p_c_class_definition; return the original (for uninstall/tests)."""
    upstream = P.p_c_class_definition

    def p_c_class_definition(s, pos, ctx):
        if ctx.api or ctx.typedef_flag or ctx.level not in ('module', 'module_pxd', 'other'):
            return upstream(s, pos, ctx)
        header = scan_nogil_header(s, P)
        if header is None:
            return upstream(s, pos, ctx)
        _refuse_instantiated_bases(header)
        if ctx.visibility == 'extern':
            return _parse_extern_class(s, pos, ctx, header, P, NogilClassNode)
        if ctx.visibility not in ('private',):
            error(pos, "nogil classes cannot be declared '%s'" % ctx.visibility)
        return _parse_defined_class(s, pos, ctx, header, P, NogilClassNode)

    P.p_c_class_definition = p_c_class_definition
    return upstream


def _parse_extern_class(s, pos, ctx, header, P, NogilClassNode):
    cname = header.cname
    if cname is None and ctx.namespace is not None:
        cname = ctx.namespace + "::" + header.name
    attributes = None
    if s.sy == ':':
        s.next()
        s.expect('NEWLINE')
        s.expect_indent()
        P.p_doc_string(s)
        attributes = []
        body_ctx = P.Ctx(visibility='extern', level='cpp_class', nogil=True)
        body_ctx.templates = [n for n, _ in header.templates] if header.templates else None
        while s.sy != 'DEDENT':
            if s.sy == 'pass':
                s.next()
                s.expect_newline("Expected a newline")
                continue
            if s.sy == 'cdef':       # tolerated, as in a cppclass body
                s.next()
            attributes.append(P.p_cpp_class_attribute(s, body_ctx))
        s.expect_dedent()
    else:
        s.expect_newline("Syntax error in nogil class declaration")
    return NogilClassNode(
        pos, name=header.name, cname=cname or header.name, base_names=header.bases,
        visibility='extern', in_pxd=ctx.level == 'module_pxd', attributes=attributes,
        templates=header.templates, py_methods=[], field_visibility={}, cpdef_names=set(),
        methods_without_self=[], is_extern=True, base_classes=[])


def _parse_defined_class(s, pos, ctx, header, P, NogilClassNode):
    in_pxd = ctx.level == 'module_pxd'
    if header.templates:
        error(pos, "generic nogil classes (cdef class %s[...] nogil) are not supported yet"
              % header.name)
    attributes, py_methods = [], []
    field_visibility, cpdef_names, without_self = {}, set(), []
    has_body = s.sy == ':'
    doc = None
    if has_body and s.peek()[0] == 'pass':
        # `cdef class Empty nogil: pass` on one line
        s.next()
        s.next()
        s.expect_newline("Expected a newline after 'pass'")
        return _defined_class_node(pos, header, in_pxd, doc, [], [], {}, set(), [], NogilClassNode)
    if has_body:
        s.next()
        s.expect('NEWLINE')
        s.expect_indent()
        doc = P.p_doc_string(s)          # the Python wrapper's __doc__
        body_ctx = P.Ctx(visibility='private', level=_PxdClassLevel() if in_pxd else 'cpp_class',
                         nogil=True)
        while s.sy != 'DEDENT':
            if s.sy == 'pass':
                s.next()
                s.expect_newline("Expected a newline")
                continue
            apos = s.position()
            is_static = False
            if s.sy == '@':
                decorators = P.p_decorators(s)
                is_static = _is_staticmethod(decorators) and s.sy == 'cdef'
                if not is_static:
                    error(apos, "nogil classes take no decorators but @staticmethod on a "
                                "'cdef' method")
                apos = s.position()
            if s.sy == 'def':
                name = s.peek()[1] if s.peek()[0] == 'IDENT' else None
                if name in ('__init__', '__dealloc__'):
                    s.next()         # 'def': compile as the C++ constructor / destructor
                    node = P.p_c_func_or_var_declaration(s, apos, body_ctx)
                    # a definition (with a body) or, in a .pxd, a declaration
                    declarator = node.declarator if isinstance(node, Nodes.CFuncDefNode) \
                        else (node.declarators[0] if node.declarators else None)
                    fd = find_func_declarator(declarator)
                    if fd is not None and name == '__init__' and not fd.has_explicit_exc_clause:
                        fd.exception_check = True     # __init__ may raise (except *)
                        fd.exception_value = None
                    elif fd is not None and name == '__dealloc__':
                        fd.exception_check = False    # a destructor cannot propagate
                        fd.exception_value = None
                elif name in NOGIL_SPECIAL_METHODS:
                    from .special_methods import parse_special_method
                    node = parse_special_method(s, apos, body_ctx, name, P)
                elif name == '__cinit__':
                    # as a Python-only method it would run on the wrapper only (never in nogil
                    # code) and break construction from Python: refused where it is written
                    error(s.position(), "nogil class '%s' cannot define __cinit__: its fields "
                          "start zeroed (references None); initialise them in __init__"
                          % header.name)
                    P.p_statement(s, P.Ctx(level='c_class'))
                    continue
                else:
                    py_methods.append(P.p_statement(s, P.Ctx(level='c_class')))
                    continue
            elif s.sy in ('cdef', 'cpdef'):
                is_cpdef = s.sy == 'cpdef'
                s.next()
                visibility = None
                if s.sy == 'IDENT' and s.systring in ('public', 'readonly'):
                    visibility = s.systring
                    s.next()
                node = P.p_c_func_or_var_declaration(s, apos, body_ctx)
                is_field = isinstance(node, Nodes.CVarDefNode) and not any(
                    find_func_declarator(d) is not None for d in node.declarators)
                if is_field:
                    if is_cpdef:
                        error(apos, "'cpdef' is only for methods")
                    if visibility:
                        for d in node.declarators:
                            field_visibility[declarator_name(d)] = visibility
                else:
                    if visibility:
                        error(apos, "'%s' is only for fields" % visibility)
                    if is_cpdef:
                        for d in ([node.declarator] if isinstance(node, Nodes.CFuncDefNode)
                                  else node.declarators):
                            cpdef_names.add(declarator_name(d))
            elif s.sy == 'IDENT' and s.systring == 'ctypedef':
                node = P.p_ctypedef_statement(s, body_ctx)
            else:
                s.error("expected 'cdef', 'cpdef' or 'def' in the body of nogil class '%s'"
                        % header.name)
            if isinstance(node, Nodes.CFuncDefNode) or (
                    isinstance(node, Nodes.CVarDefNode) and node.declarators
                    and find_func_declarator(node.declarators[0]) is not None):
                fnode = node if isinstance(node, Nodes.CFuncDefNode) else None
                decls = [node.declarator] if fnode else node.declarators
                for d in decls:
                    holder = _DeclHolder(d)
                    if is_static:
                        node.cyn_static_method = True       # no self: declarations.py
                    elif not strip_self(holder):
                        without_self.append((node.pos, declarator_name(d)))
                    fd = find_func_declarator(d)
                    if fd is not None and not fd.with_gil:
                        fd.nogil = True      # methods are nogil implicitly
            attributes.append(node)
        s.expect_dedent()
    else:
        s.expect_newline("Syntax error in nogil class declaration")
    return _defined_class_node(pos, header, in_pxd, doc, attributes if has_body else None,
                               py_methods, field_visibility, cpdef_names, without_self,
                               NogilClassNode)


def _defined_class_node(pos, header, in_pxd, doc, attributes, py_methods, field_visibility,
                        cpdef_names, without_self, NogilClassNode):
    return NogilClassNode(
        pos, name=header.name, cname=None, base_names=header.bases, visibility='private',
        in_pxd=in_pxd, doc=doc, attributes=attributes, templates=None,
        py_methods=py_methods, field_visibility=field_visibility, cpdef_names=cpdef_names,
        methods_without_self=without_self, is_extern=False, base_classes=[])


class _PxdClassLevel(str):
    """The parser level of a nogil class body in a .pxd: a C++ class body (`== 'cpp_class'`)
    in which argument defaults are written as in any .pxd (`double k=*`), because upstream
    tests `'pxd' in ctx.level` for that."""

    def __new__(cls):
        return str.__new__(cls, 'cpp_class')

    def __contains__(self, part):
        return part == 'pxd' or str.__contains__(self, part)


class _DeclHolder:
    def __init__(self, declarator):
        self.declarator = declarator
