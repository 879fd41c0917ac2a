"""Python asyncio peers of runtime/bench/coro_bench.cpp (same benchmarks, same output line).

    python3 peer_asyncio.py spawn|spawn_yield|skynet|pingpong [n]

asyncio has no unbuffered channel; a Queue() stands in for Go's `make(chan int)`, and a
counter plus a Future for sync.WaitGroup. One event loop = one worker.
"""
import asyncio
import sys
import time

from peer_common import benchmark_and_size, peak_rss_kb


async def spawn(n, yield_):
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    left = [n]

    async def task():
        if yield_:
            await asyncio.sleep(0)
        left[0] -= 1
        if left[0] == 0:
            done.set_result(None)

    tasks = [asyncio.ensure_future(task()) for _ in range(n)]
    await done
    del tasks
    return n


async def skynet(out, num, size, div):
    if size == 1:
        await out.put(num)
        return
    rc = asyncio.Queue()
    sub = size // div
    children = [asyncio.ensure_future(skynet(rc, num + i * sub, sub, div)) for i in range(div)]
    total = 0
    for _ in range(div):
        total += await rc.get()
    del children
    await out.put(total)


async def skynet_main(n):
    c = asyncio.Queue()
    t = asyncio.ensure_future(skynet(c, 0, n, 10))
    r = await c.get()
    await t
    return r


async def pingpong(n):
    ping, pong = asyncio.Queue(maxsize=1), asyncio.Queue(maxsize=1)

    async def other():
        for _ in range(n):
            await pong.put(await ping.get() + 1)

    t = asyncio.ensure_future(other())
    v = 0
    for _ in range(n):
        await ping.put(v)
        v = await pong.get()
    await t
    return v


def run_once(name, n):
    coro = {
        "spawn": lambda: spawn(n, False),
        "spawn_yield": lambda: spawn(n, True),
        "skynet": lambda: skynet_main(n),
        "pingpong": lambda: pingpong(n),
    }[name]()
    t0 = time.perf_counter()
    r = asyncio.run(coro)
    return time.perf_counter() - t0, r


def main():
    name, n = benchmark_and_size()
    cpu0 = time.process_time()
    seconds, result = run_once(name, n)  # no warm-up: one run is long enough
    cpu = time.process_time() - cpu0
    rss = peak_rss_kb()
    print(f"bench={name} impl=asyncio workers=1 n={n} seconds={seconds:.6f} "
          f"ns_per_op={seconds * 1e9 / n:.1f} cpu_seconds={cpu:.6f} rss_kb={rss} result={result}")


if __name__ == "__main__":
    main()
