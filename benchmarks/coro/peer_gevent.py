"""Python gevent peers of runtime/bench/coro_bench.cpp (same benchmarks, same output line).

    python3 peer_gevent.py spawn|spawn_yield|skynet|pingpong [n]

gevent greenlets are stackful coroutines on one thread (like cyn with one worker);
gevent.queue.Channel is an unbuffered rendezvous channel like Go's `make(chan int)`.
"""
import sys
import time

import gevent
from gevent.event import Event
from gevent.queue import Channel

from peer_common import benchmark_and_size, peak_rss_kb


def spawn(n, yield_):
    done = Event()
    left = [n]

    def task():
        if yield_:
            gevent.sleep(0)
        left[0] -= 1
        if left[0] == 0:
            done.set()

    for _ in range(n):
        gevent.spawn(task)
    done.wait()
    return n


def skynet(out, num, size, div):
    if size == 1:
        out.put(num)
        return
    rc = Channel()
    sub = size // div
    for i in range(div):
        gevent.spawn(skynet, rc, num + i * sub, sub, div)
    total = 0
    for _ in range(div):
        total += rc.get()
    out.put(total)


def skynet_main(n):
    c = Channel()
    gevent.spawn(skynet, c, 0, n, 10)
    return c.get()


def pingpong(n):
    ping, pong = Channel(), Channel()

    def other():
        for _ in range(n):
            pong.put(ping.get() + 1)

    g = gevent.spawn(other)
    v = 0
    for _ in range(n):
        ping.put(v)
        v = pong.get()
    g.join()
    return v


def main():
    name, n = benchmark_and_size()
    fn = {"spawn": lambda: spawn(n, False), "spawn_yield": lambda: spawn(n, True),
          "skynet": lambda: skynet_main(n), "pingpong": lambda: pingpong(n)}[name]
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    rss = peak_rss_kb()
    print(f"bench={name} impl=gevent workers=1 n={n} seconds={seconds:.6f} "
          f"ns_per_op={seconds * 1e9 / n:.1f} cpu_seconds={cpu:.6f} rss_kb={rss} result={result}")


if __name__ == "__main__":
    main()
