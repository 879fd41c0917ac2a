// Go peers of runtime/bench/coro_bench.cpp: the same four benchmarks, same algorithms,
// same output line, so benchmarks/coro/run.py can compare them side by side.
//
//	coro spawn [n]        n empty goroutines spawned and joined with a WaitGroup
//	coro spawn_yield [n]  the same, each goroutine calls runtime.Gosched() once
//	coro skynet [n]       skynet: a tree of goroutines, 10 children each, n leaves
//	coro pingpong [n]     two goroutines bounce a number over unbuffered channels
//
// Each benchmark runs once to warm up and once measured. Workers: GOMAXPROCS.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

func spawn(n int, yield bool) int {
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		if yield {
			go func() {
				runtime.Gosched()
				wg.Done()
			}()
		} else {
			go func() { wg.Done() }()
		}
	}
	wg.Wait()
	return n
}

func skynet(out chan int, num, size, div int) {
	if size == 1 {
		out <- num
		return
	}
	rc := make(chan int)
	sub := size / div
	for i := 0; i < div; i++ {
		go skynet(rc, num+i*sub, sub, div)
	}
	sum := 0
	for i := 0; i < div; i++ {
		sum += <-rc
	}
	out <- sum
}

func skynetMain(n int) int {
	c := make(chan int)
	go skynet(c, 0, n, 10)
	return <-c
}

func pingpong(n int) int {
	ping := make(chan int)
	pong := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			pong <- (<-ping) + 1
		}
	}()
	v := 0
	for i := 0; i < n; i++ {
		ping <- v
		v = <-pong
	}
	return v
}

func runOnce(name string, n int) (float64, int) {
	t0 := time.Now()
	var r int
	switch name {
	case "spawn":
		r = spawn(n, false)
	case "spawn_yield":
		r = spawn(n, true)
	case "skynet":
		r = skynetMain(n)
	case "pingpong":
		r = pingpong(n)
	default:
		fmt.Fprintf(os.Stderr, "unknown benchmark %s\n", name)
		os.Exit(2)
	}
	return time.Since(t0).Seconds(), r
}

// peakRSSKiB is VmHWM: the peak resident set of this process image (ru_maxrss would
// include the parent's peak inherited across exec).
func peakRSSKiB() int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(line, "VmHWM:"), "kB")))
			return kb
		}
	}
	return -1
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)*1e-6
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: coro spawn|spawn_yield|skynet|pingpong [n]")
		os.Exit(2)
	}
	name := os.Args[1]
	n := 0
	if len(os.Args) > 2 {
		n, _ = strconv.Atoi(os.Args[2])
	}
	if n <= 0 {
		switch name {
		case "skynet", "pingpong":
			n = 1000000
		default:
			n = 500000
		}
	}
	runOnce(name, n) // warm-up
	cpu0 := cpuSeconds()
	seconds, result := runOnce(name, n)
	cpu := cpuSeconds() - cpu0
	fmt.Printf("bench=%s impl=go workers=%d n=%d seconds=%.6f ns_per_op=%.1f cpu_seconds=%.6f rss_kb=%d result=%d\n",
		name, runtime.GOMAXPROCS(0), n, seconds, seconds*1e9/float64(n), cpu, peakRSSKiB(), result)
}
