// cyn/lib/errors.hpp — the exceptions the nogil standard library throws.
//
// Each type is chosen so that Cython's stock `except +` translation already gives the
// Python exception a Python user expects, without any custom code:
//   IndexError   : std::out_of_range      → IndexError
//   ValueError   : std::invalid_argument  → ValueError
//   RuntimeError : std::runtime_error     → RuntimeError (via the std::exception fallback)
//   TypeError    : std::bad_cast          → TypeError
// KeyError and StopIteration have no std:: counterpart; they derive from cyn::Error (a
// std::exception with a message) and the compiler side installs a translator for them.
//
//   try { xs->getitem(10); } catch (const cyn::IndexError& e) { puts(e.what()); }
//   // prints "list index out of range"
//
// Messages follow CPython's wording, so tests and users see the same text as in Python.
// Building a message allocates; that only happens on the error path.
#pragma once

#include <exception>
#include <typeinfo>
#include <stdexcept>
#include <string>
#include <utility>

namespace cyn {

// A std::exception carrying its message; base of the errors with no std:: counterpart.
class Error : public std::exception {
 public:
  explicit Error(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

// An index outside the sequence (`xs[10]` on a short list).
class IndexError : public std::out_of_range {
 public:
  using std::out_of_range::out_of_range;
};

// A right type with a wrong value (`xs.remove(x)` when x is absent, a zero slice step).
class ValueError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A misuse detected at run time (a container changed size while being iterated).
class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An operation the element type does not support: hashing an object whose class defines
// __eq__ but not __hash__, ordering objects whose class defines no order. Derives from
// std::bad_cast, which Cython's stock `except +` translation already turns into TypeError.
class TypeError : public std::bad_cast {
 public:
  explicit TypeError(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

// A key absent from a dict or set. what() is the repr of the key, like str(KeyError(k)).
class KeyError : public Error {
 public:
  using Error::Error;
};

// An iterator's __next__ has no more items (the loop ends; not an error for `for`).
class StopIteration : public Error {
 public:
  StopIteration() : Error("") {}
};

}  // namespace cyn
