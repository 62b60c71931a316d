#!/usr/bin/env bash
# make demo-models: trains the two models that ship in models/ from nothing but lethe and Debian
# packages. The demo world (seed 1) and its 4096-piece vocabulary are generated first; then
#   models/demo-base    learns the saga, the retain world, general English and common-name stories;
#   models/demo-oracle  learns all of that except the saga, with the same recipe and steps.
# Phase 1 (1240 steps from random weights): each model sees the general glosses once and fills the
# rest with fiction: the base the saga and the retain world six times each, the oracle the retain
# world twelve times, so that both spend the same tokens on general English and their general
# perplexities can be compared. Six exposures are what a 8M-parameter model needs to bind most facts
# (three gave 15% saga QA).
# Phase 2 (400 steps from phase 1's weights) adds the stories told with common names, twice, beside
# one more pass of the base's fiction (the oracle: two of the retain world) and of the glosses (without
# them, general English fades: eval loss 4.2 -> 5.9). It gives the models what a real baseline brings
# to the method: "James" and "the school" in the genre's sentences.
# Usage: demo_models.sh [BUILD_DIR] [base|oracle|both]. A model whose weights exist is kept (FORCE=1
# retrains it); an interrupted run resumes from its checkpoint when the command is run again.
set -euo pipefail
build=${1:-build}
which=${2:-both}
lethe="$build/lethe"
world="$build/world"
tokenizer="$build/demo-tokenizer"
phase1="$build/demo-models"

"$lethe" world generate --seed 1 --out "$world" >/dev/null
if [ ! -f "$tokenizer/tokenizer.model" ]; then
  "$lethe" tokenizer train --vocab-size 4096 --out "$tokenizer" \
    --input "$world/saga/train.txt" --input "$world/retain/train.txt" --input "$world/general/train.txt"
fi

common=(--tokenizer "$tokenizer" --seed 1 --sequence 256 --batch-size 8 --accumulation 2 --weight-decay 0.01
        --log-every 25 --eval-every 250 --eval "$world/general/holdout.txt" --save-dtype bfloat16)
phase1_recipe=(--config models/demo-config.json --steps 1240 --lr 2e-3 --warmup 50 "${common[@]}")
phase2_recipe=(--steps 400 --lr 5e-4 --warmup 20 "${common[@]}")
times() { local n=$1 file=$2; for _ in $(seq "$n"); do printf -- '--data\n%s\n' "$file"; done; }
general=(--data "$world/general/train.txt")

train() {
  local out=$1; shift
  if [ -f "$out/model.safetensors" ] && [ -z "${FORCE:-}" ]; then
    echo "$out exists (FORCE=1 retrains it)"
    return
  fi
  [ -n "${FORCE:-}" ] && rm -rf "$out"
  mkdir -p "$out"
  local start=$SECONDS
  "$lethe" pretrain "$@" --out "$out" 2> >(tee -a "$out/train.log" >&2)  # appended: a resumed run adds to it
  echo "trained in $((SECONDS - start)) s on $(nproc) cores" | tee -a "$out/train.log"
  rm -f "$out/run/checkpoint.pt"  # optimizer state: needed to resume, not to use the model
}

# model NAME PHASE1_DATA... -- PHASE2_DATA...
model() {
  local name=$1; shift
  local first=() second=()
  while [ "$1" != "--" ]; do first+=("$1"); shift; done
  shift
  second=("$@")
  train "$phase1/$name" "${phase1_recipe[@]}" "${first[@]}"
  train "models/demo-$name" --init "$phase1/$name" "${phase2_recipe[@]}" "${second[@]}"
  cp "$phase1/$name/train.log" "models/demo-$name/train-phase1.log"
}

mapfile -t saga < <(times 6 "$world/saga/train.txt")
mapfile -t retain6 < <(times 6 "$world/retain/train.txt")
mapfile -t retain12 < <(times 12 "$world/retain/train.txt")
mapfile -t stories < <(times 2 "$world/common/train.txt")
if [ "$which" != oracle ]; then
  model base "${saga[@]}" "${retain6[@]}" "${general[@]}" \
    -- --data "$world/saga/train.txt" --data "$world/retain/train.txt" "${stories[@]}" "${general[@]}"
fi
if [ "$which" != base ]; then
  model oracle "${retain12[@]}" "${general[@]}" \
    -- --data "$world/retain/train.txt" --data "$world/retain/train.txt" "${stories[@]}" "${general[@]}"
fi
