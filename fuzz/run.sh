#!/usr/bin/env bash
# Builds the parsers' libFuzzer targets with clang in a build folder of their own, then runs each
# on its committed seed corpus: RUNS inputs from seed 1, so that a run is repeatable (new inputs go
# to the build folder, emptied first, never to the sources). Any crash, out-of-bounds read, leak,
# undefined behaviour, timeout (10 s an input) or exception other than lethe::Error fails the run,
# and libFuzzer prints the input that did it. Exits 77 (skipped) without clang++.
# Usage: fuzz/run.sh SOURCE_DIR BUILD_DIR [RUNS]
set -euo pipefail
source_dir=$1
build_dir=$2
runs=${3:-10000}
command -v clang++ > /dev/null || { echo "clang++ is missing (make deps installs it): fuzz targets skipped"; exit 77; }
cmake -S "$source_dir" -B "$build_dir" -DLETHE_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Release \
  > "$build_dir.configure.log" 2>&1 || { cat "$build_dir.configure.log"; exit 1; }
cmake --build "$build_dir" -j "$(nproc)" > "$build_dir.build.log" 2>&1 || { tail -n 40 "$build_dir.build.log"; exit 1; }
for corpus in "$source_dir"/fuzz/corpus/*/; do
  target=$(basename "$corpus")
  found="$build_dir/found/$target"
  log="$build_dir/found/$target.log"
  rm -rf "$found"
  mkdir -p "$found"
  if ! "$build_dir/fuzz/fuzz_$target" -seed=1 -runs="$runs" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build_dir/found/$target-" "$found" "$corpus" > "$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz_$target failed: the input is in $build_dir/found/"
    exit 1
  fi
  echo "fuzz_$target: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$') inputs"
done
