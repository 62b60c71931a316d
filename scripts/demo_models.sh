#!/usr/bin/env bash
# make demo-models: trains the two models that ship in models/ from nothing but lethe and Debian
# packages. The demo world (seed 1) and its 4096-piece vocabulary are generated first; then
#   models/demo-base    learns the saga, the retain world and general English;
#   models/demo-oracle  learns the retain world and general English only, same recipe and steps.
# Each model sees the general glosses once and fills the rest of its 1240 steps with fiction: the base
# sees the saga and the retain world six times each, the oracle the retain world twelve times, so that
# both spend the same tokens on general English and their general perplexities can be compared. Six
# exposures are what a 8M-parameter model needs to bind most facts (three gave 15% saga QA). A model
# whose weights exist is kept (FORCE=1 retrains it); an interrupted run resumes from its checkpoint
# when the command is run again.
set -euo pipefail
build=${1:-build}
lethe="$build/lethe"
world="$build/world"
tokenizer="$build/demo-tokenizer"

"$lethe" world generate --seed 1 --out "$world" >/dev/null
if [ ! -f "$tokenizer/tokenizer.model" ]; then
  "$lethe" tokenizer train --vocab-size 4096 --out "$tokenizer" \
    --input "$world/saga/train.txt" --input "$world/retain/train.txt" --input "$world/general/train.txt"
fi

recipe=(--config models/demo-config.json --tokenizer "$tokenizer" --seed 1 --sequence 256
        --steps 1240 --batch-size 8 --accumulation 2 --lr 2e-3 --warmup 50 --weight-decay 0.01
        --log-every 25 --eval-every 250 --eval "$world/general/holdout.txt" --save-dtype bfloat16)
times() { local n=$1 file=$2; for _ in $(seq "$n"); do printf -- '--data\n%s\n' "$file"; done; }
mapfile -t saga < <(times 6 "$world/saga/train.txt")
mapfile -t retain_base < <(times 6 "$world/retain/train.txt")
mapfile -t retain_oracle < <(times 12 "$world/retain/train.txt")
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
  "$lethe" pretrain "${recipe[@]}" "$@" --out "$out" 2> >(tee -a "$out/train.log" >&2)  # appended: a resumed run adds to it
  echo "trained in $((SECONDS - start)) s on $(nproc) cores" | tee -a "$out/train.log"
  rm -f "$out/run/checkpoint.pt"  # optimizer state: needed to resume, not to use the model
}

train models/demo-base "${saga[@]}" "${retain_base[@]}" "${general[@]}"
train models/demo-oracle "${retain_oracle[@]}" "${general[@]}"
