"""Stage: declarations — declares a nogil class in Cython's symbol tables.

A nogil class becomes two entries in the enclosing (module) scope:

* a hidden C++ struct entry (key `nogil struct NAME`, never spelled by users), declared with
  Cython's cppclass machinery so fields and methods live in a `CppClassScope`, and
* the user-visible type entry `NAME`, bound to `types.NogilRefType`.

The struct's first base is `cyn::Object` (declared once per module as an extern class) or
the struct of the nogil base class.  Inside the class scope `self` is an alias of `this`
typed as the reference type, so `self.x` reads `this->x` and `self` can be passed on as a
reference.  The checks that need the declared scope (Python-object fields, bases that are
not nogil classes, methods without `self`, incompatible overrides, C++ mode) run here, so
their errors name the line and column of the offending declaration.
"""
from Cython.Compiler import Nodes, PyrexTypes, Symtab
from Cython.Compiler.Errors import error
from Cython.Compiler.StringEncoding import EncodedString

from .types import NogilRefType, OBJECT_CNAME, is_nogil_ref

STRUCT_KEY = "nogil struct %s"          # scope key of the hidden struct entry
OBJECT_KEY = "nogil struct <cyn::Object>"


def object_struct_type(env):
    """The extern CppClassType for cyn::Object, declared once in the module scope."""
    mod = env.global_scope()
    entry = mod.lookup_here(OBJECT_KEY)
    if entry is None:
        scope = Symtab.CppClassScope("Object", mod)
        old = mod.in_cinclude
        mod.in_cinclude = 1
        try:
            entry = mod.declare_cpp_class(OBJECT_KEY, scope, None, cname=OBJECT_CNAME,
                                          visibility='extern')
        finally:
            mod.in_cinclude = old
        scope.type = entry.type
        entry.type.name = "object"
    return entry.type


def module_namespace(qualified_name):
    """The C++ namespace of the nogil classes a module defines (`__pyx_nogil_6shapes`)."""
    return "__pyx_nogil_%d%s" % (len(qualified_name), qualified_name.replace(".", "_"))


def use_runtime_header(env):
    env.global_scope().add_include_file("cyn/cython.hpp")


class NogilClassScope(Symtab.CppClassScope):
    """The members of a nogil class defined in Cython. A member named like a C or C++ keyword
    (`default`, `delete`, `requires`, `new`) gets a C++ name of its own (`__pyx_default`), as
    upstream names such fields of a cdef class; the Cython name stays what the user wrote.
    Extern classes keep their names: those are the C++ class's own."""

    def declare_var(self, name, type, pos, cname=None, *args, **kwargs):
        return super().declare_var(name, type, pos, cname or _safe_member_cname(name), *args, **kwargs)

    def declare_cfunction(self, name, type, pos, cname=None, *args, **kwargs):
        return super().declare_cfunction(name, type, pos, cname or _safe_member_cname(name),
                                         *args, **kwargs)


def _safe_member_cname(name):
    from Cython.Compiler import Naming
    return Naming.pyrex_prefix + name if name in Naming.reserved_cnames else None


class NogilClassNode(Nodes.CppClassNode):
    """`cdef class NAME(BASE) nogil:` (defined, or extern when `is_extern`).

    name                 user-visible name
    cname                C++ name of the struct (namespace-qualified for extern classes)
    base_names           [(pos, [dotted name])]
    attributes           field / method declarations (None: forward declaration)
    py_methods           [DefNode]   Python-only `def` methods, for the wrapper
    field_visibility     {name: 'public'|'readonly'}
    cpdef_names          {name}      methods also exposed on the wrapper
    methods_without_self [(pos, name)]
    """
    wrapper_node = None
    declarations_analysed = False
    entry = None            # the struct entry; stays None when the declaration was rejected

    @property
    def child_attrs(self):
        # Until the declarations are analysed the methods are in `attributes`; the transforms
        # that run before (PostParse: assert messages, `cdef x = v` splitting; `with`
        # statements; directives ...) must see their bodies too.  Afterwards the declared
        # ones are in `body` (None when the class was rejected: nothing more to visit).
        if not self.declarations_analysed:
            return ['attributes']
        return ['body', 'wrapper_node']

    body = None
    ref_type = None
    scope = None

    # --------------------------------------------------------------- declare
    def declare(self, env):
        self._declare_struct_and_ref(env, scope=None)

    def _declare_struct_and_ref(self, env, scope, base_types=()):
        key = EncodedString(STRUCT_KEY % self.name)
        template_types = None
        if self.templates:
            template_types = [PyrexTypes.TemplatePlaceholderType(n, not req)
                              for n, req in self.templates]
        cname = self.cname or self.name
        old = env.in_cinclude
        if self.is_extern:
            env.in_cinclude = 1
        try:
            entry = env.declare_cpp_class(key, scope, self.pos, cname, base_classes=base_types,
                                          visibility='extern' if self.is_extern else 'private',
                                          templates=template_types)
        finally:
            env.in_cinclude = old
        if entry is None:
            return None
        st = entry.type
        st.name = self.name
        st.is_nogil_struct = True
        if not self.is_extern:
            # A defined class lives in a C++ namespace of its module (brought into the global
            # one by a using-declaration, so the code says `Point`): a module using it from
            # another one links against the defining module's shared object, and two modules
            # may each define a `Point`.
            st.cyn_namespace = module_namespace(env.global_scope().qualified_name)
        st.nogil_defined_here = not self.is_extern and not self.in_pxd
        ref_entry = env.lookup_here(self.name)
        if ref_entry is None:
            ref = NogilRefType(st, self.name)
            ref.is_extern = self.is_extern
            st.nogil_ref_type = ref
            ref_entry = env.declare_type(self.name, ref, self.pos, cname=cname,
                                         visibility='extern' if self.is_extern else 'private',
                                         defining=scope is not None)
        elif not is_nogil_ref(ref_entry.type):
            error(self.pos, "'%s' redeclared" % self.name)
            return None
        self.ref_type = ref_entry.type
        st.nogil_ref_type = ref_entry.type
        self.entry = entry
        return entry

    # --------------------------------------------------------------- analyse
    def analyse_declarations(self, env):
        self.declarations_analysed = True
        use_runtime_header(env)
        if not env.is_cpp():
            error(self.pos, "nogil class '%s' needs C++: compile with --cplus or "
                            "'# distutils: language = c++'" % self.name)
        base_types = self._analyse_bases(env)
        scope = None
        declared = env.lookup_here(EncodedString(STRUCT_KEY % self.name))
        if (declared is not None and declared.type.scope is not None and not self.in_pxd
                and not getattr(declared, 'defined_in_pxd', False)):
            error(self.pos, "nogil class '%s' is already defined" % self.name)
            self.entry = None
            self.body = Nodes.StatListNode(self.pos, stats=[])
            return
        if (declared is not None and not self.in_pxd and not self.is_extern
                and getattr(declared, 'defined_in_pxd', False) and declared.type.scope is not None):
            # declared in this module's .pxd, defined here: complete the declared scope
            return self._define_declared(env, declared)
        if self.attributes is not None:
            tnames = [n for n, _ in self.templates] if self.templates else None
            scope_class = Symtab.CppClassScope if self.is_extern else NogilClassScope
            scope = scope_class(self.name, env, templates=tnames)
            for tname in tnames or ():
                # upstream declares template parameters without a position; a member
                # redeclaring one would crash while pointing at "the previous declaration"
                scope.entries[tname].pos = self.pos
            scope.nogil_class_node = self
        entry = self._declare_struct_and_ref(env, scope, base_types)
        if entry is None:
            return
        entry.is_cpp_class = 1
        st = entry.type
        if not st.base_classes and base_types:
            st.base_classes = base_types
        if scope is None:
            self.body = Nodes.StatListNode(self.pos, stats=[])
            return
        scope.type = st
        self.scope = scope
        if self.in_pxd and not env.in_cinclude:
            entry.defined_in_pxd = 1
        if not self.is_extern:
            e = scope.declare('self', 'this', self.ref_type, self.pos, 'private')
            e.is_variable = 1
            e.is_nogil_self = True
        defined = []
        attributes = list(self.attributes)
        if self.in_pxd and not self.is_extern:
            attributes += constructors_from_implementation(self)
        for attr in attributes:
            declare = getattr(attr, 'declare', None)
            if declare:
                attr.declare(scope)
            _analyse_member(attr, scope)
            if isinstance(attr, Nodes.CFuncDefNode):
                defined.append(attr)
                if self.templates:
                    attr.template_declaration = "template <typename %s>" % ", typename ".join(
                        n for n, _ in self.templates)
        self.body = Nodes.StatListNode(self.pos, stats=defined)
        if not self.is_extern:
            _mark_declared_methods(attributes, scope)
        if not self.is_extern and not self.in_pxd:
            self._check_members(env, scope)
            self._check_defined([self])
            from . import wrapper
            self.wrapper_node = wrapper.build_wrapper(self, env)
        elif not self.is_extern and not self.templates:
            from . import wrapper
            wrapper.declare_pxd_wrapper(self, env)

    def _define_declared(self, env, declared):
        st = declared.type
        scope = st.scope
        self.entry = declared
        self.ref_type = st.nogil_ref_type
        self.scope = scope
        pxd_node = getattr(scope, 'nogil_class_node', None)
        if pxd_node is not None:
            # public/readonly fields and cpdef methods are declared in the .pxd
            merged = dict(pxd_node.field_visibility)
            merged.update(self.field_visibility)
            self.field_visibility = merged
            self.cpdef_names = set(self.cpdef_names) | set(pxd_node.cpdef_names)
        scope.nogil_class_node = self
        st.nogil_defined_here = True
        declared_methods = {e.name for e in scope.entries.values()
                            if e.type.is_cfunction and not e.name.startswith('<')}
        defined = []
        for attr in self.attributes or ():
            if isinstance(attr, Nodes.CFuncDefNode):
                from .syntax import declarator_name
                name = declarator_name(attr.declarator)
                if not (name.startswith('__') and name.endswith('__')) \
                        and name not in declared_methods:
                    # another module compiles against the .pxd: a method it does not list
                    # would give the two modules different virtual tables
                    error(attr.pos, "method '%s' of nogil class '%s' is not declared in its "
                                    ".pxd file" % (name, self.name))
            if isinstance(attr, Nodes.CVarDefNode) and not any(
                    isinstance(d, Nodes.CFuncDeclaratorNode) for d in attr.declarators):
                error(attr.pos, "fields of nogil class '%s' are declared in its .pxd file"
                      % self.name)
                continue
            declared_types = self._declared_signatures(scope, attr)
            declare = getattr(attr, 'declare', None)
            if declare:
                attr.declare(scope)
            _analyse_member(attr, scope)
            if declared_types and attr.entry is not None and not any(
                    _same_signature(attr.entry.type, t) for t in declared_types):
                # (C++ would take it for an overload, and the .pxd's method would stay undefined)
                from .syntax import declarator_name
                error(attr.pos, "method '%s' of nogil class '%s' does not match its declaration "
                                "in the .pxd file (%s)" % (declarator_name(attr.declarator), self.name,
                                                           declared_types[0].declaration_code("")))
            if isinstance(attr, Nodes.CFuncDefNode):
                defined.append(attr)
                if st.templates:
                    attr.template_declaration = "template <typename %s>" % ", typename ".join(
                        t.empty_declaration_code() for t in st.templates)
        self.body = Nodes.StatListNode(self.pos, stats=defined)
        _merge_declared_constructors(scope)
        self._check_members(env, scope)
        self._check_defined([self] + ([pxd_node] if pxd_node is not None else []))
        from . import wrapper
        self.wrapper_node = wrapper.build_wrapper(self, env)

    @staticmethod
    def _declared_signatures(scope, attr):
        """The .pxd's types of the method `attr` defines ([] when it is not one declared there)."""
        if not isinstance(attr, Nodes.CFuncDefNode):
            return []
        from .syntax import declarator_name
        name = declarator_name(attr.declarator)
        if name in ('__init__', '__dealloc__'):
            return []
        entry = scope.lookup_here(name)
        if entry is None or not entry.type.is_cfunction:
            return []
        return [alt.type for alt in entry.all_alternatives()]

    def _analyse_bases(self, env):
        if not self.base_names:
            return [object_struct_type(env)]
        if len(self.base_names) > 1:
            error(self.base_names[1][0], "nogil class '%s' may have only one base class"
                  % self.name)
        pos, dotted = self.base_names[0]
        entry = env.lookup(dotted[0])
        for part in dotted[1:]:
            if entry is None or not entry.as_module:
                entry = None
                break
            entry = entry.as_module.lookup_here(part)
        bname = ".".join(dotted)
        if entry is None or not entry.is_type:
            error(pos, "unknown base class '%s' of nogil class '%s'" % (bname, self.name))
            return [object_struct_type(env)]
        if not is_nogil_ref(entry.type):
            if entry.type.is_extension_type:
                error(pos, "nogil class '%s' cannot derive from '%s', which is not a nogil class"
                      % (self.name, bname))
            else:
                error(pos, "base class '%s' of nogil class '%s' is not a nogil class"
                      % (bname, self.name))
            return [object_struct_type(env)]
        st = entry.type.struct_type
        if st.scope is None:
            error(pos, "base class '%s' of nogil class '%s' is not defined yet" % (bname, self.name))
            return [object_struct_type(env)]
        return [st]

    def _check_defined(self, declared_nodes):
        """Every method declared (here or in the .pxd) must have a body in the .pyx."""
        from .syntax import declarator_name, find_func_declarator
        defined = {declarator_name(a.declarator) for a in self.attributes or ()
                   if isinstance(a, Nodes.CFuncDefNode)}
        for node in declared_nodes:
            for a in node.attributes or ():
                if not isinstance(a, Nodes.CVarDefNode):
                    continue
                for d in a.declarators:
                    name = declarator_name(d)
                    if find_func_declarator(d) is not None and name not in defined:
                        error(a.pos, "method '%s' of nogil class '%s' is declared but not defined"
                              % (name, self.name))

    def _check_members(self, env, scope):
        for pos, name in self.methods_without_self:
            error(pos, "method '%s' of nogil class '%s' needs 'self' as its first argument"
                  % (name, self.name))
        from .syntax import declarator_name
        reported = set()
        for attr in self.attributes:
            if isinstance(attr, Nodes.CVarDefNode):
                for d in attr.declarators:
                    e = scope.lookup_here(declarator_name(d))
                    if e is None or e.type.is_cfunction:
                        continue
                    if self._refuse_field(attr.pos, e):
                        reported.add(e.name)
        # fields declared in the class's .pxd (not among the attributes written here)
        for e in scope.var_entries:
            if e.name not in reported and not e.type.is_cfunction:
                self._refuse_field(e.pos, e)
        # overriding: a method redefined in a subclass must keep the base's signature
        for base in self.entry.type.base_classes:
            if base.scope is None or not getattr(base, 'is_nogil_struct', False):
                continue
            for e in scope.var_entries:
                if not e.type.is_cfunction or e.name in ('<init>', '<del>', 'self'):
                    continue
                be = base.scope.lookup(e.name)
                if be is None or not be.type.is_cfunction:
                    continue
                if not _same_signature(e.type, be.type):
                    error(e.pos, "method '%s' of nogil class '%s' overrides '%s.%s' with an "
                                 "incompatible signature" % (e.name, self.name, base.name, e.name))

    def _refuse_field(self, pos, entry):
        """Reports a field that would need the GIL (a Python object, a memoryview); True if so."""
        if entry.type.is_memoryviewslice:
            error(pos, "memoryview field '%s' in nogil class '%s': a memoryview needs the GIL to "
                       "count its buffer (hold a pointer and a length, or a lib.list)"
                  % (entry.name, self.name))
            return True
        if entry.type.is_pyobject:
            error(pos, "Python object field '%s' in nogil class '%s'" % (entry.name, self.name))
            return True
        return False

    # --------------------------------------------------------------- later phases
    def analyse_expressions(self, env):
        if self.entry is None or self.entry.type.scope is None:
            return self
        self.body = self.body.analyse_expressions(self.entry.type.scope)
        if self.wrapper_node is not None:
            self.wrapper_node = self.wrapper_node.analyse_expressions(env)
        return self

    def generate_function_definitions(self, env, code):
        if self.entry is None or self.entry.type.scope is None:
            return
        if not self.is_extern and not self.in_pxd:
            from .emit import generate_destructor, generate_module_marker
            generate_module_marker(self.entry.type, code)
            generate_destructor(self.entry.type, code)
        self.body.generate_function_definitions(self.entry.type.scope, code)
        if self.wrapper_node is not None:
            self.wrapper_node.generate_function_definitions(env, code)
            info = self.ref_type.wrapper
            if info is not None and info.wrapper_entry is not None:
                from .wrapper import generate_conversions
                generate_conversions(info, code)

    def generate_execution_code(self, code):
        if self.wrapper_node is not None:
            self.wrapper_node.generate_execution_code(code)

    def annotate(self, code):
        if self.body is not None:
            self.body.annotate(code)


def _mark_declared_methods(attributes, scope):
    """Methods declared without a body (in a .pxd) follow the same exception rules as the
    defined ones (emit.py): `__init__` may raise unless it says otherwise, and a checked
    method reports errors through the error hint, so another module calling it through the
    .pxd declaration tests the hint rather than taking the GIL."""
    from .syntax import declarator_name, find_func_declarator
    for attr in attributes or ():
        if not isinstance(attr, Nodes.CVarDefNode):
            continue
        for d in attr.declarators:
            fd = find_func_declarator(d)
            if fd is None:
                continue
            name = declarator_name(d)
            entry = scope.lookup_here('<init>' if name == '__init__' else name)
            if entry is None:
                continue
            for alt in entry.all_alternatives():
                t = alt.type
                if name == '__init__' and not getattr(fd, 'has_explicit_exc_clause', False):
                    t.exception_check = True
                    t.exception_value = None
                if t.exception_check and t.exception_check != '+':
                    t.cyn_error_hint = True


def constructors_from_implementation(node):
    """Declarations of `__init__` and of the special methods that a class's .pxd leaves out,
    read from the .pyx beside the .pxd.

    Another module constructs the class (or calls `Base.__init__(self, ...)` in a subclass)
    through a C++ constructor it must know the signature of, and maps `a == b`, `len(a)`,
    `hash(a)`… to the special methods it must know of (else `==` would silently be identity
    there, while it calls `__eq__` in the defining module). A .pxd may declare them
    (`def __init__(self, double w, double h)`, `def __eq__(self, Shape other)`, no body),
    else the implementation beside it does. Only parsed, never analysed; when the .pyx is
    absent or does not parse, nothing is declared and a construction is reported where it
    is written."""
    import os
    from .syntax import declarator_name, NOGIL_SPECIAL_METHODS
    from .special_methods import MORE_SPECIAL_METHODS
    declared = {declarator_name(d)
                for a in node.attributes or () if isinstance(a, Nodes.CVarDefNode) for d in a.declarators}
    wanted = ({'__init__'} | set(NOGIL_SPECIAL_METHODS) | set(MORE_SPECIAL_METHODS)) - declared \
        - {'__dealloc__'}
    filename = getattr(node.pos[0], 'filename', None)
    if not filename or not filename.endswith('.pxd'):
        return []
    pyx = filename[:-len('.pxd')] + '.pyx'
    if not os.path.isfile(pyx):
        if node.ref_type is not None and '__init__' in wanted:
            node.ref_type.struct_type.cyn_constructor_unknown = os.path.basename(filename)
        return []
    cls = _parse_class(pyx, node.name)
    if cls is None:
        return []
    found = []
    for a in cls.attributes or ():
        if isinstance(a, Nodes.CFuncDefNode) and declarator_name(a.declarator) in wanted:
            found.append(Nodes.CVarDefNode(
                a.pos, visibility='private', base_type=a.base_type, declarators=[a.declarator],
                in_pxd=True, doc=None, api=0, modifiers=[], overridable=0))
    return found


def _parse_class(pyx_path, name):
    from Cython.Compiler import Errors
    from Cython.Compiler.TreeFragment import parse_from_strings
    try:
        with open(pyx_path, encoding='utf-8') as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return None
    Errors.hold_errors()
    try:
        tree = parse_from_strings(pyx_path, text)
    except Exception:
        tree = None
    finally:
        Errors.release_errors(ignore=True)
    body = getattr(tree, 'body', None)
    stats = body.stats if isinstance(body, Nodes.StatListNode) else [body]
    for stat in stats:
        if isinstance(stat, NogilClassNode) and stat.name == name:
            return stat
    return None


def _merge_declared_constructors(scope):
    """An `__init__` declared in the .pxd and defined in the .pyx is one constructor.

    Upstream merges a redefinition with its declaration when the signatures are compatible,
    but it gives each constructor a fresh `void` return type that never compares equal, so
    both stay as overloads (and every construction is "ambiguous").  Drop the declaration
    where a definition with the same arguments exists."""
    init = scope.lookup_here('<init>')
    if init is None:
        return
    alternatives = init.all_alternatives()
    defined = [a for a in alternatives if not a.is_inherited]

    def same_args(a, b):
        return (len(a.type.args) == len(b.type.args)
                and a.type.optional_arg_count == b.type.optional_arg_count
                and all(x.type.same_as(y.type) for x, y in zip(a.type.args, b.type.args)))

    kept = [a for a in alternatives
            if not (a.is_inherited and any(same_args(a, d) for d in defined))]
    if len(kept) == len(alternatives) or not kept:
        return
    primary = kept[0]
    primary.overloaded_alternatives = kept[1:]
    scope.entries['<init>'] = primary


def _analyse_member(attr, scope):
    """Declares one member; a `@staticmethod` one with Cython's staticmethod directive on, as
    Cython declares a static method (no self, called on the class)."""
    if not getattr(attr, 'cyn_static_method', False):
        return attr.analyse_declarations(scope)
    old = scope.directives
    scope.directives = dict(old, staticmethod=True)
    try:
        return attr.analyse_declarations(scope)
    finally:
        scope.directives = old


def _same_signature(a, b):
    if len(a.args) != len(b.args) or a.optional_arg_count != b.optional_arg_count:
        return False
    if not a.return_type.same_as(b.return_type):
        return False
    return all(x.type.same_as(y.type) for x, y in zip(a.args, b.args))


def install():
    """Nothing to patch: cimported nogil classes are declared by their .pxd like any other."""
