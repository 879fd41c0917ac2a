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
//
// Destroying deep structures (bounded stack). Destroying an object releases its fields, so
// dropping the head of a linked list destroys the next node from inside the head's destructor,
// and so on: plain recursion needs stack in proportion to the length of the chain and
// overflows it (a 64 KiB coroutine stack after a few thousand nodes, an 8 MiB thread stack
// after several hundred thousand). Instead:
// - the outermost release that destroys an object on a stack (no destruction in progress
//   there) records a floor, kDestroyStackBudget bytes below its stack position
//   (DestroyState::floor), and clears it when it is done;
// - a release that brings a count to zero below the floor does not destroy the object: it
//   pushes it on the thread's pending list and returns;
// - a release that destroys an object in the lowest kDestroyDrainZone bytes above the floor
//   remembers the list head before calling the destructor and, once the destructor has
//   returned, destroys whatever was pushed above that mark, one object at a time in a loop
//   (each of those may push more; the loop takes them too). With destructor frames smaller
//   than the zone (they are much smaller), whatever a release queues is thus finished by
//   the release just above it, before the drop that caused it returns;
// - nested releases higher up just call the destructor (a tail call: the common nested case
//   costs a load and two compares), and the outermost release, after its destructor, drains
//   anything still queued (the fallback that makes completion unconditional).
// So:
// - the stack used by any drop is bounded (the budget plus one destructor's own frames),
//   whatever the shape or size of the structure (chain, tree, a __dealloc__ that builds and
//   drops more), and whatever the frame size (sanitizer builds have much larger frames);
// - destruction is still synchronous and on the dropping thread: when the release that took
//   the last reference returns, every object it made unreachable has been destroyed and its
//   __dealloc__ has run. The only deferral anyone can see: a release made *inside* a
//   destructor that already runs below the floor completes right after that destructor
//   returns (in the loop of the release that called it) instead of before it returns itself
//   (and, if that destructor's own frames exceed the zone, when the outermost release
//   finishes);
// - a parent's __dealloc__ always runs before its children's (the children are released by
//   the parent's member destructors, which run after its __dealloc__ body); beyond that, the
//   order among the objects freed by one drop is unspecified (a chain is still freed head
//   first);
// - no allocation: the pending list is intrusive, linked through the dead object's count
//   word (nobody can reference an object whose count reached zero; its vtable pointer stays
//   intact for the virtual destructor), and the count is set back to 0 before the object is
//   destroyed;
// - cost: decref() that does not reach zero is unchanged. An outermost destruction adds a
//   thread-local load, a store before the destructor and a load and a store after it; a
//   nested one far from the floor a load and two compares (no store, so a cascade of
//   destructions carries no store-to-load dependency through the state).
// Coroutines: the state belongs to a stack; it lives in thread-local storage for speed. Is a
// thread-local safe? Not by itself: a destructor may suspend its coroutine (a __dealloc__
// that sends on a channel or waits on a WaitGroup), the worker then runs other coroutines,
// which would see a floor and a pending list that are not theirs, and the coroutine may
// resume on another thread, whose state is not its own. Two measures make it safe:
// - the scheduler moves the state with the coroutine: suspend() takes it off the thread
//   (leaving it clear for the next coroutine that runs there) and puts it back on whichever
//   thread resumes the coroutine (runtime/src/scheduler.cpp); the scheduler loop on a
//   worker's own stack finishes any destruction it starts before it runs a coroutine, so
//   the thread's state is clear whenever a coroutine resumes (asserted in debug builds);
// - every access locates the state afresh (detail::destroy_floor() etc.), never through an
//   address the compiler computed before a call that may have switched threads.
// The rest of a destruction that suspended then runs on the thread that resumed it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "cyn/alloc.hpp"

namespace cyn {
class Object;
namespace detail {
// The destructions in progress on the calling thread's current stack (see the header comment).
struct DestroyState {
  std::uintptr_t floor;    // 0: no destruction in progress on this stack; else the address
                           // below which releases queue instead of destroying
  const Object* pending;   // objects whose count reached zero below the floor (LIFO)
};

// The current stack position (an address inside the caller's frame).
inline std::uintptr_t stack_position() noexcept {
  std::uintptr_t sp;
#if defined(__x86_64__)
  asm("movq %%rsp, %0" : "=r"(sp));
#elif defined(__aarch64__)
  asm("mov %0, sp" : "=r"(sp));
#else
  sp = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
#endif
  return sp;
}
}  // namespace detail
}  // namespace cyn

extern "C" {
// The calling thread's destruction state. Plain `__thread`, initial-exec: one %fs-relative
// access each, no TLS wrapper call.
extern __thread cyn::detail::DestroyState cyn_destroy_state __attribute__((tls_model("initial-exec")));
// Its address on the calling thread, through an opaque call (never cached by the compiler).
cyn::detail::DestroyState* cyn_destroy_state_slot(void) noexcept;
}

namespace cyn::detail {
// Accesses to the calling thread's DestroyState that are safe across a coroutine switch.
// The compiler assumes a function runs on one thread, so it may compute a thread-local's
// address once and reuse it after a call, but a call may suspend the coroutine and resume it
// on another thread (the sanitizer builds do keep such addresses in registers). So:
// - current_destroy_state(): the address through an opaque call (tests, slow paths);
// - destroy_floor() etc.: on x86-64 Linux, each access is one volatile asm instruction,
//   %fs-relative with the variable's initial-exec offset (from the GOT), exactly what the
//   compiler emits for a plain access but never reordered across a call or cached; elsewhere
//   (or with -DCYN_PORTABLE_TLS) they go through the opaque call.
inline DestroyState* current_destroy_state() noexcept { return cyn_destroy_state_slot(); }

#if defined(__x86_64__) && defined(__linux__) && !defined(CYN_PORTABLE_TLS)
inline std::uintptr_t destroy_state_offset() noexcept {
  std::uintptr_t off;  // the same on every thread: no volatile, the compiler may share it
  asm("movq cyn_destroy_state@gottpoff(%%rip), %0" : "=r"(off));
  return off;
}
inline std::uintptr_t destroy_floor() noexcept {
  std::uintptr_t v;
  asm volatile("movq %%fs:0(%1), %0" : "=r"(v) : "r"(destroy_state_offset()) : "memory");
  return v;
}
inline void set_destroy_floor(std::uintptr_t v) noexcept {
  asm volatile("movq %0, %%fs:0(%1)" : : "r"(v), "r"(destroy_state_offset()) : "memory");
}
inline const Object* destroy_pending_head() noexcept {
  const Object* v;
  asm volatile("movq %%fs:8(%1), %0" : "=r"(v) : "r"(destroy_state_offset()) : "memory");
  return v;
}
inline void set_destroy_pending_head(const Object* v) noexcept {
  asm volatile("movq %0, %%fs:8(%1)" : : "r"(v), "r"(destroy_state_offset()) : "memory");
}
static_assert(offsetof(DestroyState, floor) == 0 && offsetof(DestroyState, pending) == 8,
              "the asm above addresses the fields by offset");
#else
inline std::uintptr_t destroy_floor() noexcept { return current_destroy_state()->floor; }
inline void set_destroy_floor(std::uintptr_t v) noexcept { current_destroy_state()->floor = v; }
inline const Object* destroy_pending_head() noexcept { return current_destroy_state()->pending; }
inline void set_destroy_pending_head(const Object* v) noexcept {
  current_destroy_state()->pending = v;
}
#endif
}  // namespace cyn::detail

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
      destroy_last();
    }
  }

  // The stack one drop may use for nested destructors before further objects whose count
  // reaches zero are queued (header comment): 8 KiB fits the smallest coroutine stack (16 KiB)
  // and is 100-500 destructor frames in an optimised build, a few dozen under sanitizers.
  static constexpr std::uintptr_t kDestroyStackBudget = 8 * 1024;
  // Releases in the lowest part of that stack drain, after their destructor returns, what it
  // queued (so a drop made inside a __dealloc__ completes before it returns, header comment).
  static constexpr std::uintptr_t kDestroyDrainZone = 4 * 1024;

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

  // The count reached zero: destroy now, or queue when this stack is already deep in
  // destructors (header comment). Every access to the state is made afresh
  // (detail::destroy_floor() etc.): the caller may have been resumed on another thread since
  // it last touched it, and the destructor may suspend the coroutine.
  void destroy_last() const noexcept {
    const std::uintptr_t sp = detail::stack_position();
    const std::uintptr_t floor = detail::destroy_floor();
    if (floor == 0) {
      // Outermost on this stack: set the floor, destroy, finish whatever was left queued.
      detail::set_destroy_floor(sp - kDestroyStackBudget);
      delete this;  // virtual destructor: runs __dealloc__ of the most derived class
      if (__builtin_expect(detail::destroy_pending_head() != nullptr, 0)) destroy_pending(nullptr);
      detail::set_destroy_floor(0);
    } else if (__builtin_expect(sp >= floor + kDestroyDrainZone, 1)) {
      delete this;  // nested, far from the floor: a plain (tail) call
    } else {
      destroy_near_floor();
    }
  }
  // Nested within kDestroyDrainZone of the floor, or below it (runtime/src/object.cpp): below,
  // queue; above, destroy and then drain what that queued.
  void destroy_near_floor() const noexcept;
  // Destroys, one by one, the objects queued above `mark` (runtime/src/object.cpp).
  static void destroy_pending(const Object* mark) noexcept;

  mutable std::atomic<std::uint64_t> refcount_;
};

static_assert(sizeof(Object) == 16, "the object header is a vtable pointer and a count");
static_assert(sizeof(std::uintptr_t) <= sizeof(std::uint64_t), "a pending link fits the count word");

// An intrusive counted reference to a T (a class derived from Object), or None (null).
template <class T>
class Ref {
 public:
  using element_type = T;

  constexpr Ref() noexcept : ptr_(nullptr) {}
  constexpr Ref(std::nullptr_t) noexcept : ptr_(nullptr) {}
  // Takes a new reference to an existing object (e.g. `self` handed out by a method).
  Ref(T* p) noexcept : ptr_(p) {
    if (ptr_) counted(ptr_)->incref();
  }
  Ref(const Ref& other) noexcept : ptr_(other.ptr_) {
    if (ptr_) counted(ptr_)->incref();
  }
  Ref(Ref&& other) noexcept : ptr_(other.ptr_) { other.ptr_ = nullptr; }

  // Upcast: a Ref<Derived> converts implicitly to a Ref<Base>.
  template <class U, std::enable_if_t<std::is_convertible_v<U*, T*>, int> = 0>
  Ref(const Ref<U>& other) noexcept : ptr_(other.get()) {
    if (ptr_) counted(ptr_)->incref();
  }
  template <class U, std::enable_if_t<std::is_convertible_v<U*, T*>, int> = 0>
  Ref(Ref<U>&& other) noexcept : ptr_(other.release()) {}

  // Downcast without a check (`<Derived>base` in Cython); the checked cast is cast_checked().
  template <class U,
            std::enable_if_t<!std::is_convertible_v<U*, T*> && std::is_base_of_v<U, T>, int> = 0>
  explicit Ref(const Ref<U>& other) noexcept : ptr_(static_cast<T*>(other.get())) {
    if (ptr_) counted(ptr_)->incref();
  }

  ~Ref() {
    if (ptr_) counted(ptr_)->decref();
  }

  Ref& operator=(const Ref& other) noexcept {
    T* old = ptr_;
    ptr_ = other.ptr_;
    if (ptr_) counted(ptr_)->incref();
    if (old) counted(old)->decref();
    return *this;
  }
  Ref& operator=(Ref&& other) noexcept {
    if (this != &other) {
      T* old = ptr_;
      ptr_ = other.ptr_;
      other.ptr_ = nullptr;
      if (old) counted(old)->decref();
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
    counted(fresh)->adopt_first();
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
    if (old) counted(old)->decref();
  }

  T* get() const noexcept { return ptr_; }
  // The counting goes through the base, so that a member of T named like one of Object's
  // (a user's `cdef void decref(self)`) cannot take the count over.
  static const ::cyn::Object* counted(const T* p) noexcept { return p; }
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
