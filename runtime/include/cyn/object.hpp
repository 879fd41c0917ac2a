// cyn/object.hpp — the object model of nogil classes.
//
// `cdef class Foo nogil:` compiles to `struct Foo : cyn::Object { ... }` and every
// variable of type Foo to a `cyn::Ref<Foo>`. Object carries the vtable pointer and an
// atomic reference count: a 16-byte header. Ref is the intrusive counted pointer that
// holds one reference; copying it shares the object, destroying the last one destroys the
// object (and runs __dealloc__, which is the C++ destructor) on the thread that drops it.
//
//   struct Point : cyn::Object { double x = 0, y = 0; };
//   cyn::Ref<Point> p = cyn::make<Point>();   // count 1, no atomic operation
//   cyn::Ref<Point> q = p;                    // count 2
//   p = nullptr;                              // count 1
//   // q going out of scope frees the Point
//
// Invariants:
// - the count is the number of Refs (and other explicit holders) pointing at the object;
//   an object is destroyed exactly once, when the count goes from 1 to 0;
// - a count of 1 seen by the holder of that one reference cannot change under it (no one
//   else holds a reference to copy), which lets release() skip the atomic RMW then;
// - objects are allocated by cyn::alloc_object (mimalloc) and counted as live.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "cyn/alloc.hpp"

namespace cyn {

class Object {
 public:
  Object() noexcept : refcount_(0) {}
  // Copying an object never copies its count: a copy is a new object with no references.
  Object(const Object&) noexcept : refcount_(0) {}
  Object& operator=(const Object&) noexcept { return *this; }
  virtual ~Object() = default;

  void incref() const noexcept { refcount_.fetch_add(1, std::memory_order_relaxed); }

  void decref() const noexcept {
    // Sole owner: nobody can take a new reference concurrently, skip the RMW.
    if (refcount_.load(std::memory_order_acquire) == 1 ||
        refcount_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      delete this;  // virtual destructor: runs __dealloc__ of the most derived class
    }
  }

  std::uint64_t refcount() const noexcept { return refcount_.load(std::memory_order_relaxed); }

  // The Python wrapper type (a PyTypeObject*) of the object's dynamic class, for classes
  // compiled by the cyn overlay; nullptr for runtime classes without a wrapper.
  virtual void* python_type() const noexcept { return nullptr; }

  static void* operator new(std::size_t size) { return alloc_object(size); }
  // Sized delete: the virtual destructor passes the most derived class's size, which lets the
  // block go to the thread's cache of freed blocks (alloc.hpp).
  static void operator delete(void* p, std::size_t size) noexcept { free_object_sized(p, size); }
  static void* operator new(std::size_t, void* where) noexcept { return where; }

 private:
  template <class T> friend class Ref;
  // A freshly made object's first reference is stored without an atomic operation.
  void adopt_first() const noexcept { refcount_.store(1, std::memory_order_relaxed); }

  mutable std::atomic<std::uint64_t> refcount_;
};

static_assert(sizeof(Object) == 16, "the object header is a vtable pointer and a count");

// An intrusive counted reference to a T (a class derived from Object), or None (null).
template <class T>
class Ref {
 public:
  using element_type = T;

  constexpr Ref() noexcept : ptr_(nullptr) {}
  constexpr Ref(std::nullptr_t) noexcept : ptr_(nullptr) {}
  // Takes a new reference to an existing object (e.g. `self` handed out by a method).
  Ref(T* p) noexcept : ptr_(p) {
    if (ptr_) ptr_->incref();
  }
  Ref(const Ref& other) noexcept : ptr_(other.ptr_) {
    if (ptr_) ptr_->incref();
  }
  Ref(Ref&& other) noexcept : ptr_(other.ptr_) { other.ptr_ = nullptr; }

  // Upcast: a Ref<Derived> converts implicitly to a Ref<Base>.
  template <class U, std::enable_if_t<std::is_convertible_v<U*, T*>, int> = 0>
  Ref(const Ref<U>& other) noexcept : ptr_(other.get()) {
    if (ptr_) ptr_->incref();
  }
  template <class U, std::enable_if_t<std::is_convertible_v<U*, T*>, int> = 0>
  Ref(Ref<U>&& other) noexcept : ptr_(other.release()) {}

  // Downcast without a check (`<Derived>base` in Cython); the checked cast is cast_checked().
  template <class U,
            std::enable_if_t<!std::is_convertible_v<U*, T*> && std::is_base_of_v<U, T>, int> = 0>
  explicit Ref(const Ref<U>& other) noexcept : ptr_(static_cast<T*>(other.get())) {
    if (ptr_) ptr_->incref();
  }

  ~Ref() {
    if (ptr_) ptr_->decref();
  }

  Ref& operator=(const Ref& other) noexcept {
    T* old = ptr_;
    ptr_ = other.ptr_;
    if (ptr_) ptr_->incref();
    if (old) old->decref();
    return *this;
  }
  Ref& operator=(Ref&& other) noexcept {
    if (this != &other) {
      T* old = ptr_;
      ptr_ = other.ptr_;
      other.ptr_ = nullptr;
      if (old) old->decref();
    }
    return *this;
  }
  template <class U, std::enable_if_t<std::is_convertible_v<U*, T*>, int> = 0>
  Ref& operator=(const Ref<U>& other) noexcept {
    return *this = Ref(other);
  }
  template <class U, std::enable_if_t<std::is_convertible_v<U*, T*>, int> = 0>
  Ref& operator=(Ref<U>&& other) noexcept {
    return *this = Ref(std::move(other));
  }
  Ref& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }

  // Wraps a freshly constructed object (count 0) as its first reference.
  static Ref adopt_new(T* fresh) noexcept {
    Ref r;
    r.ptr_ = fresh;
    fresh->adopt_first();
    return r;
  }
  // Takes over a reference the caller already owns (the inverse of release()).
  static Ref steal(T* owned) noexcept {
    Ref r;
    r.ptr_ = owned;
    return r;
  }
  // Gives up the reference without dropping it; the caller now owns it.
  T* release() noexcept {
    T* p = ptr_;
    ptr_ = nullptr;
    return p;
  }
  void reset() noexcept {
    T* old = ptr_;
    ptr_ = nullptr;
    if (old) old->decref();
  }

  T* get() const noexcept { return ptr_; }
  T* operator->() const noexcept { return ptr_; }
  T& operator*() const noexcept { return *ptr_; }
  explicit operator bool() const noexcept { return ptr_ != nullptr; }

  friend void swap(Ref& a, Ref& b) noexcept { std::swap(a.ptr_, b.ptr_); }

 private:
  T* ptr_;
};

// Identity comparisons (`is`, `is not`, `== None`).
template <class T, class U>
inline bool operator==(const Ref<T>& a, const Ref<U>& b) noexcept {
  return static_cast<const Object*>(a.get()) == static_cast<const Object*>(b.get());
}
template <class T>
inline bool operator==(const Ref<T>& a, std::nullptr_t) noexcept {
  return a.get() == nullptr;
}

// Constructs a T with `args` on the runtime heap and returns its first reference.
template <class T, class... Args>
inline Ref<T> make(Args&&... args) {
  return Ref<T>::adopt_new(new T(std::forward<Args>(args)...));
}

// `isinstance(o, T)`: true when `o` is not None and its dynamic type is T or derives from it.
template <class T, class U>
inline bool isinstance(const Ref<U>& o) noexcept {
  if constexpr (std::is_base_of_v<T, U>) {
    return o.get() != nullptr;
  } else {
    return dynamic_cast<T*>(static_cast<Object*>(o.get())) != nullptr;
  }
}

// Downcast that returns None when `o` is not a T (the caller raises TypeError for `<T?>o`).
template <class T, class U>
inline Ref<T> dynamic_ref_cast(const Ref<U>& o) noexcept {
  return Ref<T>(dynamic_cast<T*>(static_cast<Object*>(o.get())));
}

}  // namespace cyn
