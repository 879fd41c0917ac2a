// coro_bench — the coroutine runtime's micro-benchmarks, same algorithms as the Go peers in
// benchmarks/go/coro/ (benchmarks/coro/run.py runs both and compares them).
//
//   coro_bench spawn [n]        n empty coroutines spawned and joined with a WaitGroup
//   coro_bench spawn_yield [n]  the same, each coroutine yields once before finishing
//   coro_bench skynet [n]       skynet: a tree of coroutines, 10 children each, n leaves,
//                               every node sums its children's numbers over a channel
//   coro_bench pingpong [n]     two coroutines bounce a number over unbuffered channels
//
// Each benchmark runs once to warm up and once measured, inside cyn::run() (like Go's main
// goroutine). Workers: CYN_THREADS. Output: one line of key=value pairs; rss_kb is the
// process's peak resident set.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cyn/channel.hpp"
#include "cyn/coro.hpp"
#include "cyn/waitgroup.hpp"

namespace {

using WG = cyn::Ref<cyn::WaitGroup>;
using LongChan = cyn::Ref<cyn::Channel<long>>;

long g_result = 0;

void empty_task(WG wg) { wg->done(); }

void yield_task(WG wg) {
  cyn::yield_();
  wg->done();
}

void spawn_main(long n, bool yield) {
  auto wg = cyn::make<cyn::WaitGroup>();
  wg->add(n);
  for (long i = 0; i < n; ++i) cyn::spawn(yield ? &yield_task : &empty_task, wg);
  wg->wait();
  g_result = n;
}

void skynet(LongChan out, long num, long size, long div) {
  if (size == 1) {
    out->send(num);
    return;
  }
  auto rc = cyn::make<cyn::Channel<long>>();
  long sub = size / div;
  for (long i = 0; i < div; ++i) cyn::spawn(&skynet, rc, num + i * sub, sub, div);
  long sum = 0;
  for (long i = 0; i < div; ++i) sum += rc->recv();
  out->send(sum);
}

void skynet_main(long n) {
  auto c = cyn::make<cyn::Channel<long>>();
  cyn::spawn(&skynet, c, 0L, n, 10L);
  g_result = c->recv();
}

void pong(LongChan ping, LongChan pong_ch, long n) {
  for (long i = 0; i < n; ++i) pong_ch->send(ping->recv() + 1);
}

void pingpong_main(long n) {
  auto ping = cyn::make<cyn::Channel<long>>();
  auto pong_ch = cyn::make<cyn::Channel<long>>();
  cyn::spawn(&pong, ping, pong_ch, n);
  long v = 0;
  for (long i = 0; i < n; ++i) {
    ping->send(v);
    v = pong_ch->recv();
  }
  g_result = v;
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

// Peak resident set of this process image in KiB (VmHWM; unlike ru_maxrss it does not
// include the parent's peak inherited across exec).
long peak_rss_kb() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  long kb = -1;
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, "VmHWM:", 6) == 0) kb = std::atol(line + 6);
  }
  std::fclose(f);
  return kb;
}

double run_once(const std::string& name, long n) {
  auto t0 = std::chrono::steady_clock::now();
  if (name == "spawn") {
    cyn::run(&spawn_main, n, false);
  } else if (name == "spawn_yield") {
    cyn::run(&spawn_main, n, true);
  } else if (name == "skynet") {
    cyn::run(&skynet_main, n);
  } else if (name == "pingpong") {
    cyn::run(&pingpong_main, n);
  } else {
    std::fprintf(stderr, "unknown benchmark %s\n", name.c_str());
    std::exit(2);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s spawn|spawn_yield|skynet|pingpong [n]\n", argv[0]);
    return 2;
  }
  std::string name = argv[1];
  long n = 0;
  if (argc > 2) n = std::atol(argv[2]);
  if (n <= 0) n = name == "skynet" ? 1000000 : name == "pingpong" ? 1000000 : 500000;
  run_once(name, n);  // warm-up: starts the workers, fills the stack and task pools
  double cpu0 = cpu_seconds();
  double seconds = run_once(name, n);
  double cpu = cpu_seconds() - cpu0;
  std::printf(
      "bench=%s impl=cyn workers=%d n=%ld seconds=%.6f ns_per_op=%.1f cpu_seconds=%.6f "
      "rss_kb=%ld result=%ld\n",
      name.c_str(), cyn::num_workers(), n, seconds, seconds * 1e9 / n, cpu, peak_rss_kb(),
      g_result);
  return 0;
}
