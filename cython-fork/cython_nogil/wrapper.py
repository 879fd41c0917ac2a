"""Stage: wrapper — the Python type of each nogil class (SPEC §2), built from the analysed class.

After the class scope is analysed, `build_wrapper` writes an ordinary Cython extension type
for it and returns its tree; the tree is declared at once and goes through every later
stage as user code would, so argument conversion, properties and error handling are
Cython's own.  For `Point` it generates, in effect:

    cdef class Point:                       # Python-visible name; internal name __cyn_wrap_Point
        cdef Point _ref                     # the counted reference (placement-constructed)
        def __init__(self, double x=0, double y=0):   # types and defaults of __init__
            self._ref = Point(x, y)
        property tag:                       # `public` / `readonly` fields
            def __get__(self): return self._ref.tag
            def __set__(self, value): self._ref.tag = value
        def norm(self):                     # cpdef methods, GIL released around the call
            if not isinstance(self, Point): raise TypeError(...)   # `Point.norm(5)`
            cdef double r
            with nogil: r = self._ref.norm()
            return r
        # __eq__/__hash__ compare the underlying object (unless the class defines __eq__:
        # then its own, see special_methods.py); __repr__ shows class and address;
        # __reduce__ raises TypeError unless the class (or a base) defines its own;
        # `del o.next` of a public reference field sets it to None.

plus two C++ conversion functions used as the reference type's to_py/from_py functions.
Identity: each crossing to Python makes a new wrapper; wrappers of the same object are
`==` and hash-equal, not `is`-identical (no back-pointer cache: the object header stays 16 B).
A reference converted to Python gets the wrapper of its *dynamic* class
(`Object::python_type()`).
"""
import copy

from Cython.Compiler import Nodes, PyrexTypes
from Cython.Compiler.Errors import error
from Cython.Compiler.StringEncoding import EncodedString
from Cython.Compiler.TreeFragment import TreeFragment

from .types import is_nogil_ref

WRAP_PREFIX = "__cyn_wrap_"
REF_FIELD = "_ref"


class WrapperInfo:
    """What code generation needs to know about the wrapper of one nogil class.

    `declared_in_pxd`: the wrapper type is declared in the class's .pxd (so another module
    that cimports the class imports the wrapper type at init, as for any cdef class)."""

    def __init__(self, ref_type, class_name, root_wrapper_name):
        self.ref_type = ref_type
        self.class_name = class_name
        self.wrapper_name = WRAP_PREFIX + class_name
        self.root_wrapper_name = root_wrapper_name
        # named after the module's namespace too: unique when two modules' classes share a name
        st = ref_type.struct_type
        unique = "%s_%s" % (getattr(st, 'cyn_namespace', None) or "cyn", st.cname)
        unique = "".join(c if c.isalnum() else "_" for c in unique)
        self.to_py_cname = "__pyx_cyn_to_py_%s" % unique
        self.from_py_cname = "__pyx_cyn_from_py_%s" % unique
        self.wrapper_entry = None
        self.root_entry = None
        self.declared_in_pxd = False
        self.used = False

    def is_foreign(self):
        """The class is defined in another extension module (cimported through its .pxd)."""
        st = self.ref_type.struct_type
        return not getattr(st, 'nogil_defined_here', False)

    def mark_used(self, env):
        self.used = True
        if self.is_foreign() and self.wrapper_entry is not None:
            # the defining module has its own conversions; this module gets static copies
            # working on the imported wrapper type
            env.global_scope().use_utility_code(_foreign_conversions(self))


def declare_pxd_wrapper(node, env):
    """Declare, in the .pxd scope, the wrapper type of a nogil class the .pxd declares.

    For `cdef class Shape nogil:` in shapes.pxd this declares, in effect,

        cdef class __cyn_wrap_Shape:      # Python name: shapes.Shape
            cdef Shape _ref

    When shapes.pyx is compiled, its generated wrapper completes this declaration; when
    another module cimports Shape, Cython imports the wrapper type from `shapes` at init, so
    that module can hand Shape references to Python and back and subclass the wrapper."""
    ref = node.ref_type
    st = ref.struct_type
    base_st = st.base_classes[0] if st.base_classes else None
    base_info = getattr(getattr(base_st, 'nogil_ref_type', None), 'wrapper', None)
    if base_info is not None and base_info.wrapper_entry is None:
        base_info = None
    info = WrapperInfo(ref, node.name, base_info.root_wrapper_name if base_info
                       else WRAP_PREFIX + node.name)
    if base_info is not None:
        _make_visible(env, base_info, node.pos)
        src = "cdef class %s(%s):\n    pass\n" % (info.wrapper_name, base_info.wrapper_name)
    else:
        src = "cdef class %s:\n    cdef %s %s\n" % (info.wrapper_name, node.name, REF_FIELD)
    frag = TreeFragment(src, name="nogil class %s (Python wrapper declaration)" % node.name,
                        level='module_pxd')
    tree = frag.substitute({}, pos=node.pos)
    cls = tree.stats[0] if isinstance(tree, Nodes.StatListNode) else tree
    cls.analyse_declarations(env)
    if cls.entry is None:
        return
    info.wrapper_entry = cls.entry
    info.root_entry = base_info.root_entry if base_info else cls.entry
    info.declared_in_pxd = True
    cls.entry.type.cyn_public_name = EncodedString(node.name)
    cls.entry.type.cyn_namespace = getattr(st, 'cyn_namespace', None)
    cls.entry.type.scope.class_name = EncodedString(node.name)
    ref.wrapper = info


def _make_visible(env, info, pos):
    """Let generated Cython text name the wrapper type of a class from another module."""
    entry = env.lookup(info.wrapper_name)
    if entry is None:
        env.add_imported_entry(info.wrapper_name, info.wrapper_entry, pos)


def _fields(node, scope):
    """[(name, entry, visibility)] for public/readonly fields convertible to Python."""
    result = []
    for name, vis in node.field_visibility.items():
        e = scope.lookup_here(name)
        if e is None or e.type.is_cfunction:
            continue
        result.append((name, e, vis))
    return result


_placeholder_types = {}      # placeholder type name in generated text -> analysed type


def _type_text(t):
    """How the generated wrapper text names type `t`.

    C numbers are written as they are.  Any other type is written as a placeholder that is
    swapped for the analysed type after parsing: its own spelling may not resolve in the
    module (`lib.string` is `string` to Cython, `lib.list[long]` would be Python's `list`)."""
    if t.is_numeric or t.is_void or (t.is_ptr and t.base_type.is_numeric):
        return t.declaration_code("", pyrex=1).strip()
    name = "__cyn_type_%d" % len(_placeholder_types)
    _placeholder_types[name] = t
    return name


def _resolve_placeholders(tree):
    from Cython.Compiler.Visitor import VisitorTransform

    class Resolve(VisitorTransform):
        def visit_CSimpleBaseTypeNode(self, node):
            t = _placeholder_types.get(node.name)
            if t is None or node.module_path:
                return node
            return Nodes.CAnalysedBaseTypeNode(node.pos, type=t)

        def visit_Node(self, node):
            self.visitchildren(node)
            return node

    return Resolve()(tree)


def _arg_list(ctype, defaults, method_name):
    """(parameter texts, names, substitutions) of a wrapper method with the C signature
    `ctype`; a default is a placeholder named after the method and the parameter, since
    the substitutions of all the wrapper's methods share one dict (`__init__`'s defaults
    must not be replaced by a cpdef method's)."""
    parts, names, subst = [], [], {}
    nreq = len(ctype.args) - ctype.optional_arg_count
    for i, a in enumerate(ctype.args):
        t = a.type
        if t.is_reference:
            t = t.ref_base_type
        text = "%s %s" % (_type_text(t), a.name)
        if i >= nreq:
            key = "CYN_DEFAULT_%s_%d" % (method_name, i)
            d = defaults.get(a.name)
            if d is None:
                return None
            subst[key] = copy.deepcopy(d)
            text += "=" + key
        parts.append(text)
        names.append(a.name)
    return parts, names, subst


def _defaults_of(func_node):
    from .syntax import find_func_declarator
    if func_node is None:
        return {}
    decl = find_func_declarator(func_node.declarator)
    out = {}
    for a in decl.args if decl else ():
        if a.default is not None:
            out[getattr(a.declarator, 'name', None) or a.name_declarator().name] = a.default
    return out


def _convertible(t, env):
    return t.is_void or (t.can_coerce_to_pyobject(env) and t.can_coerce_from_pyobject(env)) \
        or t.can_coerce_to_pyobject(env)


def build_wrapper(node, env):
    """Build, declare and return the wrapper class tree of NogilClassNode `node`."""
    ref = node.ref_type
    st = ref.struct_type
    scope = st.scope
    base_st = st.base_classes[0] if st.base_classes else None
    base_ref = getattr(base_st, 'nogil_ref_type', None)
    base_info = getattr(base_ref, 'wrapper', None)
    if base_ref is not None and base_info is None:
        base_info = None   # base without a wrapper (e.g. cimported): make this one a root
    root_name = base_info.root_wrapper_name if base_info else WRAP_PREFIX + node.name
    declared = getattr(ref, 'wrapper', None)
    declared_in_pxd = declared is not None and declared.declared_in_pxd
    info = WrapperInfo(ref, node.name, root_name)
    info.declared_in_pxd = declared_in_pxd
    ref.wrapper = info

    lines, subst = [], {}
    wname = info.wrapper_name
    if base_info:
        if base_info.wrapper_entry is not None:
            _make_visible(env, base_info, node.pos)
        lines.append("cdef class %s(%s):" % (wname, base_info.wrapper_name))
        this = "(<%s>self.%s)" % (node.name, REF_FIELD)
    else:
        lines.append("cdef class %s:" % wname)
        if not declared_in_pxd:          # else the field is declared in the .pxd
            lines.append("    cdef %s %s" % (node.name, REF_FIELD))
        this = "self.%s" % REF_FIELD

    # constructor
    from .analysis import _find_constructor
    ctor = _find_constructor(st)
    init_node = None
    for a in node.attributes:
        if isinstance(a, Nodes.CFuncDefNode) and a.entry is not None and a.entry.name == "<init>":
            init_node = a
    if ctor is not None and not all(a.type.can_coerce_from_pyobject(env)
                                    or (a.type.is_reference and a.type.ref_base_type.can_coerce_from_pyobject(env))
                                    for a in ctor.type.args):
        # __init__ takes C types Python cannot supply: the class is built in nogil code only
        lines.append("    def __init__(self, *args, **kwargs):")
        lines.append("        raise TypeError('%s objects cannot be created from Python "
                     "(__init__ takes C arguments)')" % node.name)
    elif ctor is not None:
        args = _arg_list(ctor.type, _defaults_of(getattr(ctor, 'cyn_def_node', init_node)),
                         "__init__")
        if args is None:
            error(node.pos, "cannot build the Python constructor of '%s'" % node.name)
            args = ([], [], {})
        parts, names, sub = args
        subst.update(sub)
        lines.append("    def __init__(self%s):" % "".join(", " + p for p in parts))
        lines.append("        self.%s = %s(%s)" % (REF_FIELD, node.name, ", ".join(names)))
    else:
        lines.append("    def __init__(self):")
        lines.append("        self.%s = %s()" % (REF_FIELD, node.name))

    # properties
    for name, e, vis in _fields(node, scope):
        if not e.type.can_coerce_to_pyobject(env):
            error(e.pos, "field '%s' of type '%s' cannot be '%s': no conversion to Python"
                  % (name, e.type, vis))
            continue
        lines.append("    property %s:" % name)
        lines.append("        def __get__(self):")
        lines.append("            return %s.%s" % (this, name))
        if vis == 'public':
            lines.append("        def __set__(self, value):")
            lines.append("            %s.%s = value" % (this, name))
            if is_nogil_ref(e.type):
                # `del o.next` sets the reference to None, as Cython does for an object field
                # (a C field keeps Cython's NotImplementedError)
                lines.append("        def __del__(self):")
                lines.append("            %s.%s = None" % (this, name))

    # cpdef methods
    for mname in sorted(node.cpdef_names):
        e = scope.lookup_here(mname)
        if e is None or not e.type.is_cfunction:
            continue
        t = e.type
        if t.return_type.is_pyobject:
            continue    # already an error at the method (a nogil method cannot return one)
        bad = [a for a in t.args if not a.type.can_coerce_from_pyobject(env)]
        if bad or not (t.return_type.is_void or t.return_type.can_coerce_to_pyobject(env)):
            error(e.pos, "cpdef method '%s' has argument or return types without a Python "
                         "conversion" % mname)
            continue
        args = _arg_list(t, _defaults_of(_method_node(node, mname)), mname)
        if args is None:
            continue
        parts, names, sub = args
        subst.update(sub)
        call = "%s.%s(%s)" % ("_cyn_self", mname, ", ".join(names))
        lines.append("    def %s(self%s):" % (mname, "".join(", " + p for p in parts)))
        lines.append("        cdef %s _cyn_self" % node.name)
        lines += _self_check(mname, wname)
        lines.append("        _cyn_self = %s" % this)
        if t.return_type.is_void:
            lines.append("        with nogil:")
            lines.append("            %s" % call)
        else:
            lines.append("        cdef %s _cyn_result" % _type_text(t.return_type))
            lines.append("        with nogil:")
            lines.append("            _cyn_result = %s" % call)
            lines.append("        return _cyn_result")

    py_names = {getattr(m, 'name', None) for m in node.py_methods}
    if not base_info:
        addr = "__cyn_address_" + node.name
        _declare_address_function(env, addr, ref, node.pos)
        # Identity, unless the class compares itself: then its own __eq__ (special_methods.py)
        # and, as in Python, no hash unless it defines __hash__ too.
        if '__eq__' not in py_names and '__ne__' not in py_names:
            lines += [
                "    def __eq__(self, other):",
                "        if not isinstance(other, %s):" % wname,
                "            return NotImplemented",
                "        return %s(self.%s) == %s((<%s>other).%s)" % (addr, REF_FIELD, addr, wname, REF_FIELD),
                "    def __ne__(self, other):",
                "        if not isinstance(other, %s):" % wname,
                "            return NotImplemented",
                "        return %s(self.%s) != %s((<%s>other).%s)" % (addr, REF_FIELD, addr, wname, REF_FIELD),
            ]
        if '__eq__' not in py_names and '__hash__' not in py_names:
            lines += [
                "    def __hash__(self):",
                "        return hash(%s(self.%s))" % (addr, REF_FIELD),
            ]
        if '__repr__' not in py_names:     # the class's own __repr__ (special_methods.py) wins
            lines += [
                "    def __repr__(self):",
                "        return '<%%s.%%s object at 0x%%x>' %% (type(self).__module__, type(self).__qualname__, %s(self.%s))" % (addr, REF_FIELD),
            ]
    if not base_info and '__reduce__' not in py_names and '__reduce_ex__' not in py_names:
        # (only the root: a subclass inherits its base's, the user's or this refusal)
        lines += [
            "    def __reduce__(self):",
            "        raise TypeError('cannot pickle %s objects: nogil class without __reduce__' % type(self).__qualname__)",
        ]
    src = "\n".join(lines) + "\n"
    frag = TreeFragment(src, name="nogil class %s (Python wrapper)" % node.name, level='module')
    tree = _resolve_placeholders(frag.substitute(subst, pos=node.pos))
    cls = tree.stats[0] if isinstance(tree, Nodes.StatListNode) else tree
    # (a list even for a lone method: later stages append to it)
    body = cls.body
    if not isinstance(body, Nodes.StatListNode):
        body = cls.body = Nodes.StatListNode(body.pos, stats=[body])
    # Python-only def methods of the class become methods of the wrapper
    if node.py_methods:
        body.stats.extend(node.py_methods)
    _place_at_sources(node, body.stats)
    cls.doc = getattr(node, 'doc', None)
    cls.analyse_declarations(env)
    if cls.entry is not None and base_info:
        # a subclass inherits the base wrapper's __reduce__ (the user's or the refusal above)
        # at run time; Cython's own pickling, which does not see a base of another module's
        # (its .pxd declares no __reduce__), must not replace it
        scope = cls.entry.type.scope
        scope.directives = dict(scope.directives, auto_pickle=False)
    if cls.entry is not None:
        info.wrapper_entry = cls.entry
        # the root wrapper (holding the reference) may live in another module
        info.root_entry = base_info.root_entry if base_info else cls.entry
        cls.entry.type.cyn_public_name = EncodedString(node.name)
        cls.entry.type.scope.class_name = EncodedString(node.name)
        cls.cyn_wrapper_info = info
    return cls


def _place_at_sources(node, generated):
    """Gives each generated wrapper method the position of what it wraps (the `__init__`,
    the cpdef or special method, the field of a property) and a cpdef method its docstring.
    Positions are what a traceback shows (file, line, and the function's name: CPython code
    objects are cached per line, so methods sharing the class's line would share a name)."""
    from .syntax import declarator_name
    sources = {}
    for a in node.attributes or ():
        if isinstance(a, Nodes.CFuncDefNode):
            name = declarator_name(a.declarator)
            if a.entry is not None and a.entry.name == "<init>":
                name = "__init__"
            sources.setdefault(name, a)
        elif isinstance(a, Nodes.CVarDefNode):
            for d in a.declarators:
                sources.setdefault(declarator_name(d), a)
    for stat in generated:
        source = sources.get(getattr(stat, 'name', None))
        if source is None or stat.pos != node.pos:
            continue     # the user's own def methods, or a method with no source of its own
        _move_to(stat, source.pos)
        if isinstance(stat, Nodes.DefNode) and getattr(source, 'doc', None):
            stat.doc = source.doc


def _move_to(tree, pos):
    pending = [tree]
    while pending:
        n = pending.pop()
        n.pos = pos
        for attr in n.child_attrs or ():
            value = getattr(n, attr, None)
            if isinstance(value, list):
                pending.extend(v for v in value if isinstance(v, Nodes.Node))
            elif isinstance(value, Nodes.Node):
                pending.append(value)


def _self_check(name, wname):
    """Lines that refuse a `self` of another type: a method of a cdef class is a binding
    function that does not check its first argument (`Node.add(5, 1)`), and reading the
    reference of a foreign object would crash."""
    return [
        "        if not isinstance(self, %s):" % wname,
        "            raise TypeError(\"descriptor '%s' for '%%s.%%s' objects doesn't apply to "
        "a '%%s' object\" %% (%s.__module__, %s.__name__, type(self).__name__))"
        % (name, wname, wname),
    ]


def _method_node(node, name):
    from .syntax import declarator_name
    for a in node.attributes:
        if isinstance(a, Nodes.CFuncDefNode) and declarator_name(a.declarator) == name:
            return a
    return None


def _declare_address_function(env, name, ref, pos):
    if env.lookup_here(name) is not None:
        return
    ftype = PyrexTypes.CFuncType(PyrexTypes.c_size_t_type,
                                 [PyrexTypes.CFuncTypeArg("o", ref, pos)], nogil=1)
    entry = env.declare_cfunction(name, ftype, pos, cname="cyn::cy::address", visibility='extern')
    entry.used = True
    entry.in_cinclude = True      # a template in cyn/cython.hpp: no prototype


def generate_conversions(info, code):
    """Emit the C++ to_py/from_py functions and python_type() of one wrapped class."""
    sname = info.ref_type.struct_type.empty_declaration_code()
    code.putln("void* %s::python_type() const noexcept { return (void*)%s; }"
               % (sname, _typeptr(info)))
    _put_conversions(info, code)


def _typeptr(info):
    from Cython.Compiler import Naming
    return "%s->%s" % (Naming.modulestateglobal_cname, info.wrapper_entry.type.typeptr_cname)


def _foreign_conversions(info):
    """to_py/from_py of a class cimported from another module, as utility code (once)."""
    uc = getattr(info, 'foreign_utility', None)
    if uc is None:
        from Cython.Compiler.Code import UtilityCode
        proto, impl = _Lines(), _Lines()
        generate_prototypes(info, proto)
        _put_conversions(info, impl)
        uc = UtilityCode(proto=proto.text(), impl=impl.text(),
                         name="cyn conversions of %s" % info.ref_type.struct_type.cname)
        info.foreign_utility = uc
    return uc


class _Lines:
    """Collects C lines for utility code (a CCodeWriter needs a module being generated)."""

    def __init__(self):
        self.lines = []

    def putln(self, line):
        self.lines.append(line)

    def text(self):
        return "\n".join(self.lines) + "\n"


def _put_conversions(info, code):
    st = info.ref_type.struct_type
    sname = st.empty_declaration_code()
    root_type = info.root_entry.type
    field = root_type.scope.lookup_here(REF_FIELD).cname
    typeptr = _typeptr(info)
    root_struct = root_type.objstruct_cname
    ref_decl = info.ref_type.empty_declaration_code()
    code.putln("static PyObject* %s(const %s& r) {" % (info.to_py_cname, ref_decl))
    code.putln("if (!r) { Py_INCREF(Py_None); return Py_None; }")
    code.putln("PyTypeObject* tp = (PyTypeObject*)r->python_type();")
    code.putln("if (!tp) tp = %s;" % typeptr)
    code.putln("PyObject* args = PyTuple_New(0); if (unlikely(!args)) return NULL;")
    code.putln("PyObject* o = tp->tp_new(tp, args, NULL);")
    code.putln("Py_DECREF(args);")
    code.putln("if (unlikely(!o)) return NULL;")
    code.putln("((struct %s*)o)->%s = r;" % (root_struct, field))
    code.putln("return o;")
    code.putln("}")
    code.putln("static %s %s(PyObject* o) {" % (ref_decl, info.from_py_cname))
    code.putln("if (o == Py_None) return nullptr;")
    code.putln("if (unlikely(!PyObject_TypeCheck(o, %s))) {" % typeptr)
    code.putln("PyErr_Format(PyExc_TypeError, \"expected %%.200s, got %%.200s\", "
               "((PyTypeObject*)%s)->tp_name, Py_TYPE(o)->tp_name);" % typeptr)
    code.putln("return nullptr;")
    code.putln("}")
    code.putln("return cyn::cy::cast<%s>(((struct %s*)o)->%s);" % (sname, root_struct, field))
    code.putln("}")


def generate_prototypes(info, code, namespace=None):
    """The conversion prototypes; `namespace`: the class's C++ namespace when its struct type
    does not carry it (an instantiation of a generic class)."""
    ref_decl = info.ref_type.empty_declaration_code()
    code.putln("static PyObject* %s(const %s& r);" % (info.to_py_cname, ref_decl))
    code.putln("static %s %s(PyObject* o);" % (ref_decl, info.from_py_cname))
    namespace = namespace or getattr(info.ref_type.struct_type, 'cyn_namespace', None)
    if namespace:
        # Beside the class, so that argument-dependent lookup finds them from the containers'
        # conversions (cyn/stdlib/lib.hpp: item_to_py/item_from_py of a lib.list[Point]...).
        code.putln("namespace %s {" % namespace)
        code.putln("static inline PyObject* cyn_item_to_py(const %s& r) { return ::%s(r); }"
                   % (ref_decl, info.to_py_cname))
        code.putln("static inline %s cyn_item_from_py(PyObject* o, const %s*) { return ::%s(o); }"
                   % (ref_decl, ref_decl, info.from_py_cname))
        code.putln("}")


def install_argument_checks():
    """`def f(Point p not None)` (and `or None`) for a nogil-class argument of a def function,
    as Cython allows for any cdef class argument: `not None` raises TypeError("Argument 'p'
    must not be None") on entry; `or None` is what such an argument accepts anyway.  Upstream
    refuses both for arguments of a C type, so they are taken off the argument before its
    analysis; only arguments marked so whose type is a nogil class are touched."""
    if getattr(Nodes.DefNode, '_cyn_argument_checks', False):
        return
    upstream = Nodes.DefNode.analyse_argument_types

    def analyse_argument_types(self, env):
        checked = []
        for arg in self.args:
            if (arg.not_none or arg.or_none) and not hasattr(arg, 'name') \
                    and _nogil_argument(arg, env):
                if arg.not_none:
                    checked.append(arg)
                arg.not_none = arg.or_none = False
        upstream(self, env)
        if checked:
            _prepend_none_checks(self, checked)

    Nodes.DefNode.analyse_argument_types = analyse_argument_types
    Nodes.DefNode._cyn_argument_checks = True


def _nogil_argument(arg, env):
    """True when `arg` (not analysed yet) has a nogil-class type.  (Its type is analysed
    again by upstream, which reports the errors: none are reported here.)"""
    from Cython.Compiler.Errors import local_errors
    from .special_methods import _module_uses_nogil
    if not _module_uses_nogil(env):
        return False
    with local_errors(ignore=True) as errors:
        base_type = arg.base_type.analyse(env)
        _, t = arg.declarator.analyse(base_type, env)
    return not errors and is_nogil_ref(t)


def _prepend_none_checks(func, args):
    lines = []
    for arg in args:
        lines += ["if %s is None:" % arg.name,
                  "    raise TypeError(\"Argument '%s' must not be None\")" % arg.name]
    frag = TreeFragment("\n".join(lines) + "\n", name="not None arguments", level='function')
    checks = frag.substitute({}, pos=func.pos)
    stats = checks.stats if isinstance(checks, Nodes.StatListNode) else [checks]
    body = func.body
    if isinstance(body, Nodes.StatListNode):
        body.stats[:0] = stats
    else:
        func.body = Nodes.StatListNode(body.pos, stats=stats + [body])


def install_public_qualified_names():
    """Methods of a wrapper are named after the class's Python name, not the wrapper's
    internal one: `Point.norm.__qualname__` is 'Point.norm' (so a method pickles by
    reference) and tracebacks say `mod.Point.norm`."""
    from Cython.Compiler.ParseTreeTransforms import CalculateQualifiedNamesTransform as T
    if getattr(T, '_cyn_public_names', False):
        return
    upstream_append = T._append_entry
    upstream_visit = T.visit_FuncDefNode

    def _append_entry(self, entry):
        upstream_append(self, entry)
        public = getattr(getattr(entry, 'type', None), 'cyn_public_name', None)
        if public is None or not str(entry.name).startswith(WRAP_PREFIX) or not self.qualified_name:
            return
        self.qualified_name[-1] = public
        scope = entry.type.scope
        old = scope.qualified_name if scope is not None else None
        if old and old.endswith(entry.name):
            new = EncodedString(old[:len(old) - len(entry.name)] + public)
            renames = self.__dict__.setdefault('_cyn_renames', {})
            renames[old + "."] = new + "."
            for e in scope.entries.values():
                _rename(e, renames)
            scope.qualified_name = new

    def visit_FuncDefNode(self, node):
        renames = getattr(self, '_cyn_renames', None)
        if renames:      # a method of a wrapper (or a property's accessor): its scope's name
            _rename(getattr(node, 'entry', None), renames)
            _rename(getattr(node, 'local_scope', None), renames)
        return upstream_visit(self, node)

    T._append_entry = _append_entry
    T.visit_FuncDefNode = visit_FuncDefNode
    T._cyn_public_names = True


def _rename(obj, renames):
    q = getattr(obj, 'qualified_name', None)
    if not q:
        return
    for old, new in renames.items():
        if q.startswith(old):
            obj.qualified_name = EncodedString(new + q[len(old):])
            return
