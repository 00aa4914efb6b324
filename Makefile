# The two commands a newcomer needs: `make demo` and `make test`. Both install what is missing
# (Debian packages, scripts/install-deps.sh) and build first.
BUILD       ?= build
SAN_BUILD   ?= build-sanitize
FUZZ_BUILD  ?= build-fuzz
BENCH_BUILD ?= build-bench
TUNE_BUILD  ?= build-tune
FUZZ_SECONDS ?= 60
DEMO_KEEP   ?= 0
CMAKE_FLAGS ?=
EVAL_DEV    ?= ../shared/eval-dev
EVAL_OUT    ?= $(BUILD)/eval

.PHONY: all deps build test demo bench eval eval-reworded eval-dedup fit-weights sanitize fuzz format clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	cmake --build $(BUILD)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j 2

# DEMO_KEEP=1: the worker and the broker stay up after the demo until Ctrl-C.
demo: build
	@DEMO_KEEP=$(DEMO_KEEP) scripts/demo.sh $(BUILD)/broadsheet

bench: deps
	cmake -S . -B $(BENCH_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DBROADSHEET_BENCH=ON -DBROADSHEET_TESTS=OFF
	cmake --build $(BENCH_BUILD)
	$(BENCH_BUILD)/bench/broadsheet_bench --benchmark_min_time=1
	$(BENCH_BUILD)/bench/broadsheet_e2e_bench
	$(BENCH_BUILD)/bench/broadsheet_e2e_bench --pages=synthetic

# The development set (../shared/eval-dev: real pages with their truth, kept outside the
# repository): what the normal build makes of it, scored. The outputs stay in EVAL_OUT
# (pred.jsonl, score.txt, diagnose.txt, per_page.jsonl) for a look at what was missed; then how
# much another draw of as many pages would move the segmentation F1 (sampling_spread.py).
eval: build
	@if [ ! -x $(EVAL_DEV)/run.sh ]; then \
	  echo "make eval: no development set at $(EVAL_DEV) (it is not part of the repository): nothing to measure"; \
	else \
	  $(EVAL_DEV)/run.sh $(BUILD)/broadsheet $(EVAL_OUT) && \
	  echo && echo "make eval: scores ($(EVAL_OUT)/score.txt; its last line holds every metric as JSON)" && \
	  sed '$$d' $(EVAL_OUT)/score.txt && \
	  echo && python3 tests/quality/sampling_spread.py $(EVAL_OUT)/per_page.jsonl; \
	fi

# The same on a copy of the development set with its furniture worded otherwise
# (tests/quality/reword.py): what is read from the layout holds there, what was learnt from
# the set's own strings does not.
eval-reworded: build
	@if [ ! -x $(EVAL_DEV)/run.sh ]; then \
	  echo "make eval-reworded: no development set at $(EVAL_DEV) (it is not part of the repository): nothing to measure"; \
	else \
	  python3 tests/quality/check_quality.py $(BUILD)/broadsheet $(EVAL_DEV) tests/quality/limits-reworded.json \
	    $(EVAL_OUT)-reworded --reworded 1; \
	fi

# The segmenter's weights fitted to the development set (scripts/fit-weights.py): a build that
# reads its weights from a file, then a coordinate search that prints the steps it would keep.
fit-weights: deps
	cmake -S . -B $(TUNE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DBROADSHEET_TUNABLE_WEIGHTS=ON -DBROADSHEET_TESTS=OFF
	cmake --build $(TUNE_BUILD) --target broadsheet
	python3 scripts/fit-weights.py $(TUNE_BUILD)/broadsheet --dev $(EVAL_DEV)

# The near-duplicate evaluation on synthetic stories: precision and recall over a parameter sweep.
eval-dedup: deps
	cmake -S . -B $(BENCH_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DBROADSHEET_BENCH=ON -DBROADSHEET_TESTS=OFF
	cmake --build $(BENCH_BUILD)
	$(BENCH_BUILD)/bench/broadsheet_dedup_eval 400 2025

# Tests under AddressSanitizer and UndefinedBehaviorSanitizer, in a build directory of their own.
sanitize: deps
	cmake -S . -B $(SAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBROADSHEET_SANITIZE=ON
	cmake --build $(SAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(SAN_BUILD) --output-on-failure -j 2

# Each libFuzzer target for FUZZ_SECONDS, starting from the fixture pages.
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DBROADSHEET_FUZZ=ON -DBROADSHEET_TESTS=OFF
	cmake --build $(FUZZ_BUILD)
	scripts/run-fuzzers.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(FUZZ_BUILD) $(BENCH_BUILD) $(TUNE_BUILD)
