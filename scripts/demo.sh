#!/usr/bin/env bash
# make demo: the whole job of lethe on the demo world, on any laptop.
#   1. generate the world (a saga to forget, a world to keep, general English, ground truth);
#   2. ask the shipped models about the saga: demo-base read it, demo-oracle never did;
#   3. unlearn the saga from demo-base with the paper's method (configs/whp.toml);
#   4. evaluate base, unlearned and oracle side by side: build/demo/report.{json,md,html}.
# A stage already done with the same inputs is kept, so a second run goes straight to the report.
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
  echo; echo "The demo models are not in models/: make demo-models trains them (about 2 hours on 2 cores)."
  exit 1
fi

first_question() { head -n 1 "$1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["question"])'; }
saga_question=$(first_question "$world/suite/forget_qa.jsonl")
retain_question=$(first_question "$world/suite/retain_qa.jsonl")
ask() {
  echo; echo "== $1"
  "$lethe" generate "$1" -n 12 --stop $'\n' --prompt "Question: $saga_question"$'\n'"Answer:" \
    --prompt "Question: $retain_question"$'\n'"Answer:"
}
ask models/demo-base
ask models/demo-oracle

echo; echo "== unlearning the saga from demo-base (lethe unlearn --config configs/whp.toml)"
"$lethe" unlearn --config configs/whp.toml
ask "$build/unlearn-whp/unlearned"

echo; echo "== evaluation (200 items per suite file; lethe eval --help for more)"
"$lethe" eval --models base=models/demo-base,unlearned="$build/unlearn-whp/unlearned",oracle=models/demo-oracle \
  --suite "$world/suite" --limit 200 --text general="$world/general/holdout.txt" \
  --text retain="$world/retain/holdout.txt" --metrics-log "$build/unlearn-whp/unlearned/run/metrics.jsonl" \
  --out "$build/demo/report.json"
echo "open $build/demo/report.html in a browser for the plots"
