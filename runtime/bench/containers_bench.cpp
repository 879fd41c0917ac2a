// C++ side of benchmarks/containers: the nogil containers (cyn::lib) against the standard
// ones (std::vector, std::unordered_map) doing the same work in the same binary.
//
//   containers_bench [N [NAME]]   → one JSON line per measurement on stdout (only the
//   benchmarks whose name contains NAME, when given: for profiling one workload):
//   {"bench": "list_append", "impl": "cyn::lib::list<long>", "n": 1000000, "ns_per_op": 1.9}
//
// Each figure is the best of several rounds (the least disturbed run), in ns per element
// operation. Keys for the string benchmarks are built before the clock starts, for both.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cyn/lib/dict.hpp"
#include "cyn/lib/list.hpp"
#include "cyn/lib/string.hpp"

namespace {

using cyn::make;
using cyn::Ref;

// Keeps the optimiser from deleting the measured work.
template <class T>
inline void keep(T const& value) {
  asm volatile("" : : "r,m"(value) : "memory");
}

constexpr int kRounds = 9;
const char* only_benches = nullptr;  // the NAME filter from the command line

bool wanted(const char* bench) { return !only_benches || std::strstr(bench, only_benches); }

template <class F>
double time_ns(F& body) {
  auto start = std::chrono::steady_clock::now();
  body();
  std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
  return took.count();
}

void report(const char* bench, const char* impl, long n, double best_ns) {
  std::printf("{\"bench\": \"%s\", \"impl\": \"%s\", \"n\": %ld, \"ns_per_op\": %.3f}\n", bench, impl, n,
              best_ns / static_cast<double>(n));
  std::fflush(stdout);
}

// Runs the two bodies in alternating rounds (so a load change on the machine hits both
// alike) and reports each one's fastest round per operation.
template <class F, class G>
void measure(const char* bench, long n, const char* impl_a, F body_a, const char* impl_b, G body_b) {
  if (!wanted(bench)) return;
  double best_a = 1e300, best_b = 1e300;
  for (int r = 0; r < kRounds; ++r) {
    best_a = std::min(best_a, time_ns(body_a));
    best_b = std::min(best_b, time_ns(body_b));
  }
  report(bench, impl_a, n, best_a);
  report(bench, impl_b, n, best_b);
}
template <class F>
void measure(const char* bench, long n, const char* impl, F body) {
  if (!wanted(bench)) return;
  double best = 1e300;
  for (int r = 0; r < kRounds; ++r) best = std::min(best, time_ns(body));
  report(bench, impl, n, best);
}

void list_benches(long n) {
  measure("list_append", n, "std::vector<long>", [&] {
    std::vector<long> v;
    for (long i = 0; i < n; ++i) v.push_back(i);
    keep(v.data());
  }, "cyn::lib::list<long>", [&] {
    auto xs = make<cyn::lib::list<long>>();
    for (long i = 0; i < n; ++i) xs->append(i);
    keep(xs->data());
  });

  std::vector<long> v;
  auto xs = make<cyn::lib::list<long>>();
  for (long i = 0; i < n; ++i) {
    v.push_back(i);
    xs->append(i);
  }
  // Random positions, the same for both, so the loads cannot be vectorised away.
  std::vector<long> positions(static_cast<std::size_t>(n));
  std::mt19937_64 rng(1);
  for (auto& p : positions) p = static_cast<long>(rng() % static_cast<unsigned long>(n));

  measure("list_index", n, "std::vector<long>", [&] {
    long sum = 0;
    for (long p : positions) sum += v[static_cast<std::size_t>(p)];
    keep(sum);
  }, "cyn::lib::list<long>", [&] {
    long sum = 0;  // getitem: negative-index rule and IndexError check, as xs[i] in Cython
    for (long p : positions) sum += xs->getitem(p);
    keep(sum);
  });

  measure("list_iterate", n, "std::vector<long>", [&] {
    long sum = 0;
    for (long x : v) {
      sum += x;
      keep(sum);
    }
  }, "cyn::lib::list<long>", [&] {
    long sum = 0;  // the C++ range-for with its size-change check
    for (long x : *xs) {
      sum += x;
      keep(sum);
    }
  });
  measure("list_iterate_object", n, "cyn::lib::list<long>", [&] {
    long sum = 0, x = 0;  // the iterator object that `for x in xs` compiles to
    auto it = xs->iter();
    while (it->next(x)) {
      sum += x;
      keep(sum);
    }
  });
}

void dict_int_benches(long n) {
  // Keys spread over the 64-bit range (neither container gets sequential-key luck).
  std::vector<long> keys(static_cast<std::size_t>(n));
  std::mt19937_64 rng(2);
  for (auto& k : keys) k = static_cast<long>(rng() >> 1);

  measure("dict_insert_int", n, "std::unordered_map<long,long>", [&] {
    std::unordered_map<long, long> m;
    for (long i = 0; i < n; ++i) m[keys[i]] = i;
    keep(m.size());
  }, "cyn::lib::dict<long,long>", [&] {
    auto d = make<cyn::lib::dict<long, long>>();
    for (long i = 0; i < n; ++i) d->setitem(keys[i], i);
    keep(d->size());
  });

  std::unordered_map<long, long> m;
  auto d = make<cyn::lib::dict<long, long>>();
  for (long i = 0; i < n; ++i) {
    m[keys[i]] = i;
    d->setitem(keys[i], i);
  }
  std::vector<long> probe(keys);
  std::shuffle(probe.begin(), probe.end(), rng);
  measure("dict_lookup_int", n, "std::unordered_map<long,long>", [&] {
    long sum = 0;
    for (long k : probe) sum += m.find(k)->second;
    keep(sum);
  }, "cyn::lib::dict<long,long>", [&] {
    long sum = 0;
    for (long k : probe) sum += d->getitem(k);
    keep(sum);
  });
}

void dict_string_benches(long n) {
  std::vector<std::string> text(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) text[i] = "key-" + std::to_string(i * 7919);
  std::vector<Ref<cyn::lib::string>> keys;
  keys.reserve(text.size());
  for (auto& t : text) keys.push_back(make<cyn::lib::string>(t));

  measure("dict_insert_str", n, "std::unordered_map<std::string,long>", [&] {
    std::unordered_map<std::string, long> m;
    for (long i = 0; i < n; ++i) m[text[i]] = i;
    keep(m.size());
  }, "cyn::lib::dict<Ref<string>,long>", [&] {
    auto d = make<cyn::lib::dict<Ref<cyn::lib::string>, long>>();
    for (long i = 0; i < n; ++i) d->setitem(keys[i], i);
    keep(d->size());
  });

  std::unordered_map<std::string, long> m;
  auto d = make<cyn::lib::dict<Ref<cyn::lib::string>, long>>();
  for (long i = 0; i < n; ++i) {
    m[text[i]] = i;
    d->setitem(keys[i], i);
  }
  // Probe with other objects of the same text (equality by content, not identity).
  std::vector<std::size_t> order(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(3);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<std::string> probe_text;
  std::vector<Ref<cyn::lib::string>> probe_keys;
  for (std::size_t i : order) {
    probe_text.push_back(text[i]);
    probe_keys.push_back(make<cyn::lib::string>(text[i]));
  }
  measure("dict_lookup_str", n, "std::unordered_map<std::string,long>", [&] {
    long sum = 0;
    for (auto& t : probe_text) sum += m.find(t)->second;
    keep(sum);
  }, "cyn::lib::dict<Ref<string>,long>", [&] {
    long sum = 0;  // string objects cache their hash (as Python's str does)
    for (auto& k : probe_keys) sum += d->getitem(k);
    keep(sum);
  });
  measure("dict_lookup_str_view", n, "cyn::lib::dict<Ref<string>,long>", [&] {
    long sum = 0;  // by text: hashes every time, like the std::string lookup
    for (auto& t : probe_text) sum += *d->find(std::string_view(t));
    keep(sum);
  });
}

}  // namespace

int main(int argc, char** argv) {
  long n = argc > 1 ? std::atol(argv[1]) : 1000000;
  if (argc > 2) only_benches = argv[2];
  list_benches(n);
  dict_int_benches(n);
  dict_string_benches(n / 4);
  return 0;
}
