#!/usr/bin/env bash
# The demo until the demo world lands: a tiny Llama model with random weights and a SentencePiece
# vocabulary trained on WordNet glosses, run through lethe's commands. The text it generates is
# noise (the weights are random); the point is the machinery: loading, tokenizing, generating,
# scoring, and the machine's BLAS check.
set -euo pipefail
build=${1:-build}
lethe="$build/lethe"
work="$build/demo"
mkdir -p "$work/model"

# WordNet glosses: the text after "| " on each line of data.noun.
if [ ! -f "$work/glosses.txt" ]; then
  awk -F'[|] ' 'NF > 1 && n < 20000 { print $2; n++ }' /usr/share/wordnet/data.noun > "$work/glosses.txt"
fi
if [ ! -f "$work/model/tokenizer.model" ]; then
  spm_train --input="$work/glosses.txt" --model_prefix="$work/model/tokenizer" --vocab_size=2000 \
    --model_type=bpe --byte_fallback=true --minloglevel=2 >/dev/null
fi
cat > "$work/model/config.json" <<JSON
{"model_type": "llama", "vocab_size": 2000, "hidden_size": 128, "intermediate_size": 352,
 "num_hidden_layers": 4, "num_attention_heads": 4, "num_key_value_heads": 2,
 "max_position_embeddings": 512, "rms_norm_eps": 1e-5, "tie_word_embeddings": true,
 "bos_token_id": 1, "eos_token_id": 2}
JSON
/usr/bin/python3 tests/reference/llama_reference.py make "$work/model" 7 F32
rm -f "$work/model/inputs.safetensors"
head -n 300 "$work/glosses.txt" > "$work/sample.txt"

set -x
"$lethe" info --system
"$lethe" info "$work/model"
"$lethe" tokenize "$work/model" --text "A saga of wizards, 1234 words, and façades."
"$lethe" generate "$work/model" --prompt "the river" --max-tokens 24
"$lethe" generate "$work/model" --prompt "a small" --prompt "the old wizard" --max-tokens 16 --temperature 0.8 --top-p 0.9 --seed 1
"$lethe" perplexity "$work/model" "$work/sample.txt" --context 256 --stride 128
