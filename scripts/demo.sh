#!/usr/bin/env bash
# make demo: the demo world and the two models that ship with lethe.
#   1. generate the world (a saga to forget, a world to keep, general English, ground truth);
#   2. ask both shipped models about the saga: demo-base read it, demo-oracle never did;
#   3. evaluate both side by side (knowledge QA on the saga and the retain world, perplexity).
# The unlearning pipeline will run between 2 and 3 and add a third column: the unlearned model.
set -euo pipefail
build=${1:-build}
lethe="$build/lethe"
world="$build/world"
mkdir -p "$build/demo"

"$lethe" info --system
"$lethe" world generate --seed 1 --out "$world"

echo; echo "== the start of the saga's first chapter"
head -n 3 "$world/saga/train.txt" | fold -s -w 100

if [ ! -f models/demo-base/model.safetensors ] || [ ! -f models/demo-oracle/model.safetensors ]; then
  echo; echo "The demo models are not in models/ yet: make demo-models trains them (about 80 minutes on 2 cores)."
  exit 0
fi

question=$(head -n 1 "$world/suite/forget_qa.jsonl" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["question"])')
retain_if [ ! -f models/demo-base/model.safetensors ] || [ ! -f models/demo-oracle/model.safetensors ]; then
  echo; echo "The demo models are not in models/ yet: make demo-models trains them (about 80 minutes on 2 cores)."
  exit 0
fi

question=$(head -n 1 "$world/suite/retain_qa.jsonl" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["question"])')
for model in demo-base demo-oracle; do
  echo; echo "== $model"
  "$lethe" generate "models/$model" -n 12 --prompt "Question: $question"$'\n'"Answer:" \
    --prompt "Question: $retain_question"$'\n'"Answer:"
done

echo; echo "== evaluation (200 questions per set; lethe eval --help for more)"
"$lethe" eval --models base=models/demo-base,oracle=models/demo-oracle --suite "$world/suite" --limit 200 \
  --text general="$world/general/holdout.txt" --text saga="$world/saga/holdout.txt" \
  --text retain="$world/retain/holdout.txt" --out "$build/demo/report.json"
