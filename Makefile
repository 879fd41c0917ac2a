# cyn — the two commands a newcomer needs:
#   make run    set everything up, build, start the demo server, print the benchmark table
#   make test   set everything up and run every test (CI runs this via .ci/run)
# Other targets: deps, build, test-asan, test-tsan, test-upstream, bench, fuzz, fuzz-compiler,
# examples, clean.

PYTHON   ?= python3
BUILD    ?= build
JOBS     ?= $(shell nproc)
export CYN_BUILD_DIR := $(abspath $(BUILD))
export PYTHONPATH := $(CURDIR)/cython-fork:$(CURDIR)/stdlib$(if $(PYTHONPATH),:$(PYTHONPATH))
export CCACHE_DIR ?= $(HOME)/.cache/ccache

CMAKE_GEN := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")

.PHONY: all deps build runtime test test-runtime test-python test-asan test-tsan test-upstream \
        run examples bench fuzz fuzz-compiler clean

all: build

deps:
	@bash scripts/deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release

build runtime: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# Every test: the runtime's GoogleTests (CTest), then the Python suite (compiler, interop,
# HTTP black-box, install, upstream subset) with pytest on all cores.
test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(PYTHON) -m pytest tests -n $(JOBS) --dist loadfile -q

test-runtime: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-python: build
	$(PYTHON) -m pytest tests -n $(JOBS) --dist loadfile -q

# The runtime's GoogleTests under AddressSanitizer+UBSan and under ThreadSanitizer.
test-asan: deps
	cmake -S . -B build-asan $(CMAKE_GEN) -DCYN_SANITIZE=address,undefined -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

test-tsan: deps
	cmake -S . -B build-tsan $(CMAKE_GEN) -DCYN_SANITIZE=thread -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-tsan -j $(JOBS)
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ctest --output-on-failure -j $(JOBS)

# All of the fixed list of upstream Cython tests (make test runs a subset).
test-upstream: build
	CYN_UPSTREAM_ALL=1 $(PYTHON) -m pytest tests/upstream -n $(JOBS) -q

examples: build
	$(PYTHON) scripts/run_examples.py

run: build
	$(PYTHON) scripts/run_examples.py
	$(PYTHON) scripts/demo.py

bench: build
	$(PYTHON) benchmarks/run_all.py

fuzz: deps
	cmake -S . -B build-fuzz $(CMAKE_GEN) -DCMAKE_CXX_COMPILER=clang++ -DCYN_FUZZ=ON -DCYN_BUILD_TESTS=OFF
	cmake --build build-fuzz -j $(JOBS)
	$(PYTHON) scripts/fuzz.py build-fuzz

# Mutation fuzzing of the compiler (no traceback on any input); crashes go to tests/broken/.
fuzz-compiler: build
	$(PYTHON) scripts/fuzz_compiler.py --seed $${FUZZ_SEED:-1} --count $${FUZZ_COUNT:-200} --save tests/broken

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz tests/.build benchmarks/.out
