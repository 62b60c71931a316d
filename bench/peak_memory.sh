#!/usr/bin/env bash
# Peak memory (max RSS) of the label stage and of `lethe eval` on an 8M-parameter model with Llama
# 3.1's 128,256-token vocabulary (docs/benchmarks.md). Needs the demo world (make demo writes it) and
# the Llama 3.1 tokenizer files that the test fixture writes (ctest -R npm_install_llama3_tokenizer).
# Usage: bench/peak_memory.sh [BUILD [OTHER_LETHE ...]]: each lethe executable is measured in turn.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
work="$build/bench-peak-memory"
mkdir -p "$work"
head -c 40000 "$build/world/saga/train.txt" > "$work/forget.txt"
cat > "$work/config.json" <<'JSON'
{"model_type": "llama", "vocab_size": 128256, "hidden_size": 64, "intermediate_size": 172,
 "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
 "max_position_embeddings": 512, "tie_word_embeddings": true, "bos_token_id": 128000, "eos_token_id": 128001}
JSON
if [ ! -f "$work/model/model.safetensors" ]; then
  "$build/lethe" pretrain --config "$work/config.json" --tokenizer "$build/npm-lenml/llama3_1" \
    --data "$work/forget.txt" --out "$work/model" --steps 1 --sequence 128 --batch-size 1 --warmup 0 >/dev/null 2>&1
fi
peak_mb() { echo $(( $(/usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1) / 1024 )); }
for lethe in "$build/lethe" "$@"; do
  echo "$lethe:"
  echo "  labels, 4 blocks of 512 per batch: $(peak_mb "$lethe" labels --base "$work/model" \
    --reinforced "$work/model" --forget "$work/forget.txt" --dictionary "$build/world/anchors_gold.json" \
    --out "$work/labels.bin" --block-length 512 --batch-size 4) MB"
  for batch in 8 32; do
    echo "  eval --batch-size $batch: $(peak_mb "$lethe" eval --models m="$work/model" --suite "$build/world/suite" \
      --limit 64 --batch-size $batch --out "$work/eval-$batch/report.json") MB"
  done
done
