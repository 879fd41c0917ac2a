// C++ baselines for benchmarks/objects: what a nogil object costs against std::make_shared,
// plain new/delete and cyn::make used directly from C++, from 1 and 2 threads.
//
//   objects_bench N THREADS   → one JSON line per measurement on stdout
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "cyn/object.hpp"

namespace {

struct Shape {
  virtual ~Shape() = default;
  virtual double area() const { return x * y; }
  double x = 0, y = 0;
};
struct Box : Shape {
  double area() const override { return x * y * 2; }
};

struct CynShape : cyn::Object {
  CynShape(double x_, double y_) : x(x_), y(y_) {}
  virtual double area() const { return x * y; }
  double x, y;
};

// Keeps the optimiser from deleting the measured work.
template <class T>
inline void keep(T const& value) {
  asm volatile("" : : "r,m"(value) : "memory");
}

template <class F>
double per_op_ns(long n, int threads, F body) {
  std::vector<std::thread> pool;
  auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) pool.emplace_back([&] { body(n); });
  for (auto& th : pool) th.join();
  auto ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  return ns / n;  // wall time per operation of one thread: equal for 1 and 2 threads = linear scaling
}

void report(const char* name, const char* op, int threads, double ns) {
  std::printf("{\"peer\": \"%s\", \"op\": \"%s\", \"threads\": %d, \"ns_per_op\": %.3f}\n", name, op,
              threads, ns);
}

}  // namespace

int main(int argc, char** argv) {
  long n = argc > 1 ? std::atol(argv[1]) : 10000000;
  int threads = argc > 2 ? std::atoi(argv[2]) : 1;

  report("new/delete", "create+free", threads, per_op_ns(n, threads, [](long k) {
           for (long i = 0; i < k; ++i) {
             Shape* s = new Box();
             s->x = static_cast<double>(i);
             keep(s);
             delete s;
           }
         }));
  report("std::make_shared", "create+free", threads, per_op_ns(n, threads, [](long k) {
           for (long i = 0; i < k; ++i) {
             auto s = std::make_shared<Box>();
             s->x = static_cast<double>(i);
             keep(s);
           }
         }));
  report("cyn::make (C++)", "create+free", threads, per_op_ns(n, threads, [](long k) {
           for (long i = 0; i < k; ++i) {
             auto s = cyn::make<CynShape>(static_cast<double>(i), 2.0);
             keep(s);
           }
         }));
  auto shared = std::make_shared<Box>();
  report("std::make_shared", "ref copy", threads, per_op_ns(n, threads, [&](long k) {
           for (long i = 0; i < k; ++i) {
             std::shared_ptr<Box> copy = shared;
             keep(copy);
           }
         }));
  auto cyn_shared = cyn::make<CynShape>(1.0, 2.0);
  report("cyn::make (C++)", "ref copy", threads, per_op_ns(n, threads, [&](long k) {
           for (long i = 0; i < k; ++i) {
             cyn::Ref<CynShape> copy = cyn_shared;
             keep(copy);
           }
         }));
  Shape* virt = new Box();
  report("new/delete", "virtual call", threads, per_op_ns(n, threads, [&](long k) {
           double s = 0;
           for (long i = 0; i < k; ++i) {
             Shape* v = virt;
             keep(v);
             s += v->area();
           }
           keep(s);
         }));
  delete virt;
  std::printf("{\"sizeof_object_header\": %zu}\n", sizeof(cyn::Object));
  return 0;
}
