"""Stage: text from values in nogil code — f-strings, and str()/repr() of C values.

Python code builds text with f-strings and str(). Without the GIL there is no Python str to
build, so in nogil code of a module that cimports cyn.lib both make a `lib.string`, with the
text Python would give:

    cdef lib.string line = f"{name:<10}{count:>8,} {share:.1%}"     # one allocation
    body = f"fib({n}) = {fib(n)}\\n"                                  # inferred: lib.string
    s = str(42)                                                       # lib.string "42"

A replacement field becomes its value's text as Python writes it: integers in decimal, floats
as repr() does (shortest round trip), bint as True/False, a lib.string as itself (None as
"None"), another nogil object through its `__str__` (else `__repr__`); `!r` and `!s` as in
Python. A format spec is Python's mini-language (fill, align, sign, `#`, `0`, width,
grouping, precision, type), written out by runtime/include/cyn/lib/format_spec.hpp byte for
byte as format() would; a literal spec is checked here with Python's own format() on a sample
of the value's kind, so an invalid one is a compile error with Python's message.

Where the GIL is held f-strings and str() stay Python's. Not supported without the GIL (each
a clear error): nested replacement fields in a spec (`{x:{width}}`), `!a`, C strings
(`char*`: Python would show them as bytes; use lib.string), Python objects.
"""
from Cython.Compiler import ExprNodes, PyrexTypes
from Cython.Compiler.Errors import error

from .literals import lib_class, runs_without_gil
from .types import is_nogil_ref

# A value of each kind Python's format() is asked about when a literal spec is checked.
_SAMPLES = {'integer': 1, 'unsigned': 1, 'float': 1.5, 'text': 'x'}


def _kind(t):
    """How a value of C type `t` becomes text: 'bint', 'integer', 'unsigned', 'float',
    'text' (lib.string), 'object' (another nogil class), or None (not supported)."""
    if isinstance(t, PyrexTypes.TemplatePlaceholderType):
        return 'generic'          # a generic class's T: decided per instantiation, in C++
    if isinstance(t, PyrexTypes.CBIntType):
        return 'bint'
    if t.is_enum or (t.is_int and t.signed):
        return 'integer'
    if t.is_int:
        return 'unsigned'
    if t.is_float:
        return 'float'
    if is_nogil_ref(t):
        st = t.struct_type
        return 'text' if getattr(st, 'cname', '') == 'cyn::lib::string' else 'object'
    return None


def _c_literal(text):
    """`text` as a C++ string_view expression (UTF-8, explicit length, every byte safe)."""
    data = text.encode('utf-8')
    out = []
    for b in data:
        c = chr(b)
        if c in '\\"?' or b < 32 or b >= 127:
            out.append('\\%03o' % b)
        else:
            out.append(c)
    return 'std::string_view("%s", %d)' % (''.join(out), len(data))


def _spec_text(node):
    """A format spec's literal text, or None when it has replacement fields of its own."""
    if node is None:
        return ''
    if isinstance(node, ExprNodes.UnicodeNode):
        return str(node.value)
    if isinstance(node, ExprNodes.JoinedStrNode) and all(isinstance(v, ExprNodes.UnicodeNode) for v in node.values):
        return ''.join(str(v.value) for v in node.values)
    return None


class NogilTextNode(ExprNodes.ExprNode):
    """A lib.string made of literal text and values' text, without the GIL.

    pieces   [(literal str, None, None, None) | (None, arg index, conversion, spec str)]
    args     the values (analysed), evaluated in order before the text is joined
    """
    subexprs = ['args']
    is_temp = True

    def analyse_types(self, env):
        return self

    def may_be_none(self):
        return False

    def nogil_check(self, env):
        pass

    def _piece_code(self, arg, conversion, spec):
        kind = _kind(arg.type)
        value = arg.result()
        if kind == 'generic':
            if spec:
                return 'cyn::stdlib::generic_formatted(%s, %s)' % (value, _c_literal(spec))
            return 'cyn::stdlib::generic_text(%s, %s)' % (value, 'true' if conversion == 'r' else 'false')
        if kind == 'bint':
            if spec:      # format(True, '>5') formats the integer, as bool is an int
                return 'cyn::stdlib::formatted((long long)(%s), %s)' % (value, _c_literal(spec))
            return 'cyn::stdlib::text_of_bool(%s)' % value
        cast = {'integer': 'long long', 'unsigned': 'unsigned long long', 'float': 'double'}.get(kind)
        if cast is not None:
            if spec:
                return 'cyn::stdlib::formatted((%s)(%s), %s)' % (cast, value, _c_literal(spec))
            return 'cyn::stdlib::text_of((%s)(%s))' % (cast, value)
        # lib.string
        if conversion == 'r':
            text = 'cyn::stdlib::repr_text(%s)' % value
            return 'cyn::stdlib::formatted_text(%s, %s)' % (text, _c_literal(spec)) if spec else text
        if spec:
            return 'cyn::stdlib::formatted(%s, %s)' % (value, _c_literal(spec))
        return 'cyn::stdlib::text_of(%s)' % value

    def generate_result_code(self, code):
        parts = []
        for literal, index, conversion, spec in self.pieces:
            if literal is not None:
                if literal:
                    parts.append(_c_literal(literal))
            else:
                parts.append(self._piece_code(self.args[index], conversion, spec))
        code.putln("try {")
        code.putln("%s = cyn::lib::string::concat({%s});" % (self.result(), ", ".join(parts)))
        code.putln("} catch (...) {")
        code.putln("cyn::stdlib::raise_lib_error_without_gil();")
        code.putln(code.error_goto(self.pos))
        code.putln("}")


def _text_type(env):
    """lib.string's reference type where nogil code builds text, else None."""
    from .special_methods import _module_uses_nogil
    if not runs_without_gil(env) or not _module_uses_nogil(env):
        return None
    return lib_class(env, 'string')


def _field_value(value, conversion, env):
    """A replacement field's value, analysed, as something _piece_code can write: a nogil
    object goes through str()/repr() (its __str__/__repr__). None after an error."""
    t = value.infer_type(env)
    if is_nogil_ref(t) and _kind(t) == 'object':
        from .special_methods import _method
        if _method(t, '__str__') is None and _method(t, '__repr__') is None:
            error(value.pos, "nogil class '%s' has no __str__ or __repr__ returning lib.string: "
                  "an f-string or str() in nogil code needs one" % t)
            return None
        call = ExprNodes.SimpleCallNode(value.pos, function=ExprNodes.NameNode(
            value.pos, name='repr' if conversion == 'r' else 'str'), args=[value])
        value = call.analyse_types(env)
        value.cyn_text_converted = True      # (the conversion is done: its text is final)
    else:
        value = value.analyse_types(env)
    t = value.type
    if t.is_error:
        return None
    kind = _kind(t)
    if kind is None or kind == 'object':
        if t.is_string or t.is_pyunicode_ptr or (t.is_ptr and t.base_type.is_int):
            error(value.pos, "a C string in an f-string in nogil code: make it a lib.string first "
                  "(Python would show it as bytes)")
        elif t.is_pyobject:
            error(value.pos, "an f-string in nogil code takes C values and nogil objects, not Python objects")
        else:
            error(value.pos, "no text for a value of type '%s' in nogil code (an f-string or str() "
                  "takes numbers, bint, lib.string and nogil objects with __str__ or __repr__)" % t)
        return None
    return value


def _check_spec(spec, kind, conversion, pos):
    """A literal spec checked with Python's format() on a sample of the value's kind."""
    sample_kind = 'text' if kind == 'text' or conversion in ('r', 's') else kind
    sample = _SAMPLES.get(sample_kind, 1)
    try:
        format(sample, spec)
    except (ValueError, TypeError, OverflowError) as e:
        error(pos, "invalid format spec '%s' for %s: %s" % (
            spec, {'integer': 'an integer', 'unsigned': 'an integer', 'float': 'a float',
                   'text': 'a string'}.get(sample_kind, sample_kind), e))
        return False
    return True


def _text_from_fstring(node, env):
    """`f"..."` in nogil code: a NogilTextNode, or None where the GIL is held."""
    t = _text_type(env)
    if t is None:
        return None
    pieces, args, ok = [], [], True
    for part in node.values:
        if isinstance(part, ExprNodes.UnicodeNode):
            pieces.append((str(part.value), None, None, None))
            continue
        if not isinstance(part, ExprNodes.FormattedValueNode):
            error(part.pos, "unsupported part of an f-string in nogil code")
            ok = False
            continue
        conversion = part.conversion_char
        if conversion == 'a':
            error(part.pos, "'!a' in an f-string in nogil code is not supported (use '!r')")
            ok = False
            continue
        spec = _spec_text(part.format_spec)
        if spec is None:
            error(part.format_spec.pos, "a format spec with replacement fields of its own ({x:{width}}) "
                  "is not supported in nogil code")
            ok = False
            continue
        if spec and conversion is None and _kind(part.value.infer_type(env)) == 'object':
            # Python: object.__format__ refuses any spec (TypeError, for None too)
            error(part.pos, "a format spec on a nogil object: Python's object.__format__ refuses it "
                  "(TypeError); format its text instead: {str(o):%s}" % spec)
            ok = False
            continue
        value = _field_value(part.value, conversion, env)
        if value is None:
            ok = False
            continue
        kind = _kind(value.type)
        if spec and kind != 'generic' and not _check_spec(spec, kind, conversion, part.pos):
            ok = False
            continue
        if kind not in ('text', 'generic') or getattr(value, 'cyn_text_converted', False):
            conversion = None      # a number's repr and str are its text; an object's is done
        pieces.append((None, len(args), conversion, spec))
        args.append(value)
    if not ok:
        from .analysis import NogilNullNode
        return NogilNullNode(node.pos, PyrexTypes.error_type)
    return NogilTextNode(node.pos, type=t, pieces=pieces, args=args)


def _text_from_str_call(node, env):
    """`str(x)` / `repr(x)` of a C number, bint or lib.string in nogil code: a lib.string."""
    fn = node.function
    if not isinstance(fn, ExprNodes.NameNode) or fn.name not in ('str', 'repr'):
        return None
    args = getattr(node, 'args', None)
    if args is None or len(args) != 1:
        return None
    t = _text_type(env)
    if t is None:
        return None
    from .analysis import _is_builtin
    if not _is_builtin(env.lookup(fn.name)):
        return None
    kind = _kind(args[0].infer_type(env))
    if kind not in ('bint', 'integer', 'unsigned', 'float', 'text', 'generic'):
        return None            # nogil objects: their __str__/__repr__ (special methods stage)
    value = args[0].analyse_types(env)
    if value.type.is_error:
        return None
    if _kind(value.type) == 'text' and fn.name == 'str':
        return value           # str(s) of a lib.string is s
    conversion = 'r' if fn.name == 'repr' else None
    return NogilTextNode(node.pos, type=t, pieces=[(None, 0, conversion, '')], args=[value])


def install():
    from .special_methods import _route

    _route(ExprNodes.JoinedStrNode, 'analyse_types', _text_from_fstring)
    # f"{x}" alone is parsed as its one field
    _route(ExprNodes.FormattedValueNode, 'analyse_types',
           lambda node, env: _text_from_fstring(ExprNodes.JoinedStrNode(node.pos, values=[node]), env))
    _route(ExprNodes.SimpleCallNode, 'analyse_types', _text_from_str_call)

    upstream_fstring_infer = ExprNodes.JoinedStrNode.infer_type

    def fstring_infer_type(self, env):
        t = _text_type(env)
        return t if t is not None else upstream_fstring_infer(self, env)

    ExprNodes.JoinedStrNode.infer_type = fstring_infer_type

    upstream_field_infer = ExprNodes.FormattedValueNode.infer_type

    def field_infer_type(self, env):
        t = _text_type(env)
        return t if t is not None else upstream_field_infer(self, env)

    ExprNodes.FormattedValueNode.infer_type = field_infer_type

    upstream_call_infer = ExprNodes.SimpleCallNode.infer_type

    def call_infer_type(self, env):
        fn = self.function
        if isinstance(fn, ExprNodes.NameNode) and fn.name in ('str', 'repr') and len(self.args or ()) == 1:
            t = _text_type(env)
            if t is not None:
                from .analysis import _is_builtin
                if _is_builtin(env.lookup(fn.name)) and _kind(self.args[0].infer_type(env)) in (
                        'bint', 'integer', 'unsigned', 'float', 'text', 'generic'):
                    return t
        return upstream_call_infer(self, env)

    ExprNodes.SimpleCallNode.infer_type = call_infer_type

    # `area_of("square")` for a Shape parameter: say so, not upstream's "Unicode literals do
    # not support coercion to C types other than Py_UCS4/Py_UNICODE"
    for cls in (ExprNodes.UnicodeNode, ExprNodes.BytesNode):
        upstream_literal_coerce = cls.coerce_to

        def literal_coerce_to(self, dst_type, env, upstream=upstream_literal_coerce):
            if is_nogil_ref(dst_type) and _kind(dst_type) == 'object':
                error(self.pos, "Cannot convert a text literal to nogil class '%s'" % dst_type)
                from .analysis import NogilNullNode
                return NogilNullNode(self.pos, PyrexTypes.error_type)
            return upstream(self, dst_type, env)

        cls.coerce_to = literal_coerce_to
