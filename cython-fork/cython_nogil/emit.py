"""Stage: emit — the C++ a nogil class compiles to, and the GIL-free error protocol.

* `struct Point : cyn::Object { ... }` (or `: Base`): fields with value-initialisers (so
  C fields start at zero and references at None), every method `virtual`, a constructor
  per `__init__` signature forwarding to the compiled `__init__`, a virtual destructor
  running `__dealloc__`, and `python_type()` returning the wrapper type.
* Error protocol (cyn/error.hpp): a nogil-class method, constructor or destructor sets the
  thread's error hint at its error exit; a call of such a function tests
  `CYN_ERROR_PENDING()` (one thread-local read) instead of `PyErr_Occurred()` under the
  GIL.  Calls of every other function are generated exactly as upstream does.
"""
import copy

from Cython.Compiler import ExprNodes, ModuleNode, Nodes, Naming, PyrexTypes
from Cython.Compiler.StringEncoding import EncodedString


def is_defined_nogil_struct(t):
    return getattr(t, 'is_nogil_struct', False) and not t.scope is None \
        and not getattr(t.nogil_ref_type, 'is_extern', False)


def in_nogil_class(scope):
    while scope is not None:
        if scope.is_cpp_class_scope and getattr(scope, 'nogil_class_node', None) is not None:
            return True
        scope = scope.outer_scope if not scope.is_module_scope else None
    return False


def module_uses_runtime(func_node):
    """True in a module that defines or cimports nogil classes or cimports `cyn`: there every
    cdef function sets the error hint at its error exit too, so an exception raised by a plain
    nogil function (say, the body of a spawned coroutine) is seen by the runtime. Modules
    without nogil classes are left exactly as upstream generates them."""
    scope = getattr(getattr(func_node, 'entry', None), 'scope', None)
    module = scope.global_scope() if scope is not None else None
    if module is None:
        return False
    cached = getattr(module, 'cyn_uses_runtime', None)
    if cached is None:
        cached = any(getattr(e.type, 'is_nogil_ref', False)
                     for e in module.entries.values() if e.is_type) or \
            any(m.qualified_name == 'cyn' or m.qualified_name.startswith('cyn.')
                for m in getattr(module, 'cimported_modules', ()))
        module.cyn_uses_runtime = cached
    return cached


def uses_error_hint(func_type):
    return getattr(func_type, 'cyn_error_hint', False)


def generate_struct(module_node, entry, code):
    st = entry.type
    scope = st.scope
    code.mark_pos(entry.pos)
    bases = ", ".join(b.empty_declaration_code() for b in st.base_classes)
    namespace = getattr(st, 'cyn_namespace', None)
    if namespace:
        code.putln("namespace %s {" % namespace)
    if st.templates:
        code.putln("template <typename %s>" % ", typename ".join(
            T.empty_declaration_code() for T in st.templates))
    code.putln("struct %s : %s {" % (st.cname, bases))
    module_node.generate_type_header_code(scope.type_entries, code)
    constructor = destructor = None
    is_implementing = 'init_module' in code.globalstate.parts
    seen = set()    # a method declared in the .pxd and defined in the .pyx has two entries
    for attr in scope.var_entries:
        decl = attr.type.declaration_code(attr.cname)
        if decl in seen:
            continue
        seen.add(decl)
        if attr.name == "<init>":
            constructor = scope.lookup_here("<init>")
        elif attr.name == "<del>":
            destructor = attr
        if attr.type.is_cfunction:
            if attr.type.is_static_method:
                code.put("static ")
            elif attr.name not in ("<init>", "<del>"):
                code.put("virtual ")
            code.putln("%s;" % decl)
        else:
            # value-initialised: C fields are zero, references None, C++ objects default
            code.putln("%s{};" % attr.type.declaration_code(attr.cname))
    if constructor is None and scope.lookup_here("<init>") is not None:
        # declared in a cimported .pxd only (upstream lists a constructor once defined)
        constructor = scope.lookup_here("<init>")
        for alt in constructor.all_alternatives():
            code.putln("%s;" % alt.type.declaration_code(alt.cname))
    # Constructors. Python semantics: a class's own __init__ runs, and the base's only when
    # it calls Base.__init__(self, ...); so base sub-objects are built with the NoInit tag.
    # A class without __init__ inherits its base's constructors (as it inherits __init__).
    base = st.base_classes[0]
    base_is_nogil = is_defined_nogil_struct(base) or getattr(base, 'is_nogil_struct', False)
    base_cname = base.empty_declaration_code()
    base_noinit = " : %s(cyn::cy::NoInit{})" % base_cname if base_is_nogil else ""
    code.putln("explicit %s(cyn::cy::NoInit) noexcept%s {}" % (st.cname, base_noinit))
    if constructor:
        for alt in constructor.all_alternatives():
            t = alt.type
            decls, names = [], []
            for arg in t.original_args[:len(t.args) - t.optional_arg_count]:
                decls.append(arg.declaration_code())
                names.append(arg.cname)
            if t.optional_arg_count:
                decls.append(t.op_arg_struct.declaration_code(Naming.optional_args_cname))
                names.append(Naming.optional_args_cname)
            code.putln("%s(%s)%s { %s(%s); }" % (
                st.cname, ", ".join(decls), base_noinit, alt.cname, ", ".join(names)))
    elif base_is_nogil:
        code.putln("using %s::%s;" % (base_cname, base.cname.split("::")[-1]))
    else:
        code.putln("%s() noexcept {}" % st.cname)
    # Out of line, in the defining module: a module that cimports the class (and may derive
    # from it) runs the __dealloc__ the .pyx defines, declared in the .pxd or not.
    if st.templates:      # a template is instantiated where it is used: inline
        destructor = scope.lookup_here("<del>")
        code.putln("~%s() override { %s }" % (
            st.cname, "%s();" % destructor.cname if destructor is not None else ""))
    else:
        code.putln("~%s() override;" % st.cname)
    if getattr(st.nogil_ref_type, 'wrapper', None) is not None:
        code.putln("void* python_type() const noexcept override;")
    code.putln("};")
    if namespace:
        code.putln("}")
    info = getattr(st.nogil_ref_type, 'wrapper', None)
    if info is not None and info.wrapper_entry is not None and not info.is_foreign():
        from .wrapper import generate_prototypes
        generate_prototypes(info, code)


def _check_provider(wrapper_type, code, import_generator, error_code, error_pos):
    """Once per provider module: the module Python imported must be the shared object this
    module was linked against (cyn::python::check_provider)."""
    namespace = getattr(wrapper_type, 'cyn_namespace', None)
    if namespace is None:
        return
    checked = code.globalstate.__dict__.setdefault('cyn_checked_providers', set())
    if namespace in checked:
        return
    checked.add(namespace)
    name = wrapper_type.module_name.as_c_string_literal()
    if not error_code:
        error_code = code.error_goto(error_pos)
    module = import_generator.imported_module(name, error_code)
    code.putln("if (cyn::python::check_provider(%s, %s, &%s::cyn_module_marker) < 0) %s"
               % (module, name, namespace, error_code))


def generate_module_marker(st, code):
    """The symbol of the defining module that check_provider looks up (once per module)."""
    namespace = getattr(st, 'cyn_namespace', None)
    if namespace is None or getattr(code.globalstate, 'cyn_marker_emitted', False):
        return
    code.globalstate.cyn_marker_emitted = True
    code.putln("namespace %s { extern const char cyn_module_marker; const char cyn_module_marker = 0; }"
               % namespace)


def generate_destructor(st, code):
    """The out-of-line destructor of a class defined in this module."""
    if st.templates:
        return
    destructor = st.scope.lookup_here("<del>")
    body = "%s();" % destructor.cname if destructor is not None else ""
    code.putln("%s::~%s() { %s }" % (st.empty_declaration_code(), st.cname, body))


def _release_temporary_reference(node, code):
    """`tmp.reset();` after the last use of a temporary holding a nogil reference (after an
    assignment that moved it out, this is a test of an empty pointer)."""
    from .types import NogilRefType
    if node.is_temp and not getattr(node, 'use_borrowed_ref', False) \
            and type(node.type) is NogilRefType and node.result():
        code.putln("%s.reset();" % node.result())


def install():
    # ---- `raise` inside nogil methods takes the GIL on the raise path only ----------
    from Cython.Compiler.ParseTreeTransforms import InjectGilHandling

    def visit_NogilClassNode(self, node):
        for attr in node.attributes or ():
            self.visit(attr)
        return node

    InjectGilHandling.visit_NogilClassNode = visit_NogilClassNode

    # ---- struct definition --------------------------------------------------------
    upstream_cpp_def = ModuleNode.ModuleNode.generate_cpp_class_definition

    def generate_cpp_class_definition(self, entry, code):
        if is_defined_nogil_struct(entry.type):
            return generate_struct(self, entry, code)
        return upstream_cpp_def(self, entry, code)

    ModuleNode.ModuleNode.generate_cpp_class_definition = generate_cpp_class_definition

    # ---- a defined class is declared in its module's namespace ---------------------
    upstream_predeclaration = ModuleNode.ModuleNode.generate_struct_union_predeclaration

    def generate_struct_union_predeclaration(self, entry, code):
        namespace = getattr(entry.type, 'cyn_namespace', None)
        if not (namespace and is_defined_nogil_struct(entry.type)):
            return upstream_predeclaration(self, entry, code)
        st = entry.type
        template = ""
        if st.templates:
            template = "template <typename %s> " % ", typename ".join(
                T.empty_declaration_code() for T in st.templates)
        code.putln("namespace %s { %sstruct %s; extern const char cyn_module_marker; }"
                   % (namespace, template, st.cname))
        code.putln("using %s::%s;" % (namespace, st.cname))

    ModuleNode.ModuleNode.generate_struct_union_predeclaration = generate_struct_union_predeclaration

    # ---- modules that cimport each other's nogil classes ------------------------------
    # Upstream declares and defines the types module by module, so a class of module a with a
    # field of module b's class (while b's class refers to a's) would name b's class before
    # its declaration. With nogil classes of two or more modules, all are declared up front.
    upstream_type_definitions = ModuleNode.ModuleNode.generate_type_definitions

    def generate_type_definitions(self, env, modules, vtab_list, vtabslot_list, code):
        nogil_entries = [entry for module in modules for entry in module.type_entries
                         if (module is env or entry.defined_in_pxd) and not entry.in_cinclude
                         and is_defined_nogil_struct(entry.type)
                         and getattr(entry.type, 'cyn_namespace', None)]
        if len({getattr(entry.type, 'cyn_namespace') for entry in nogil_entries}) > 1:
            for entry in nogil_entries:
                generate_struct_union_predeclaration(self, entry, code)
        return upstream_type_definitions(self, env, modules, vtab_list, vtabslot_list, code)

    ModuleNode.ModuleNode.generate_type_definitions = generate_type_definitions

    # ---- a wrapper type imported from another module has its Python name ---------
    upstream_type_import = ModuleNode.ModuleNode.generate_type_import_call

    def generate_type_import_call(self, type, code, import_generator, error_code=None,
                                  error_pos=None, is_api=False):
        public = getattr(type, 'cyn_public_name', None)
        if public is None:
            return upstream_type_import(self, type, code, import_generator, error_code,
                                        error_pos, is_api)
        internal = type.name
        type.name = public
        try:
            upstream_type_import(self, type, code, import_generator, error_code,
                                 error_pos, is_api)
        finally:
            type.name = internal
        _check_provider(type, code, import_generator, error_code, error_pos)

    ModuleNode.ModuleNode.generate_type_import_call = generate_type_import_call

    # ---- a temporary's reference goes as soon as the expression is done with it --------
    # Cython releases a Python temporary right after its last use. A nogil reference in a C++
    # temporary was released only when the temporary was reused or the function returned, so
    # `make(3).x` kept the object, and delayed its __dealloc__, to the end of the function
    # (SPEC §1: an object dies exactly when its last reference goes).
    upstream_disposal = ExprNodes.ExprNode.generate_disposal_code
    upstream_post_assignment = ExprNodes.ExprNode.generate_post_assignment_code

    def generate_disposal_code(self, code):
        upstream_disposal(self, code)
        _release_temporary_reference(self, code)

    def generate_post_assignment_code(self, code):
        upstream_post_assignment(self, code)
        _release_temporary_reference(self, code)

    ExprNodes.ExprNode.generate_disposal_code = generate_disposal_code
    ExprNodes.ExprNode.generate_post_assignment_code = generate_post_assignment_code

    # ---- functions of nogil classes use the error hint --------------------------
    upstream_declare = Nodes.CFuncDefNode.analyse_declarations

    def cfunc_analyse_declarations(self, env):
        upstream_declare(self, env)
        if in_nogil_class(env) and self.entry is not None:
            t = self.entry.type
            self.entry.cyn_def_node = self     # the wrapper copies __init__'s defaults
            spelled = {'<init>': '__init__', '<del>': '__dealloc__'}.get(self.entry.name)
            if spelled and self.entry.qualified_name:
                # (tracebacks name the method as the user wrote it, not `P.<init>`)
                self.entry.qualified_name = EncodedString(
                    self.entry.qualified_name.replace(self.entry.name, spelled))
            if self.entry.name == '<init>' and not getattr(self.declarator, 'has_explicit_exc_clause', False):
                # __init__ may raise (as `except *`): the construction tests the error hint
                for ft in {id(t): t, id(self.type): self.type}.values():
                    ft.exception_check = True
                    ft.exception_value = None
            if t.exception_check and t.exception_check != '+':
                t.cyn_error_hint = True
            self.cyn_sets_error_hint = True

    Nodes.CFuncDefNode.analyse_declarations = cfunc_analyse_declarations

    upstream_gen_defs = Nodes.FuncDefNode.generate_function_definitions

    def generate_function_definitions(self, env, code):
        self._cyn_code = code
        try:
            return upstream_gen_defs(self, env, code)
        finally:
            self._cyn_code = None

    Nodes.FuncDefNode.generate_function_definitions = generate_function_definitions

    upstream_will_check = Nodes.CFuncDefNode.caller_will_check_exceptions

    def caller_will_check_exceptions(self):
        # Called exactly once, in the error exit of the function being generated. The hint
        # is set wherever the exception propagates: `except *`/`except? -1` (the caller
        # checks) and `except -1` too (the caller tests the value only, but the runtime's
        # coroutine launcher, which cannot know the value, looks at the hint).
        result = upstream_will_check(self)
        code = getattr(self, '_cyn_code', None)
        propagates = result or self.entry.type.exception_value is not None
        if propagates and code is not None and (getattr(self, 'cyn_sets_error_hint', False)
                                                or module_uses_runtime(self)):
            code.putln("cyn_set_error_hint();")
        return result

    Nodes.CFuncDefNode.caller_will_check_exceptions = caller_will_check_exceptions

    upstream_call = ExprNodes.generate_cfunction_call

    def generate_cfunction_call(pos, code, func_type, function_cname, args, result_cname=None,
                                func_entry=None, has_optional_args=False, is_wrapper_call=False):
        if not (uses_error_hint(func_type) and func_type.exception_check
                and func_type.exception_check != '+'):
            return upstream_call(pos, code, func_type, function_cname, args,
                                 result_cname=result_cname, func_entry=func_entry,
                                 has_optional_args=has_optional_args,
                                 is_wrapper_call=is_wrapper_call)
        quiet = copy.copy(func_type)
        quiet.exception_check = False
        quiet.exception_value = None
        upstream_call(pos, code, quiet, function_cname, args, result_cname=result_cname,
                      func_entry=func_entry, has_optional_args=has_optional_args,
                      is_wrapper_call=is_wrapper_call)
        code.putln("if (CYN_ERROR_PENDING()) %s" % code.error_goto(pos))

    ExprNodes.generate_cfunction_call = generate_cfunction_call
