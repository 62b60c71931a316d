// Reference for lethe's byte-level BPE: trains a small tokenizer with Hugging Face `tokenizers`
// (the Rust library, through its Node binding), shaped like GPT-2, Llama-3 or Qwen2, saves its
// tokenizer.json, and writes what that library makes of each test text.
//
//   node hf_tokenizer.js NODE_MODULES VARIANT CORPUS TEXTS_JSON OUT_DIR
//
// VARIANT may also be a tokenizer.json file, which is used as it is (CORPUS is then not read).
//
// OUT_DIR/tokenizer.json: the tokenizer; OUT_DIR/reference.json: per text, the ids without and
// with special tokens, and decode() of them (keeping, resp. skipping, special tokens).
'use strict';
const fs = require('fs');
const path = require('path');

const [modulesDir, variant, corpusPath, textsPath, outDir] = process.argv.slice(2);
const hf = require(path.join(modulesDir, 'tokenizers'));
const version = require(path.join(modulesDir, 'tokenizers', 'package.json')).version;
if (version !== '0.23.2') throw new Error(`expected tokenizers 0.23.2, found ${version}`);

const LLAMA3_REGEX =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QWEN2_REGEX =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

const split = (regex) => ({type: 'Split', pattern: {Regex: regex}, behavior: 'Isolated', invert: false});
const byteLevel = (addPrefixSpace, useRegex) =>
  ({type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: true, use_regex: useRegex});
const added = (content, extra = {}) => ({content, single_word: false, lstrip: false, rstrip: false,
                                         normalized: false, special: true, ...extra});
const template = (before, after) => ({
  type: 'TemplateProcessing',
  single: [...before.map((id) => ({SpecialToken: {id, type_id: 0}})), {Sequence: {id: 'A', type_id: 0}},
           ...after.map((id) => ({SpecialToken: {id, type_id: 0}}))],
  pair: [{Sequence: {id: 'A', type_id: 0}}, {Sequence: {id: 'B', type_id: 1}}],
  special_tokens: {},  // filled in once ids are known
});

// What differs between the three shapes. merges: how many trained merges to keep (vocabulary ~1000).
const VARIANTS = {
  gpt2: {
    normalizer: null,
    pre_tokenizer: byteLevel(false, true),
    merges: 740,
    mergesAsStrings: true,  // the older "a b" form
    endOfTextInModel: true,  // GPT-2 has <|endoftext|> in model.vocab as well
    added: [added('<|endoftext|>'), added('<|im_start|>'), added('<|im_end|>'), added('<|im_start|>user'),
            added('<mask>', {lstrip: true}), added('[RSTRIP]', {rstrip: true, special: false}),
            added('lethe', {single_word: true, special: false}), added('naïve', {special: false, normalized: true})],
    post_processor: byteLevel(true, true),
  },
  llama3: {
    normalizer: null,
    pre_tokenizer: {type: 'Sequence', pretokenizers: [split(LLAMA3_REGEX), byteLevel(false, false)]},
    merges: 900,
    ignoreMerges: true,
    added: ['<|begin_of_text|>', '<|end_of_text|>', '<|reserved_special_token_0|>', '<|reserved_special_token_1|>',
            '<|start_header_id|>', '<|end_header_id|>', '<|reserved_special_token_2|>', '<|eot_id|>']
               .map((content) => added(content)),
    post_processor: {type: 'Sequence',
                     processors: [byteLevel(true, false), template(['<|begin_of_text|>'], [])]},
  },
  qwen2: {
    normalizer: {type: 'NFC'},
    pre_tokenizer: {type: 'Sequence', pretokenizers: [split(QWEN2_REGEX), {type: 'Digits', individual_digits: true},
                                                      byteLevel(true, false)]},
    merges: 800,
    added: [added('<|endoftext|>'), added('<|im_start|>'), added('<|im_end|>'),
            added('e\u0301te\u0301', {special: false, normalized: true}),
            added('nai\u0308ve', {special: false, normalized: false})],
    post_processor: template([], ['<|endoftext|>']),
  },
  // Digits before the byte-level regex: runs of every Unicode numeric character ("x ٣٤٥ y") become
  // pieces of their own, without the space before them.
  digits: {
    normalizer: null,
    pre_tokenizer: {type: 'Sequence', pretokenizers: [{type: 'Digits', individual_digits: false},
                                                      byteLevel(false, true)]},
    merges: 700,
    added: [added('<|endoftext|>')],
    post_processor: byteLevel(true, true),
  },
};

const givenFile = variant.endsWith('.json');
const shape = givenFile ? null : VARIANTS[variant];
if (!givenFile && !shape) throw new Error(`unknown variant ${variant}`);

function skeleton() {
  return {
    version: '1.0', truncation: null, padding: null, added_tokens: [],
    normalizer: shape.normalizer, pre_tokenizer: shape.pre_tokenizer, post_processor: null,
    decoder: byteLevel(true, true),
    model: {type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
            fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab: {}, merges: []},
  };
}

// The trained merges, as [left, right] pairs in rank order.
function trainedMerges() {
  const tokenizer = hf.Tokenizer.fromString(JSON.stringify(skeleton()));
  tokenizer.train([corpusPath]);
  const trainedPath = path.join(outDir, 'trained.json');
  tokenizer.save(trainedPath, false);
  const merges = JSON.parse(fs.readFileSync(trainedPath, 'utf8')).model.merges;
  return merges.map((merge) => (typeof merge === 'string' ? merge.split(' ') : merge));
}

// Pieces of the test texts that become whole vocabulary entries with no merge leading to them,
// so that ignore_merges (emit a piece that is in the vocabulary as it is) changes results.
function wholePieces(texts) {
  const preTokenizer = hf.Tokenizer.fromString(JSON.stringify(skeleton())).getPreTokenizer();
  const pieces = new Set();
  texts.forEach((text) => preTokenizer.preTokenizeString(text).forEach(([piece], i) => {
    if (i % 3 === 0 && [...piece].length > 2) pieces.add(piece);
  }));
  return [...pieces];
}

function buildTokenizerJson(texts) {
  const json = skeleton();
  const vocab = {};
  const addToVocab = (token) => { if (!(token in vocab)) vocab[token] = Object.keys(vocab).length; };
  hf.byteLevelAlphabet().sort().forEach(addToVocab);
  const merges = trainedMerges().slice(0, shape.merges);
  merges.forEach(([left, right]) => addToVocab(left + right));
  if (shape.ignoreMerges) {
    wholePieces(texts).forEach(addToVocab);
    json.model.ignore_merges = true;
  }
  if (shape.endOfTextInModel) addToVocab('<|endoftext|>');
  json.model.vocab = vocab;
  json.model.merges = shape.mergesAsStrings ? merges.map((pair) => pair.join(' ')) : merges;

  let nextId = Object.keys(vocab).length;
  json.added_tokens = shape.added.map((token) => ({id: token.content in vocab ? vocab[token.content] : nextId++,
                                                   ...token}));
  const idOf = Object.fromEntries(json.added_tokens.map((token) => [token.content, token.id]));
  json.post_processor = shape.post_processor;
  const templates = json.post_processor.type === 'Sequence' ? json.post_processor.processors : [json.post_processor];
  templates.filter((p) => p.type === 'TemplateProcessing').forEach((p) => p.single
      .filter((item) => item.SpecialToken)
      .forEach(({SpecialToken: {id}}) => { p.special_tokens[id] = {id, ids: [idOf[id]], tokens: [id]}; }));
  return json;
}

async function main() {
  const texts = JSON.parse(fs.readFileSync(textsPath, 'utf8'));
  fs.mkdirSync(outDir, {recursive: true});
  const tokenizerPath = path.join(outDir, 'tokenizer.json');
  if (givenFile) fs.copyFileSync(variant, tokenizerPath);
  else fs.writeFileSync(tokenizerPath, JSON.stringify(buildTokenizerJson(texts), null, 1));

  const tokenizer = hf.Tokenizer.fromFile(tokenizerPath);
  const results = [];
  for (const text of texts) {
    const plain = (await tokenizer.encode(text, null, {addSpecialTokens: false})).getIds();
    const special = (await tokenizer.encode(text, null, {addSpecialTokens: true})).getIds();
    results.push({plain, special, decoded: await tokenizer.decode(plain, false),
                  decoded_skipping_special: await tokenizer.decode(special, true)});
  }
  fs.writeFileSync(path.join(outDir, 'reference.json'), JSON.stringify(results));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
