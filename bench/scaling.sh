#!/usr/bin/env bash
# Real sizes on this CPU (docs/benchmarks.md, "Memory at real sizes"):
#  1. peak memory (max RSS) and training speed of a full fine-tune, LoRA, and LoRA with activation
#     checkpointing (lethe reinforce) on a randomly initialised 110M model;
#  2. the whole whp pipeline with LoRA and checkpointing on a randomly initialised 1.1B model of
#     TinyLlama's shape (a few steps per stage), its peak memory beside lethe plan's prediction.
# Needs the demo world (make demo) and the Llama 2 tokenizer the tests install (ctest -R lenml).
# Usage: bench/scaling.sh [BUILD]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
lethe="$build/lethe"
work="$build/bench-scaling"
tokenizer="$build/npm-lenml-llama2/llama2"
mkdir -p "$work"
head -c 60000 "$build/world/saga/train.txt" > "$work/forget.txt"
head -c 6000 "$build/world/saga/train.txt" > "$work/forget-short.txt"

# DIR CONFIG: random float32 weights written by the PyTorch reference, and the tokenizer files.
make_model() {
  mkdir -p "$1"
  echo "$2" > "$1/config.json"
  [ -f "$1/model.safetensors" ] || /usr/bin/python3 tests/reference/llama_reference.py make "$1" 1 F32
  cp "$tokenizer"/tokenizer*.json "$1/"
}
peak_mb() { echo $(( $(/usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1) / 1024 )); }
# Mean tokens/s of a run's logged steps after the first (which pays for the warm-up).
tokens_per_second() {
  /usr/bin/python3 -c "import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; \
r=[x['tokens_per_second'] for x in r if 'tokens_per_second' in x][1:]; print(round(sum(r)/len(r)))" "$1"
}

make_model "$work/llama-110M" '{"model_type": "llama", "vocab_size": 32000, "hidden_size": 768,
  "intermediate_size": 2048, "num_hidden_layers": 12, "num_attention_heads": 12, "num_key_value_heads": 12,
  "max_position_embeddings": 1024, "tie_word_embeddings": true, "bos_token_id": 1, "eos_token_id": 2}'
echo "110M, lethe reinforce, 4 blocks of 256 tokens per step:"
printf "  %-34s %10s %10s\n" "" "peak MB" "tokens/s"
for variant in "full fine-tune|" "LoRA rank 16, all projections|--lora" \
               "LoRA + activation checkpointing|--lora --activation-checkpointing"; do
  name=${variant%%|*}
  flags=${variant#*|}
  out="$work/reinforce-${name%% *}-${#flags}"
  rm -rf "$out"
  # shellcheck disable=SC2086
  peak=$(peak_mb "$lethe" reinforce "$work/llama-110M" --forget "$work/forget.txt" --out "$out" --epochs 1 \
    --block-length 256 --batch-size 4 --accumulation 1 --log-every 1 --checkpoint-every 1000 --lr 1e-4 $flags)
  printf "  %-34s %10s %10s\n" "$name" "$peak" "$(tokens_per_second "$out/run/metrics.jsonl")"
done

make_model "$work/tinyllama-1.1B" '{"model_type": "llama", "vocab_size": 32000, "hidden_size": 2048,
  "intermediate_size": 5632, "num_hidden_layers": 22, "num_attention_heads": 32, "num_key_value_heads": 4,
  "max_position_embeddings": 2048, "tie_word_embeddings": false, "bos_token_id": 1, "eos_token_id": 2}'
cat > "$work/whp-lora-1.1B.toml" <<TOML
preset = "whp"
base = "tinyllama-1.1B"
forget = "forget-short.txt"
dictionary = "$(realpath "$build/world/anchors_gold.json")"
out = "whp-lora-1.1B"
block_length = 256
batch_size = 2
accumulation = 1
activation_checkpointing = true
[reinforce]
epochs = 1
[labels]
batch_size = 2
[finetune]
epochs = 1
[lora]
rank = 16
alpha = 32
TOML
rm -rf "$work/whp-lora-1.1B"
echo
echo "1.1B (TinyLlama's shape), lethe unlearn with LoRA and checkpointing, whp on $(wc -c < "$work/forget-short.txt") bytes:"
start=$(date +%s)
peak=$(peak_mb "$lethe" unlearn --config "$work/whp-lora-1.1B.toml")
echo "  measured peak: $peak MB in $(( $(date +%s) - start )) s"
echo "  lethe plan's prediction (GB per stage; this CPU as one device):"
# This CPU as one device: 24 GB, its sgemm peak (about 0.29 TFLOP/s on 2 cores) at MFU 0.5.
"$lethe" plan "$work/tinyllama-1.1B" --config "$work/whp-lora-1.1B.toml" --device-memory 24 --peak-tflops 0.29 \
  --mfu 0.5 | sed -n '/^stage/,/^GB/p' | sed 's/^/    /'
