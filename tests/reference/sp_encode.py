"""Reference for lethe's SentencePiece tokenizer: what the sentencepiece Python package makes of
each test text.

    sp_encode.py MODEL TEXTS_JSON OUT_JSON

OUT_JSON: per text, {"ids": encode(text) without BOS/EOS, "decoded": decode(ids)}, plus the model's
bos / eos / pad / unk ids.
"""
import json
import sys

import sentencepiece


def main(model_path, texts_path, out_path):
    processor = sentencepiece.SentencePieceProcessor(model_file=model_path)
    with open(texts_path, encoding="utf-8") as f:
        texts = json.load(f)
    encodings = []
    for text in texts:
        ids = processor.encode(text)
        encodings.append({"ids": ids, "decoded": processor.decode(ids)})
    result = {
        "bos_id": processor.bos_id(),
        "eos_id": processor.eos_id(),
        "pad_id": processor.pad_id(),
        "unk_id": processor.unk_id(),
        "vocab_size": processor.get_piece_size(),
        "encodings": encodings,
    }
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)


if __name__ == "__main__":
    main(*sys.argv[1:])
