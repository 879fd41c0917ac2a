// cyn/stdlib/lib.hpp — the Cython-facing side of `from cyn cimport lib` (stdlib/cyn/lib.pxd).
//
// The containers themselves live in cyn/lib/*.hpp (plain C++). This header adds what only
// Cython code needs, so the containers stay free of Python:
//   - raise_lib_error(): the `except +raise_lib_error` handler of every lib method. Cython's
//     stock translation has no KeyError; this one maps cyn::KeyError to KeyError (with the
//     key itself as argument, as Python does), and the std:: types as Cython would.
//   - eq/ne/lt/…: comparison adaptors taking references (None compares by identity for ==
//     and !=, and has no order), used as the `__eq__`… of the lib classes ("free-function
//     methods", see docs/stdlib.md); set_or/set_ior/…: the set operators, whose None
//     errors Python words differently from the methods'.
// The argument after the object is never deduced (std::type_identity_t), so a literal None
// (`xs.extend(None)`, a nullptr in C++) compiles and raises TypeError when it runs.
//   - to_py(): copies of a container or string as Python objects (GIL held).
//   - to_view(): a container crossing to Python by itself is a live view (GIL held).
//   - *_from_py(): copies of Python objects into new containers, or the container of a
//     view (GIL held).
//
//   cyn::Ref<cyn::lib::list<long>> xs = ...;
//   try { xs->getitem(9); } catch (...) { cyn::stdlib::raise_lib_error(); }   // IndexError set
//
// Invariant: nothing here that runs on the success path of nogil code takes the GIL; the
// Python-facing functions are only called by Cython with the GIL held.
#pragma once

#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>

#include "cyn/error.hpp"
#include "cyn/lib/dict.hpp"
#include "cyn/lib/errors.hpp"
#include "cyn/lib/format_spec.hpp"
#include "cyn/lib/list.hpp"
#include "cyn/lib/set.hpp"
#include "cyn/lib/string.hpp"
#include "cyn/object.hpp"

namespace cyn::stdlib {

template <class X>
struct is_ref : std::false_type {};
template <class X>
struct is_ref<Ref<X>> : std::true_type {};

// ---- comparisons of references (a == b calls __eq__ "::cyn::stdlib::eq") -------------
// Python: `x == None` is False unless both are None; otherwise the containers' content.
template <class C>
inline bool eq(const Ref<C>& a, const std::type_identity_t<Ref<C>>& b) {
  if (!a || !b) return a.get() == b.get();
  return a.get() == b.get() || a->eq(*b);
}
template <class C>
inline bool ne(const Ref<C>& a, const std::type_identity_t<Ref<C>>& b) {
  return !eq(a, b);
}
// `<` `<=` `>` `>=`: the class's lt/le/gt/ge (strings by bytes, lists lexicographically,
// sets as subsets); with None, Python's TypeError ("'<' not supported between instances of
// 'str' and 'NoneType'").
template <class C>
inline bool lt(const Ref<C>& a, const std::type_identity_t<Ref<C>>& b) {
  if (!a || !b) lib::throw_unorderable("<", a, b);
  return a->lt(*b);
}
template <class C>
inline bool le(const Ref<C>& a, const std::type_identity_t<Ref<C>>& b) {
  if (!a || !b) lib::throw_unorderable("<=", a, b);
  return a->le(*b);
}
template <class C>
inline bool gt(const Ref<C>& a, const std::type_identity_t<Ref<C>>& b) {
  if (!a || !b) lib::throw_unorderable(">", a, b);
  return a->gt(*b);
}
template <class C>
inline bool ge(const Ref<C>& a, const std::type_identity_t<Ref<C>>& b) {
  if (!a || !b) lib::throw_unorderable(">=", a, b);
  return a->ge(*b);
}
// `text in s` (substring); hash(s).
inline bool string_contains(const Ref<lib::string>& s, const Ref<lib::string>& sub) {
  if (!sub) throw TypeError("'in <string>' requires string as left operand, not NoneType");
  return s->contains(*sub);
}
inline long hash(const Ref<lib::string>& s) { return static_cast<long>(lib::hash_of(s) >> 1); }
// Python's `xs * n` for a list; `s + t`, `s * n` for strings.
template <class T>
inline Ref<lib::list<T>> list_repeat(const Ref<lib::list<T>>& xs, lib::index_t n) {
  return xs->repeat(n);
}
inline Ref<lib::string> string_add(const Ref<lib::string>& a, const Ref<lib::string>& b) {
  if (!b) throw TypeError("can only concatenate str (not \"NoneType\") to str");
  return a->add(*b);
}

// ---- set operators: Python's TypeError for a None operand names the operator -----------
// ("unsupported operand type(s) for |: 'set' and 'NoneType'"; the methods say "'NoneType'
// object is not iterable", as Python's do).
template <class T>
inline const lib::set<T>& set_operand(const char* op, const Ref<lib::set<T>>& other) {
  if (!other) throw TypeError(std::string("unsupported operand type(s) for ") + op + ": 'set' and 'NoneType'");
  return *other;
}
template <class T>
inline Ref<lib::set<T>> set_or(const Ref<lib::set<T>>& a, const std::type_identity_t<Ref<lib::set<T>>>& b) {
  return a->union_(set_operand("|", b));
}
template <class T>
inline Ref<lib::set<T>> set_and(const Ref<lib::set<T>>& a, const std::type_identity_t<Ref<lib::set<T>>>& b) {
  return a->intersection(set_operand("&", b));
}
template <class T>
inline Ref<lib::set<T>> set_sub(const Ref<lib::set<T>>& a, const std::type_identity_t<Ref<lib::set<T>>>& b) {
  return a->difference(set_operand("-", b));
}
template <class T>
inline Ref<lib::set<T>> set_xor(const Ref<lib::set<T>>& a, const std::type_identity_t<Ref<lib::set<T>>>& b) {
  return a->symmetric_difference(set_operand("^", b));
}
// `s |= t` and friends change s in place (every reference to it sees the change).
template <class T>
inline void set_ior(const Ref<lib::set<T>>& a, const std::type_identity_t<Ref<lib::set<T>>>& b) {
  a->update(set_operand("|=", b));
}
template <class T>
inline void set_iand(const Ref<lib::set<T>>& a, const std::type_identity_t<Ref<lib::set<T>>>& b) {
  a->intersection_update(set_operand("&=", b));
}
template <class T>
inline void set_isub(const Ref<lib::set<T>>& a, const std::type_identity_t<Ref<lib::set<T>>>& b) {
  a->difference_update(set_operand("-=", b));
}
template <class T>
inline void set_ixor(const Ref<lib::set<T>>& a, const std::type_identity_t<Ref<lib::set<T>>>& b) {
  a->symmetric_difference_update(set_operand("^=", b));
}
inline Ref<lib::string> string_from_bytes(const char* p) { return make<lib::string>(p); }

// ---- sum() / min() / max() / sorted() of a list or set (the `__cyn_sum__`… of lib.pxd) ----
// Python's results and errors: sum from 0 (or `start`), ValueError for min/max of an empty
// container, items ordered by the element protocol (less_than: __lt__ for objects).
template <class C>
inline auto builtin_sum(const Ref<C>& items, typename C::value_type start) {
  static_assert(std::is_arithmetic_v<typename C::value_type>, "sum() of numbers");
  for (const auto& x : *items) start += x;
  return start;
}
template <class C>
inline auto builtin_sum(const Ref<C>& items) {
  return builtin_sum(items, typename C::value_type{});
}
template <class C>
inline typename C::value_type builtin_extreme(const Ref<C>& items, bool want_max, const char* empty) {
  auto it = items->begin(), end = items->end();
  if (it == end) throw ValueError(empty);
  typename C::value_type best = *it;
  for (++it; it != end; ++it) {
    // the first of equal extremes wins, as in Python
    if (want_max ? lib::less_than(best, *it) : lib::less_than(*it, best)) best = *it;
  }
  return best;
}
template <class C>
inline typename C::value_type builtin_min(const Ref<C>& items) {
  return builtin_extreme(items, false, "min() arg is an empty sequence");
}
template <class C>
inline typename C::value_type builtin_max(const Ref<C>& items) {
  return builtin_extreme(items, true, "max() arg is an empty sequence");
}
template <class C>
inline Ref<lib::list<typename C::value_type>> builtin_sorted(const Ref<C>& items, bool reverse = false) {
  auto out = make<lib::list<typename C::value_type>>();
  out->reserve(static_cast<std::size_t>(items->len()));
  for (const auto& x : *items) out->append(x);
  out->sort(reverse);
  return out;
}

// ... of a dict (its keys, as Python iterates a dict) and of d.keys() / d.values(): over a
// snapshot list of what they iterate, so the same rules apply.
template <class K, class V>
inline Ref<lib::list<K>> aggregated(const Ref<lib::dict<K, V>>& d) {
  return d->keys_list();
}
template <class K, class V, lib::dict_view_kind Kind>
inline auto aggregated(const Ref<lib::dict_view<K, V, Kind>>& view) {
  static_assert(Kind != lib::dict_view_kind::items, "sum()/min()/max()/sorted() of d.items()");
  if constexpr (Kind == lib::dict_view_kind::keys) {
    return view->mapping()->keys_list();
  } else {
    return view->mapping()->values_list();
  }
}
template <class M>
inline auto builtin_sum_of(const Ref<M>& m) { return builtin_sum(aggregated(m)); }
template <class M, class S>
inline auto builtin_sum_of(const Ref<M>& m, S start) { return builtin_sum(aggregated(m), start); }
template <class M>
inline auto builtin_min_of(const Ref<M>& m) { return builtin_min(aggregated(m)); }
template <class M>
inline auto builtin_max_of(const Ref<M>& m) { return builtin_max(aggregated(m)); }
template <class M>
inline auto builtin_sorted_of(const Ref<M>& m, bool reverse = false) {
  auto items = aggregated(m);
  items->sort(reverse);
  return items;
}

// xs.sort(key=f[, reverse=flag]) and sorted(xs, key=f[, reverse=flag]) with f a nogil function
// of one item (the compiler passes it): each key computed once; a key function that raises
// stops the sort with its exception, the list left as it was (keys are computed first).
template <class C, class F>
inline void list_sort_by_key(const Ref<C>& xs, F key, bool reverse) {
  using T = typename C::value_type;
  xs->sort_by_key([&](const T& item) {
    auto k = key(item);
    lib::detail::throw_if_method_raised();
    return k;
  }, reverse);
}
template <class C, class F>
inline auto builtin_sorted_by_key(const Ref<C>& items, F key, bool reverse) {
  auto out = make<lib::list<typename C::value_type>>();
  out->reserve(static_cast<std::size_t>(items->len()));
  for (const auto& x : *items) out->append(x);
  list_sort_by_key(out, key, reverse);
  return out;
}
// (a dict sorts its keys; d.keys() / d.values() what they iterate)
template <class K, class V, class F>
inline auto builtin_sorted_by_key(const Ref<lib::dict<K, V>>& d, F key, bool reverse) {
  auto out = aggregated(d);
  list_sort_by_key(out, key, reverse);
  return out;
}
template <class K, class V, lib::dict_view_kind Kind, class F>
inline auto builtin_sorted_by_key(const Ref<lib::dict_view<K, V, Kind>>& view, F key, bool reverse) {
  auto out = aggregated(view);
  list_sort_by_key(out, key, reverse);
  return out;
}

// `d.get(k)` / `d.pop(k, default)` keep their C++ names; `xs.extend(ys)` takes a ref (the
// list's Ref overloads raise TypeError for None).
template <class T>
inline void list_extend(const Ref<lib::list<T>>& xs, const std::type_identity_t<Ref<lib::list<T>>>& ys) {
  xs->extend(ys);
}
template <class T>
inline void list_setslice(const Ref<lib::list<T>>& xs, lib::index_t start, lib::index_t stop,
                          lib::index_t step, const std::type_identity_t<Ref<lib::list<T>>>& values) {
  xs->setslice(start, stop, step, values);
}
template <class T>
inline Ref<lib::set<T>> set_from_list(const Ref<lib::list<T>>& xs) {
  return make<lib::set<T>>(*xs);
}

#ifdef Py_PYTHON_H
// ---- errors ----------------------------------------------------------------------------
// A str subclass whose repr is the text itself (`cyn.lib.KeyRepr`), made once per module.
// Error path only; GIL held; nullptr (error cleared) if it cannot be made.
inline PyObject* key_repr_type() {
  static PyObject* type = nullptr;
  if (type) return type;
  PyObject* str_str = PyObject_GetAttrString(reinterpret_cast<PyObject*>(&PyUnicode_Type), "__str__");
  if (str_str) {
    type = PyObject_CallFunction(reinterpret_cast<PyObject*>(&PyType_Type), "s(O){sOsss()}", "KeyRepr",
                                 reinterpret_cast<PyObject*>(&PyUnicode_Type), "__repr__", str_str,
                                 "__module__", "cyn.lib", "__slots__");
    Py_DECREF(str_str);
  }
  if (!type) PyErr_Clear();
  return type;
}

// ast.literal_eval(source), or nullptr (error cleared) when it is no literal.
inline PyObject* literal_value(PyObject* source) {
  PyObject* ast = PyImport_ImportModule("ast");
  PyObject* value = ast ? PyObject_CallMethod(ast, "literal_eval", "O", source) : nullptr;
  Py_XDECREF(ast);
  if (!value) PyErr_Clear();
  return value;
}

// A C++ error message as a Python str. A message may quote a lib.string holding bytes that
// are not UTF-8 (`int()` of one, a missing key): those bytes show as \xNN escapes, so the
// error raised is still the one the C++ code meant, never a UnicodeDecodeError.
inline PyObject* message_text(const char* text) {
  return PyUnicode_DecodeUTF8(text, static_cast<Py_ssize_t>(std::strlen(text)), "backslashreplace");
}
inline void set_error(PyObject* type, const char* message) {
  if (PyObject* text = message_text(message)) {
    PyErr_SetObject(type, text);
    Py_DECREF(text);
  }
}

// The argument of a KeyError: the key itself when its repr reads back as a literal (so
// str(e) matches Python's exactly); else (an object's __repr__) the text as a KeyRepr, so
// that str(e) shows it unquoted, as Python shows the repr of an object key. A lib.string
// key that is not UTF-8 has no str; its bytes are the key (b'\xff'). Error path only; GIL
// held.
inline PyObject* key_error_argument(const char* repr) {
  Py_ssize_t size = static_cast<Py_ssize_t>(std::strlen(repr));
  PyObject* text = PyUnicode_DecodeUTF8(repr, size, "strict");
  if (!text) {
    PyErr_Clear();
    // The repr quotes the raw bytes and escapes the rest, so with the bytes above 0x7f
    // escaped too it is a bytes literal of the key.
    if (PyObject* escaped = PyUnicode_DecodeASCII(repr, size, "backslashreplace")) {
      PyObject* source = PyUnicode_FromFormat("b%U", escaped);
      Py_DECREF(escaped);
      PyObject* value = source ? literal_value(source) : nullptr;
      Py_XDECREF(source);
      if (value && PyBytes_Check(value)) return value;
      Py_XDECREF(value);
    }
    PyErr_Clear();
    text = message_text(repr);
    if (!text) return nullptr;
  }
  PyObject* value = literal_value(text);
  if (!value) {
    if (PyObject* type = key_repr_type()) {
      PyObject* shown = PyObject_CallFunctionObjArgs(type, text, nullptr);
      if (shown) {
        Py_DECREF(text);
        return shown;
      }
      PyErr_Clear();
    }
    return text;
  }
  Py_DECREF(text);
  return value;
}

// KeyError(key), with the key as the only argument even when it is a tuple.
inline void set_key_error(PyObject* key) {
  if (PyObject* args = PyTuple_Pack(1, key)) {
    PyErr_SetObject(PyExc_KeyError, args);
    Py_DECREF(args);
  }
}

// The `except +raise_lib_error` handler: called by Cython inside `catch (...)` with the GIL
// held; sets the Python exception matching the C++ one.
inline void raise_lib_error() {
  try {
    throw;
  } catch (const cyn::KeyError& e) {
    PyObject* key = key_error_argument(e.what());
    if (key) {
      set_key_error(key);
      Py_DECREF(key);
    }
  } catch (const cyn::StopIteration&) {
    PyErr_SetNone(PyExc_StopIteration);
  } catch (const cyn::PythonErrorPending&) {
    // An element's special method raised: its exception is already pending.
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_SystemError, "cyn: a pending exception was lost");
  } catch (const std::bad_cast& e) {
    set_error(PyExc_TypeError, e.what());
  } catch (const std::bad_alloc&) {
    PyErr_NoMemory();
  } catch (const std::out_of_range& e) {
    set_error(PyExc_IndexError, e.what());
  } catch (const std::invalid_argument& e) {
    set_error(PyExc_ValueError, e.what());
  } catch (const std::overflow_error& e) {
    set_error(PyExc_OverflowError, e.what());
  } catch (const std::exception& e) {
    set_error(PyExc_RuntimeError, e.what());
  } catch (...) {
    PyErr_SetString(PyExc_RuntimeError, "unknown C++ exception");
  }
}

// The C++ exception being handled, raised as Python's in nogil code: the GIL is taken only
// here, on the error path, and the error hint is set for the callers (code the compiler
// writes around a throwing call of its own, as `except +raise_lib_error` does for methods).
inline void raise_lib_error_without_gil() noexcept {
  PyGILState_STATE g = PyGILState_Ensure();
  raise_lib_error();
  if (!PyErr_Occurred()) PyErr_SetString(PyExc_RuntimeError, "unknown C++ exception");
  PyGILState_Release(g);
  cyn_set_error_hint();
}

// ---- f-strings and str() in nogil code (the compiler's text stage) -----------------------
// Each value as the text f"{value}" / str(value) gives in Python; the strings returned live
// until the end of the full expression that joins them (string::concat).
inline std::string text_of(long long value) {
  char buffer[lib::kNumberBufferSize];
  return std::string(buffer, lib::format_long(value, buffer));
}
inline std::string text_of(unsigned long long value) {
  char buffer[lib::kNumberBufferSize];
  return std::string(buffer, lib::format_ulong(value, buffer));
}
inline std::string text_of(double value) {
  char buffer[lib::kNumberBufferSize];
  return std::string(buffer, lib::format_double(value, buffer));
}
inline std::string_view text_of_bool(bool value) noexcept { return value ? "True" : "False"; }
inline std::string_view text_of(const Ref<lib::string>& s) noexcept {
  return s ? s->view() : std::string_view("None");
}
// f"{s!r}": Python's repr of the text.
inline std::string repr_text(const Ref<lib::string>& s) { return s ? s->repr() : std::string("None"); }
// f"{value:spec}": format(value, spec) (format_spec.hpp).
inline std::string formatted(long long value, std::string_view spec) {
  return lib::format_integer(value, lib::parse_format_spec(spec));
}
inline std::string formatted(unsigned long long value, std::string_view spec) {
  return lib::format_unsigned(value, false, lib::parse_format_spec(spec));
}
inline std::string formatted(double value, std::string_view spec) {
  return lib::format_float(value, lib::parse_format_spec(spec));
}
inline std::string formatted(const Ref<lib::string>& s, std::string_view spec) {
  if (!s) throw TypeError("unsupported format string passed to NoneType.__format__");
  return lib::format_text(s->view(), lib::parse_format_spec(spec));
}
inline std::string formatted_text(std::string_view text, std::string_view spec) {
  return lib::format_text(text, lib::parse_format_spec(spec));
}

// f"{v}" / str(v) / repr(v) of a generic class's type-parameter value, per instantiation:
// numbers and lib.string as above, a nogil object through its __str__ (else __repr__; an
// exception it raises propagates), None as "None".
template <class T>
inline std::string generic_text(const T& value, bool as_repr) {
  if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    return text_of(static_cast<long long>(value));
  } else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
    return text_of(static_cast<unsigned long long>(value));
  } else if constexpr (std::is_floating_point_v<T>) {
    return text_of(static_cast<double>(value));
  } else if constexpr (std::is_same_v<T, Ref<lib::string>>) {
    return as_repr ? repr_text(value) : std::string(text_of(value));
  } else {
    if (!value) return "None";
    if constexpr (requires { value->__str__(); }) {
      if (!as_repr) {
        Ref<lib::string> text = value->__str__();
        lib::detail::throw_if_method_raised();
        return std::string(text_of(text));
      }
    }
    if constexpr (requires { value->__repr__(); }) {
      Ref<lib::string> text = value->__repr__();
      lib::detail::throw_if_method_raised();
      return std::string(text_of(text));
    } else {
      char address[32];
      std::snprintf(address, sizeof address, "%p", static_cast<const void*>(value.get()));
      return std::string("<nogil object at ") + address + ">";   // Python's default repr, nameless
    }
  }
}
// f"{v:spec}" of such a value: numbers and strings as format() does; an object refuses a spec
// (object.__format__'s TypeError).
template <class T>
inline std::string generic_formatted(const T& value, std::string_view spec) {
  if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    return formatted(static_cast<long long>(value), spec);
  } else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
    return formatted(static_cast<unsigned long long>(value), spec);
  } else if constexpr (std::is_floating_point_v<T>) {
    return formatted(static_cast<double>(value), spec);
  } else if constexpr (std::is_same_v<T, Ref<lib::string>>) {
    return formatted(value, spec);
  } else {
    throw TypeError("unsupported format string passed to object.__format__");
  }
}

// ---- to Python ---------------------------------------------------------------------------
template <class T>
inline PyObject* to_py(const Ref<lib::list<T>>& xs);
template <class K, class V>
inline PyObject* to_py(const Ref<lib::dict<K, V>>& d);
template <class T>
inline PyObject* to_py(const Ref<lib::set<T>>& s);
inline PyObject* to_py(const Ref<lib::string>& s);
// One element as a new Python object (nullptr with an exception set on failure). Scalars as
// int/float/bool, lib.string as str, objects of nogil classes as their wrappers.
// A lib.string decodes as UTF-8 with the "surrogateescape" handler: a byte that is no part of
// valid UTF-8 shows as the lone surrogate U+DC80 + byte (b"\xff" as "\udcff", as os.fsdecode
// does), so every lib.string is readable from Python and str -> lib.string (item_from_py)
// turns those surrogates back into the same bytes: the round trip is exact.
template <class T>
inline PyObject* item_to_py(const T& x) {
  if constexpr (std::is_same_v<T, bool>) {
    return PyBool_FromLong(x);
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    return PyLong_FromLongLong(static_cast<long long>(x));
  } else if constexpr (std::is_integral_v<T>) {
    return PyLong_FromUnsignedLongLong(static_cast<unsigned long long>(x));
  } else if constexpr (std::is_floating_point_v<T>) {
    return PyFloat_FromDouble(static_cast<double>(x));
  } else if constexpr (std::is_same_v<T, Ref<lib::string>>) {
    if (!x) Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(x->data(), static_cast<Py_ssize_t>(x->size()), "surrogateescape");
  } else if constexpr (requires { cyn_item_to_py(x); }) {
    // A nogil class: its module declares the conversion beside the class (found by ADL),
    // giving the wrapper of the object's own class.
    return cyn_item_to_py(x);
  } else if constexpr (is_ref<T>::value) {
    return to_py(x);
  } else {
    static_assert(!sizeof(T), "no Python conversion for this element type");
  }
}

inline PyObject* to_py(const Ref<lib::string>& s) { return item_to_py(s); }

template <class T>
inline PyObject* to_py(const Ref<lib::list<T>>& xs) {
  if (!xs) Py_RETURN_NONE;
  PyObject* out = PyList_New(static_cast<Py_ssize_t>(xs->size()));
  if (!out) return nullptr;
  for (std::size_t i = 0; i < xs->size(); ++i) {
    PyObject* item = item_to_py((*xs)[i]);
    if (!item) {
      Py_DECREF(out);
      return nullptr;
    }
    PyList_SET_ITEM(out, static_cast<Py_ssize_t>(i), item);
  }
  return out;
}

template <class K, class V>
inline PyObject* to_py(const Ref<lib::dict<K, V>>& d) {
  if (!d) Py_RETURN_NONE;
  PyObject* out = PyDict_New();
  if (!out) return nullptr;
  for (auto& e : *d) {
    PyObject* k = item_to_py(e.key);
    PyObject* v = k ? item_to_py(e.value) : nullptr;
    if (!v || PyDict_SetItem(out, k, v) < 0) {
      Py_XDECREF(k);
      Py_XDECREF(v);
      Py_DECREF(out);
      return nullptr;
    }
    Py_DECREF(k);
    Py_DECREF(v);
  }
  return out;
}

// list(d.keys()), list(d.values()), list(d.items()) (the last as (key, value) tuples).
template <class K, class V, lib::dict_view_kind Kind>
inline PyObject* to_py(const Ref<lib::dict_view<K, V, Kind>>& view) {
  if (!view) Py_RETURN_NONE;
  const auto& d = view->mapping();
  PyObject* out = PyList_New(static_cast<Py_ssize_t>(d->size()));
  if (!out) return nullptr;
  Py_ssize_t i = 0;
  for (auto& e : *d) {
    PyObject* item;
    if constexpr (Kind == lib::dict_view_kind::keys) {
      item = item_to_py(e.key);
    } else if constexpr (Kind == lib::dict_view_kind::values) {
      item = item_to_py(e.value);
    } else {
      PyObject* k = item_to_py(e.key);
      PyObject* v = k ? item_to_py(e.value) : nullptr;
      item = v ? PyTuple_Pack(2, k, v) : nullptr;
      Py_XDECREF(k);
      Py_XDECREF(v);
    }
    if (!item) {
      Py_DECREF(out);
      return nullptr;
    }
    PyList_SET_ITEM(out, i++, item);
  }
  return out;
}

template <class T>
inline PyObject* to_py(const Ref<lib::set<T>>& s) {
  if (!s) Py_RETURN_NONE;
  PyObject* out = PySet_New(nullptr);
  if (!out) return nullptr;
  for (const T& x : *s) {
    PyObject* item = item_to_py(x);
    if (!item || PySet_Add(out, item) < 0) {
      Py_XDECREF(item);
      Py_DECREF(out);
      return nullptr;
    }
    Py_DECREF(item);
  }
  return out;
}

// ---- from Python -------------------------------------------------------------------------
// (a view of the same container type converts back to that container: defined below)
template <class C>
inline bool view_unwrap(PyObject* o, Ref<C>& out);

template <class T>
inline Ref<lib::list<T>> list_from_py(PyObject* o);
template <class K, class V>
inline Ref<lib::dict<K, V>> dict_from_py(PyObject* o);
template <class T>
inline Ref<lib::set<T>> set_from_py(PyObject* o);

// Containers as elements (`lib.list[lib.list[long]]`): converted by their own from_py.
template <class T>
struct nested_from_py : std::false_type {};
template <class U>
struct nested_from_py<Ref<lib::list<U>>> : std::true_type {
  static Ref<lib::list<U>> convert(PyObject* o) { return list_from_py<U>(o); }
};
template <class K, class V>
struct nested_from_py<Ref<lib::dict<K, V>>> : std::true_type {
  static Ref<lib::dict<K, V>> convert(PyObject* o) { return dict_from_py<K, V>(o); }
};
template <class U>
struct nested_from_py<Ref<lib::set<U>>> : std::true_type {
  static Ref<lib::set<U>> convert(PyObject* o) { return set_from_py<U>(o); }
};

// One Python object as an element; false with an exception set when it does not convert.
template <class T>
inline bool item_from_py(PyObject* o, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    int v = PyObject_IsTrue(o);
    if (v < 0) return false;
    out = v != 0;
    return true;
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    long long v = PyLong_AsLongLong(o);
    if (v == -1 && PyErr_Occurred()) return false;
    if (static_cast<long long>(static_cast<T>(v)) != v) {
      PyErr_SetString(PyExc_OverflowError, "value too large to convert");
      return false;
    }
    out = static_cast<T>(v);
    return true;
  } else if constexpr (std::is_integral_v<T>) {
    unsigned long long v = PyLong_AsUnsignedLongLong(o);
    if (v == static_cast<unsigned long long>(-1) && PyErr_Occurred()) return false;
    if (static_cast<unsigned long long>(static_cast<T>(v)) != v) {
      PyErr_SetString(PyExc_OverflowError, "value too large to convert");
      return false;
    }
    out = static_cast<T>(v);
    return true;
  } else if constexpr (std::is_floating_point_v<T>) {
    double v = PyFloat_AsDouble(o);
    if (v == -1.0 && PyErr_Occurred()) return false;
    out = static_cast<T>(v);
    return true;
  } else if constexpr (std::is_same_v<T, Ref<lib::string>>) {
    // str is stored as its UTF-8 bytes; bytes as they are; None as None (a slot of a
    // string holds a reference or None, as for any nogil class).
    if (o == Py_None) {
      out = nullptr;
      return true;
    }
    const char* data = nullptr;
    Py_ssize_t size = 0;
    if (PyUnicode_Check(o)) {
      data = PyUnicode_AsUTF8AndSize(o, &size);
      if (!data) {
        // Lone surrogates: U+DC80..U+DCFF are the bytes item_to_py escaped (surrogateescape)
        // and go back to those bytes; any other surrogate stays a UnicodeEncodeError.
        if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) return false;
        PyErr_Clear();
        PyObject* raw = PyUnicode_AsEncodedString(o, "utf-8", "surrogateescape");
        if (!raw) return false;
        out = make<lib::string>(PyBytes_AS_STRING(raw), static_cast<std::size_t>(PyBytes_GET_SIZE(raw)));
        Py_DECREF(raw);
        return true;
      }
    } else if (PyBytes_Check(o)) {
      data = PyBytes_AS_STRING(o);
      size = PyBytes_GET_SIZE(o);
    } else {
      PyErr_Format(PyExc_TypeError, "expected str or bytes, got %.200s", Py_TYPE(o)->tp_name);
      return false;
    }
    out = make<lib::string>(data, static_cast<std::size_t>(size));
    return true;
  } else if constexpr (nested_from_py<T>::value) {
    T value = nested_from_py<T>::convert(o);  // None stays None
    if (!value && o != Py_None) return false;
    out = std::move(value);
    return true;
  } else if constexpr (requires { cyn_item_from_py(o, static_cast<const T*>(nullptr)); }) {
    // A nogil class (see item_to_py): its wrapper or a subclass's, or None; else TypeError.
    T value = cyn_item_from_py(o, static_cast<const T*>(nullptr));
    if (!value && o != Py_None) return false;
    out = std::move(value);
    return true;
  } else {
    static_assert(!sizeof(T), "no Python conversion for this element type");
  }
}

// Converts every item of a Python iterable to T and hands it to `take`; false (with a Python
// exception set) when iteration or a conversion fails.
template <class T, class Take>
inline bool each_item_from_py(PyObject* o, Take take) {
  PyObject* it = PyObject_GetIter(o);
  if (!it) return false;
  while (PyObject* item = PyIter_Next(it)) {
    T x{};
    bool ok = item_from_py(item, x);
    Py_DECREF(item);
    if (!ok) {
      Py_DECREF(it);
      return false;
    }
    take(std::move(x));
  }
  Py_DECREF(it);
  return !PyErr_Occurred();
}

// Python iterable → new list (any iterable, as list(x) accepts).
template <class T>
inline Ref<lib::list<T>> list_from_py(PyObject* o) {
  if (o == Py_None) return nullptr;
  if (Ref<lib::list<T>> same; view_unwrap(o, same)) return same;
  auto out = make<lib::list<T>>();
  Py_ssize_t hint = PyObject_LengthHint(o, 0);
  if (hint > 0) out->reserve(static_cast<std::size_t>(hint));
  PyErr_Clear();
  if (!each_item_from_py<T>(o, [&](T&& x) { out->append(std::move(x)); })) return nullptr;
  return out;
}

// Python mapping (dict) → new dict, in the mapping's iteration order.
template <class K, class V>
inline Ref<lib::dict<K, V>> dict_from_py(PyObject* o) {
  if (o == Py_None) return nullptr;
  if (Ref<lib::dict<K, V>> same; view_unwrap(o, same)) return same;
  if (!PyDict_Check(o)) {
    PyErr_Format(PyExc_TypeError, "expected dict, got %.200s", Py_TYPE(o)->tp_name);
    return nullptr;
  }
  auto out = make<lib::dict<K, V>>();
  out->reserve(static_cast<std::size_t>(PyDict_Size(o)));
  PyObject *key, *value;
  Py_ssize_t pos = 0;
  while (PyDict_Next(o, &pos, &key, &value)) {
    K k{};
    V v{};
    if (!item_from_py(key, k) || !item_from_py(value, v)) return nullptr;
    out->setitem(std::move(k), std::move(v));
  }
  return out;
}

// Python iterable → new set.
template <class T>
inline Ref<lib::set<T>> set_from_py(PyObject* o) {
  if (o == Py_None) return nullptr;
  if (Ref<lib::set<T>> same; view_unwrap(o, same)) return same;
  auto out = make<lib::set<T>>();
  if (!each_item_from_py<T>(o, [&](T&& x) { out->add(std::move(x)); })) return nullptr;
  return out;
}

// ---- live views: a container crossing to Python by itself ---------------------------------
// `return xs` from a def function (or any conversion of a container reference to a Python
// object) gives a view: a Python object sharing the container (len, indexing, `in`,
// iteration — which raises RuntimeError if the container changes size meanwhile — and
// .to_py() for a copy). Converting the view back to the container type gives the same object.
// One Python type per container type, made on first use (GIL held).
template <class C>
struct View {
  PyObject_HEAD
  Ref<C> ref;
};

template <class C, class It>
struct ViewIter {
  PyObject_HEAD
  Ref<It> it;
};

template <class C>
inline void view_dealloc(PyObject* self) {
  reinterpret_cast<View<C>*>(self)->ref.~Ref<C>();
  PyTypeObject* tp = Py_TYPE(self);
  tp->tp_free(self);
  Py_DECREF(tp);
}

template <class C>
inline Py_ssize_t view_len(PyObject* self) {
  return static_cast<Py_ssize_t>(reinterpret_cast<View<C>*>(self)->ref->len());
}

template <class C, class It>
inline void view_iter_dealloc(PyObject* self) {
  reinterpret_cast<ViewIter<C, It>*>(self)->it.~Ref<It>();
  PyTypeObject* tp = Py_TYPE(self);
  tp->tp_free(self);
  Py_DECREF(tp);
}

// The element type a container's iterator produces.
template <class C>
struct view_traits;
template <class T>
struct view_traits<lib::list<T>> {
  using item = T;
  using iterator = lib::list_iterator<T>;
  static constexpr const char* name = "cyn.lib.list_view";
  static constexpr const char* iter_name = "cyn.lib.list_view_iterator";
};
template <class K, class V>
struct view_traits<lib::dict<K, V>> {
  using item = K;
  using iterator = lib::dict_iterator<K, V>;
  static constexpr const char* name = "cyn.lib.dict_view";
  static constexpr const char* iter_name = "cyn.lib.dict_view_iterator";
};
template <class T>
struct view_traits<lib::set<T>> {
  using item = T;
  using iterator = lib::set_iterator<T>;
  static constexpr const char* name = "cyn.lib.set_view";
  static constexpr const char* iter_name = "cyn.lib.set_view_iterator";
};

template <class C, class It>
inline PyObject* view_iter_next(PyObject* self) {
  using T = typename view_traits<C>::item;
  T out{};
  try {
    if (!reinterpret_cast<ViewIter<C, It>*>(self)->it->next(out)) return nullptr;  // StopIteration
  } catch (...) {
    raise_lib_error();
    return nullptr;
  }
  return item_to_py(out);
}

template <class C>
inline PyTypeObject* view_iter_type() {
  using It = typename view_traits<C>::iterator;
  static PyTypeObject* type = [] {
    static PyType_Slot slots[] = {
        {Py_tp_dealloc, reinterpret_cast<void*>(&view_iter_dealloc<C, It>)},
        {Py_tp_iter, reinterpret_cast<void*>(&PyObject_SelfIter)},
        {Py_tp_iternext, reinterpret_cast<void*>(&view_iter_next<C, It>)},
        {0, nullptr}};
    static PyType_Spec spec = {view_traits<C>::iter_name, sizeof(ViewIter<C, It>), 0, Py_TPFLAGS_DEFAULT, slots};
    return reinterpret_cast<PyTypeObject*>(PyType_FromSpec(&spec));
  }();
  return type;
}

template <class C>
inline PyObject* view_iter(PyObject* self) {
  using It = typename view_traits<C>::iterator;
  PyTypeObject* tp = view_iter_type<C>();
  if (!tp) return nullptr;
  PyObject* o = tp->tp_alloc(tp, 0);
  if (!o) return nullptr;
  new (&reinterpret_cast<ViewIter<C, It>*>(o)->it) Ref<It>();
  try {
    reinterpret_cast<ViewIter<C, It>*>(o)->it = reinterpret_cast<View<C>*>(self)->ref->iter();
  } catch (...) {
    Py_DECREF(o);
    raise_lib_error();
    return nullptr;
  }
  return o;
}

// ---- lookups through a view: a Python key against elements of type T ----------------------
// `x in view`, `view[key]` and `view.get(key)` answer as Python's list/dict/set would: a key
// that does not convert to T is not simply absent when it equals an element (1.0 and True
// equal 1; Fraction(1) too), and one that cannot equal any element (a str among ints, 1.5,
// an int out of T's range) is absent rather than an error.
enum class lookup_result { converted, absent, error };

// A conversion failure that only means "no element can equal this key"; other exceptions
// (MemoryError, KeyboardInterrupt, an __eq__ raising something else) stay errors.
inline lookup_result absent_unless_serious() {
  if (PyErr_ExceptionMatches(PyExc_TypeError) || PyErr_ExceptionMatches(PyExc_ValueError) ||
      PyErr_ExceptionMatches(PyExc_OverflowError)) {
    PyErr_Clear();
    return lookup_result::absent;
  }
  return lookup_result::error;
}

// `o == number` as Python says it (number: a new reference, consumed); error → error.
inline lookup_result equal_to_number(PyObject* o, PyObject* number) {
  if (!number) return absent_unless_serious();
  int equal = PyObject_RichCompareBool(o, number, Py_EQ);
  Py_DECREF(number);
  if (equal < 0) return absent_unless_serious();
  return equal ? lookup_result::converted : lookup_result::absent;
}

// A number that is no int nor float but may equal one (Fraction, Decimal, numpy scalars).
inline bool is_other_number(PyObject* o) {
  PyNumberMethods* nb = Py_TYPE(o)->tp_as_number;
  return nb && (nb->nb_int || nb->nb_float || nb->nb_index) && !PyUnicode_Check(o) && !PyBytes_Check(o);
}

template <class T>
inline lookup_result lookup_key_from_py(PyObject* o, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    // bool elements show as True/False: a key is one of them when it equals it (1, 1.0), not
    // when it is merely truthy ("a" in [True] is False).
    if (PyBool_Check(o)) {
      out = o == Py_True;
      return lookup_result::converted;
    }
    Py_INCREF(Py_True);
    lookup_result as_true = equal_to_number(o, Py_True);
    if (as_true != lookup_result::absent) {
      out = true;
      return as_true;
    }
    Py_INCREF(Py_False);
    out = false;
    return equal_to_number(o, Py_False);
  } else if constexpr (std::is_integral_v<T>) {
    if (PyLong_Check(o)) return item_from_py(o, out) ? lookup_result::converted : absent_unless_serious();
    if (!PyFloat_Check(o) && !is_other_number(o)) return lookup_result::absent;
    // An integral float (or other number) equals the int it truncates to; others equal no int.
    PyObject* whole = PyNumber_Long(o);  // inf/nan: an error, hence absent
    if (!whole) return absent_unless_serious();
    Py_INCREF(whole);
    lookup_result same = equal_to_number(o, whole);
    if (same == lookup_result::converted && !item_from_py(whole, out)) same = absent_unless_serious();
    Py_DECREF(whole);
    return same;
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!PyFloat_Check(o) && !PyLong_Check(o) && !is_other_number(o)) return lookup_result::absent;
    if (!item_from_py(o, out)) return absent_unless_serious();
    if (PyFloat_Check(o)) return lookup_result::converted;
    // An int or other number equals the element only if the double holds it exactly
    // (2**53 + 1 is not 2.0**53, as Python compares them).
    return equal_to_number(o, PyFloat_FromDouble(static_cast<double>(out)));
  } else if constexpr (std::is_same_v<T, Ref<lib::string>>) {
    if (o != Py_None && !PyUnicode_Check(o) && !PyBytes_Check(o)) return lookup_result::absent;
    return item_from_py(o, out) ? lookup_result::converted : absent_unless_serious();
  } else {
    return item_from_py(o, out) ? lookup_result::converted : absent_unless_serious();
  }
}

template <class C>
inline int view_contains(PyObject* self, PyObject* value) {
  typename view_traits<C>::item x{};
  switch (lookup_key_from_py(value, x)) {
    case lookup_result::absent:
      // as `"a" in [1, 2]` is False; a dict or set still wants a hashable key (`[1] in {1}`
      // is a TypeError in Python)
      if (!std::is_same_v<C, lib::list<typename view_traits<C>::item>> && PyObject_Hash(value) == -1) return -1;
      return 0;
    case lookup_result::error:
      return -1;
    case lookup_result::converted:
      break;
  }
  try {
    return reinterpret_cast<View<C>*>(self)->ref->contains(x) ? 1 : 0;
  } catch (...) {
    raise_lib_error();  // an element's __eq__ raised
    return -1;
  }
}

// ---- list views: indexing and slicing as a Python list ------------------------------------
template <class T>
inline PyObject* list_view_item_at(const Ref<lib::list<T>>& xs, Py_ssize_t i) {
  if (i < 0 || i >= static_cast<Py_ssize_t>(xs->len())) {
    PyErr_SetString(PyExc_IndexError, "list index out of range");
    return nullptr;
  }
  try {
    return item_to_py(xs->getitem(static_cast<lib::index_t>(i)));
  } catch (...) {
    raise_lib_error();
    return nullptr;
  }
}

// sq_item: Python has already added len() to a negative index (PySequence_GetItem), so one
// still negative is out of range; it is never adjusted twice.
template <class T>
inline PyObject* list_view_item(PyObject* self, Py_ssize_t i) {
  return list_view_item_at(reinterpret_cast<View<lib::list<T>>*>(self)->ref, i);
}

// view[i] (any __index__ object, negative from the end) and view[a:b:c] (a new Python list
// of the items, as a list's slice is a new list).
template <class T>
inline PyObject* list_view_subscript(PyObject* self, PyObject* key) {
  const Ref<lib::list<T>>& xs = reinterpret_cast<View<lib::list<T>>*>(self)->ref;
  if (PyIndex_Check(key)) {
    Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred()) return nullptr;
    if (i < 0) i += static_cast<Py_ssize_t>(xs->len());
    return list_view_item_at(xs, i);
  }
  if (PySlice_Check(key)) {
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(key, &start, &stop, &step) < 0) return nullptr;
    Py_ssize_t count = PySlice_AdjustIndices(static_cast<Py_ssize_t>(xs->len()), &start, &stop, step);
    PyObject* out = PyList_New(count);
    if (!out) return nullptr;
    for (Py_ssize_t k = 0; k < count; ++k) {
      PyObject* item = list_view_item_at(xs, start + k * step);
      if (!item) {
        Py_DECREF(out);
        return nullptr;
      }
      PyList_SET_ITEM(out, k, item);
    }
    return out;
  }
  PyErr_Format(PyExc_TypeError, "list indices must be integers or slices, not %.200s", Py_TYPE(key)->tp_name);
  return nullptr;
}

// view.index(x[, start[, stop]]) and view.count(x), as list's (x compared as `in` does).
template <class T>
inline PyObject* list_view_index(PyObject* self, PyObject* args) {
  const Ref<lib::list<T>>& xs = reinterpret_cast<View<lib::list<T>>*>(self)->ref;
  PyObject* value;
  Py_ssize_t start = 0, stop = PY_SSIZE_T_MAX;
  if (!PyArg_ParseTuple(args, "O|nn:index", &value, &start, &stop)) return nullptr;
  T x{};
  switch (lookup_key_from_py(value, x)) {
    case lookup_result::error:
      return nullptr;
    case lookup_result::absent:
      break;
    case lookup_result::converted:
      try {
        return PyLong_FromSsize_t(static_cast<Py_ssize_t>(xs->index(x, start, stop)));
      } catch (const std::invalid_argument&) {
        break;  // not there: Python's message below names the value as Python shows it
      } catch (...) {
        raise_lib_error();
        return nullptr;
      }
  }
  PyErr_Format(PyExc_ValueError, "%R is not in list", value);
  return nullptr;
}
template <class T>
inline PyObject* list_view_count(PyObject* self, PyObject* value) {
  T x{};
  switch (lookup_key_from_py(value, x)) {
    case lookup_result::error:
      return nullptr;
    case lookup_result::absent:
      return PyLong_FromLong(0);
    case lookup_result::converted:
      break;
  }
  try {
    return PyLong_FromSsize_t(static_cast<Py_ssize_t>(reinterpret_cast<View<lib::list<T>>*>(self)->ref->count(x)));
  } catch (...) {
    raise_lib_error();
    return nullptr;
  }
}

// ---- dict views: a read-only mapping -------------------------------------------------------
// view[key]: KeyError names the key as given (view["\udcff"] names that str, not its bytes).
template <class K, class V>
inline PyObject* dict_view_subscript(PyObject* self, PyObject* key) {
  K k{};
  switch (lookup_key_from_py(key, k)) {
    case lookup_result::error:
      return nullptr;
    case lookup_result::absent:
      // A key that is no K cannot be in the dict: KeyError, as Python's dict raises (or
      // TypeError for an unhashable key, as Python's does).
      if (PyObject_Hash(key) != -1) set_key_error(key);
      return nullptr;
    case lookup_result::converted:
      break;
  }
  try {
    if (V* value = reinterpret_cast<View<lib::dict<K, V>>*>(self)->ref->find(k)) return item_to_py(*value);
  } catch (...) {
    raise_lib_error();  // an object key's __hash__/__eq__ raised
    return nullptr;
  }
  set_key_error(key);
  return nullptr;
}

// view.get(key[, default]): the value, or default (None) where view[key] raises KeyError.
template <class K, class V>
inline PyObject* dict_view_get(PyObject* self, PyObject* args) {
  PyObject* key;
  PyObject* fallback = Py_None;
  if (!PyArg_UnpackTuple(args, "get", 1, 2, &key, &fallback)) return nullptr;
  K k{};
  switch (lookup_key_from_py(key, k)) {
    case lookup_result::error:
      return nullptr;
    case lookup_result::absent:
      if (PyObject_Hash(key) == -1) return nullptr;  // unhashable: TypeError, as dict.get
      Py_INCREF(fallback);
      return fallback;
    case lookup_result::converted:
      break;
  }
  try {
    if (V* value = reinterpret_cast<View<lib::dict<K, V>>*>(self)->ref->find(k)) return item_to_py(*value);
  } catch (...) {
    raise_lib_error();
    return nullptr;
  }
  Py_INCREF(fallback);
  return fallback;
}

// view.keys() / .values() / .items(): Python's dict views of a copy taken now (set-like keys
// and items, comparisons, len, iteration), not live ones.
template <class C>
inline PyObject* dict_view_snapshot(PyObject* self, const char* method) {
  PyObject* copy = to_py(reinterpret_cast<View<C>*>(self)->ref);
  if (!copy) return nullptr;
  PyObject* out = PyObject_CallMethod(copy, method, nullptr);
  Py_DECREF(copy);
  return out;
}
template <class C>
inline PyObject* dict_view_keys(PyObject* self, PyObject*) {
  return dict_view_snapshot<C>(self, "keys");
}
template <class C>
inline PyObject* dict_view_values(PyObject* self, PyObject*) {
  return dict_view_snapshot<C>(self, "values");
}
template <class C>
inline PyObject* dict_view_items(PyObject* self, PyObject*) {
  return dict_view_snapshot<C>(self, "items");
}

// ---- comparisons and operators: as the Python container the view shows --------------------
// A view compares by content with the Python type it stands for (list, dict, set/frozenset)
// and with any other view of that kind (any element type, any module: the types differ per
// instantiation, so they are told apart by name). Anything else is NotImplemented, so
// `view == (1, 2)` is False and `view < (1, 2)` a TypeError, as for a list.
enum class view_kind { list, dict, set, none };

inline view_kind view_kind_of(PyObject* o) {
  const char* name = Py_TYPE(o)->tp_name;
  if (std::strcmp(name, "cyn.lib.list_view") == 0) return view_kind::list;
  if (std::strcmp(name, "cyn.lib.dict_view") == 0) return view_kind::dict;
  if (std::strcmp(name, "cyn.lib.set_view") == 0) return view_kind::set;
  return view_kind::none;
}

template <class C>
constexpr view_kind kind_of_container() {
  if constexpr (std::is_same_v<C, lib::list<typename view_traits<C>::item>>) return view_kind::list;
  else if constexpr (requires { typename C::mapped_type; }) return view_kind::dict;
  else return view_kind::set;
}

// The Python object `other` compares as, against a view of `kind`: a new reference; nullptr
// with no error set when the comparison is NotImplemented; nullptr with an error on failure.
inline PyObject* comparable_operand(PyObject* other, view_kind kind) {
  bool python_match = kind == view_kind::list   ? PyList_Check(other)
                      : kind == view_kind::dict ? PyDict_Check(other)
                                                : PyAnySet_Check(other);
  if (python_match) {
    Py_INCREF(other);
    return other;
  }
  if (view_kind_of(other) == kind) return PyObject_CallMethod(other, "to_py", nullptr);
  return nullptr;
}

template <class C>
inline PyObject* view_richcompare(PyObject* self, PyObject* other, int op) {
  constexpr view_kind kind = kind_of_container<C>();
  if (kind == view_kind::dict && op != Py_EQ && op != Py_NE) Py_RETURN_NOTIMPLEMENTED;
  // Two views of one container: equal (and <=, >=), as a Python container is to itself.
  if (Py_TYPE(other) == Py_TYPE(self) &&
      reinterpret_cast<View<C>*>(other)->ref.get() == reinterpret_cast<View<C>*>(self)->ref.get()) {
    return PyBool_FromLong(op == Py_EQ || op == Py_LE || op == Py_GE);
  }
  PyObject* rhs = comparable_operand(other, kind);
  if (!rhs) {
    if (PyErr_Occurred()) return nullptr;
    Py_RETURN_NOTIMPLEMENTED;
  }
  PyObject* lhs = to_py(reinterpret_cast<View<C>*>(self)->ref);
  PyObject* result = lhs ? PyObject_RichCompare(lhs, rhs, op) : nullptr;
  Py_XDECREF(lhs);
  Py_DECREF(rhs);
  return result;
}

// `view & s`, `s | view`…: a new Python set, as set operators give; NotImplemented unless
// both sides are sets, frozensets or set views (as `{1} & [1]` is a TypeError).
inline PyObject* set_view_operator(PyObject* a, PyObject* b, PyObject* (*op)(PyObject*, PyObject*)) {
  PyObject* lhs = comparable_operand(a, view_kind::set);
  if (!lhs) {
    if (PyErr_Occurred()) return nullptr;
    Py_RETURN_NOTIMPLEMENTED;
  }
  PyObject* rhs = comparable_operand(b, view_kind::set);
  if (!rhs) {
    Py_DECREF(lhs);
    if (PyErr_Occurred()) return nullptr;
    Py_RETURN_NOTIMPLEMENTED;
  }
  // The result's type is what Python gives for the copies: a set when the view is on the
  // left, a frozenset for `frozenset & view` (the left operand's type, as set operators do).
  PyObject* result = op(lhs, rhs);
  Py_DECREF(lhs);
  Py_DECREF(rhs);
  return result;
}
inline PyObject* set_view_and(PyObject* a, PyObject* b) { return set_view_operator(a, b, &PyNumber_And); }
inline PyObject* set_view_or(PyObject* a, PyObject* b) { return set_view_operator(a, b, &PyNumber_Or); }
inline PyObject* set_view_sub(PyObject* a, PyObject* b) { return set_view_operator(a, b, &PyNumber_Subtract); }
inline PyObject* set_view_xor(PyObject* a, PyObject* b) { return set_view_operator(a, b, &PyNumber_Xor); }

// view.isdisjoint(iterable), as set's.
template <class C>
inline PyObject* set_view_isdisjoint(PyObject* self, PyObject* other) {
  PyObject* copy = to_py(reinterpret_cast<View<C>*>(self)->ref);
  if (!copy) return nullptr;
  PyObject* out = PyObject_CallMethod(copy, "isdisjoint", "O", other);
  Py_DECREF(copy);
  return out;
}

template <class C>
inline PyObject* view_copy(PyObject* self, PyObject*) {
  return to_py(reinterpret_cast<View<C>*>(self)->ref);
}

template <class C>
inline PyObject* view_repr(PyObject* self) {
  PyObject* copy = to_py(reinterpret_cast<View<C>*>(self)->ref);
  if (!copy) return nullptr;
  PyObject* r = PyUnicode_FromFormat("%s(%R)", view_traits<C>::name, copy);
  Py_DECREF(copy);
  return r;
}

// Registers a view type as a virtual subclass of collections.abc.<abc_name> (Sequence,
// Mapping, Set), whose methods the view has, so isinstance() checks of Python code accept it.
// Best effort: a failure leaves the type unregistered, never an error.
inline void register_with_abc(PyTypeObject* type, const char* abc_name) {
  PyObject* abc = PyImport_ImportModule("collections.abc");
  PyObject* base = abc ? PyObject_GetAttrString(abc, abc_name) : nullptr;
  PyObject* done = base ? PyObject_CallMethod(base, "register", "O", reinterpret_cast<PyObject*>(type)) : nullptr;
  Py_XDECREF(done);
  Py_XDECREF(base);
  Py_XDECREF(abc);
  if (!done) PyErr_Clear();
}

// One Python type per container type, made on first use (GIL held). All three views: len,
// iteration, `in`, ==/!= by content, unhashable, to_py(); list views: v[i], v[a:b:c], <…,
// index/count; dict views: v[k], get/keys/values/items; set views: <= as subsets, & | - ^.
template <class C>
inline PyTypeObject* view_type() {
  static PyTypeObject* type = [] {
    using T = typename view_traits<C>::item;
    constexpr view_kind kind = kind_of_container<C>();
    static PyMethodDef methods[6];
    int m = 0;
    methods[m++] = {"to_py", reinterpret_cast<PyCFunction>(&view_copy<C>), METH_NOARGS, "a copy as a Python object"};
    if constexpr (kind == view_kind::list) {
      methods[m++] = {"index", reinterpret_cast<PyCFunction>(&list_view_index<T>), METH_VARARGS,
                      "index(value[, start[, stop]]): first index of value, as list.index"};
      methods[m++] = {"count", reinterpret_cast<PyCFunction>(&list_view_count<T>), METH_O,
                      "count(value): how many items equal value"};
    } else if constexpr (kind == view_kind::dict) {
      using K = typename C::key_type;
      using V = typename C::mapped_type;
      methods[m++] = {"get", reinterpret_cast<PyCFunction>(&dict_view_get<K, V>), METH_VARARGS,
                      "get(key[, default]): the value of key, else default (None)"};
      methods[m++] = {"keys", reinterpret_cast<PyCFunction>(&dict_view_keys<C>), METH_NOARGS,
                      "the keys of a copy taken now (a Python dict_keys)"};
      methods[m++] = {"values", reinterpret_cast<PyCFunction>(&dict_view_values<C>), METH_NOARGS,
                      "the values of a copy taken now (a Python dict_values)"};
      methods[m++] = {"items", reinterpret_cast<PyCFunction>(&dict_view_items<C>), METH_NOARGS,
                      "the (key, value) pairs of a copy taken now (a Python dict_items)"};
    } else {
      methods[m++] = {"isdisjoint", reinterpret_cast<PyCFunction>(&set_view_isdisjoint<C>), METH_O,
                      "isdisjoint(iterable): no item in common, as set.isdisjoint"};
    }
    methods[m] = {nullptr, nullptr, 0, nullptr};
    static PyType_Slot slots[16];
    int n = 0;
    slots[n++] = {Py_tp_dealloc, reinterpret_cast<void*>(&view_dealloc<C>)};
    slots[n++] = {Py_tp_iter, reinterpret_cast<void*>(&view_iter<C>)};
    slots[n++] = {Py_tp_methods, methods};
    slots[n++] = {Py_tp_repr, reinterpret_cast<void*>(&view_repr<C>)};
    slots[n++] = {Py_tp_richcompare, reinterpret_cast<void*>(&view_richcompare<C>)};
    // unhashable, as Python's mutable containers (and so == by content stays consistent)
    slots[n++] = {Py_tp_hash, reinterpret_cast<void*>(&PyObject_HashNotImplemented)};
    slots[n++] = {Py_sq_contains, reinterpret_cast<void*>(&view_contains<C>)};
    slots[n++] = {Py_sq_length, reinterpret_cast<void*>(&view_len<C>)};
    if constexpr (kind == view_kind::list) {
      slots[n++] = {Py_sq_item, reinterpret_cast<void*>(&list_view_item<T>)};
      slots[n++] = {Py_mp_subscript, reinterpret_cast<void*>(&list_view_subscript<T>)};
      slots[n++] = {Py_mp_length, reinterpret_cast<void*>(&view_len<C>)};
    } else if constexpr (kind == view_kind::dict) {
      slots[n++] = {Py_mp_subscript,
                    reinterpret_cast<void*>(&dict_view_subscript<typename C::key_type, typename C::mapped_type>)};
      slots[n++] = {Py_mp_length, reinterpret_cast<void*>(&view_len<C>)};
    } else {
      slots[n++] = {Py_nb_and, reinterpret_cast<void*>(&set_view_and)};
      slots[n++] = {Py_nb_or, reinterpret_cast<void*>(&set_view_or)};
      slots[n++] = {Py_nb_subtract, reinterpret_cast<void*>(&set_view_sub)};
      slots[n++] = {Py_nb_xor, reinterpret_cast<void*>(&set_view_xor)};
    }
    slots[n] = {0, nullptr};
    static PyType_Spec spec = {view_traits<C>::name, sizeof(View<C>), 0, Py_TPFLAGS_DEFAULT, slots};
    PyTypeObject* made = reinterpret_cast<PyTypeObject*>(PyType_FromSpec(&spec));
    if (made) {
      register_with_abc(made, kind == view_kind::list   ? "Sequence"
                              : kind == view_kind::dict ? "Mapping"
                                                        : "Set");
    }
    return made;
  }();
  return type;
}

// The conversion of a container reference to Python: its live view (None for None).
template <class C>
inline PyObject* to_view(const Ref<C>& ref) {
  if (!ref) Py_RETURN_NONE;
  PyTypeObject* tp = view_type<C>();
  if (!tp) return nullptr;
  PyObject* o = tp->tp_alloc(tp, 0);
  if (!o) return nullptr;
  new (&reinterpret_cast<View<C>*>(o)->ref) Ref<C>(ref);
  return o;
}

// A view of exactly this container type converts back to the same container (no copy).
template <class C>
inline bool view_unwrap(PyObject* o, Ref<C>& out) {
  PyTypeObject* tp = view_type<C>();
  if (tp && Py_TYPE(o) == tp) {
    out = reinterpret_cast<View<C>*>(o)->ref;
    return true;
  }
  return false;
}

// Python str/bytes → new lib.string.
inline Ref<lib::string> string_from_py(PyObject* o) {
  if (o == Py_None) return nullptr;
  Ref<lib::string> out;
  if (!item_from_py(o, out)) return nullptr;
  return out;
}
#endif

}  // namespace cyn::stdlib
