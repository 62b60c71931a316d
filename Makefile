# lethe: the two commands a new user types are `make demo` and `make test`.
# Both install what is missing (Debian 12 packages), configure and build first.

BUILD ?= build
JOBS ?= $(shell nproc)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

APT_PACKAGES := build-essential cmake pkg-config git \
  libtorch-dev libgloo-dev libopenblas0-openmp libdnnl-dev \
  libsentencepiece-dev sentencepiece libpcre2-dev libicu-dev \
  nlohmann-json3-dev zlib1g-dev libcli11-dev libfmt-dev libspdlog-dev libtomlplusplus-dev \
  libgoogle-perftools-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  python3-torch python3-numpy python3-sentencepiece \
  wordnet-base bible-kjv chromium clang libclang-rt-14-dev

.PHONY: all deps build test demo demo-models bench clean

all: build

# Installs only what is missing, so a second run costs a second.
deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then missing="$$missing nodejs npm"; fi; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The whole job on the demo world: unlearn the saga from demo-base, report base / unlearned / oracle.
demo: build
	@bash scripts/demo.sh $(BUILD)

# Retrains the shipped models from nothing (about an hour each on 2 cores): see the script.
demo-models: build
	@bash scripts/demo_models.sh $(BUILD)

bench: build
	$(BUILD)/bench/lethe_bench_train_step
	$(BUILD)/bench/lethe_bench_forward

clean:
	rm -rf $(BUILD)
