// Reference for lethe's GGUF export: llama.cpp itself, through node-llama-cpp's prebuilt
// libraries, loads the file and answers what lethe computed on the same model.
//
//   node llama_cpp.js NODE_MODULES MODEL.gguf REQUEST_JSON OUT_JSON
//
// REQUEST_JSON: {"texts": [...], "prompts": [[ids]], "steps": N}. OUT_JSON: per text, llama.cpp's
// tokens (no BOS, special tokens as plain text); per prompt, the next-token probabilities after
// it (softmax of the raw logits, as [token, p] pairs) and its greedy continuation of N tokens.
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
  const [modulesDir, modelPath, requestPath, outPath] = process.argv.slice(2);
  const version = require(path.join(modulesDir, 'node-llama-cpp', 'package.json')).version;
  if (version !== '3.21.1') throw new Error(`expected node-llama-cpp 3.21.1, found ${version}`);
  const {getLlama, LlamaLogLevel} = await import(path.join(modulesDir, 'node-llama-cpp', 'dist', 'index.js'));
  const llama = await getLlama({gpu: false, build: 'never', logLevel: LlamaLogLevel.error});
  const model = await llama.loadModel({modelPath});
  const request = JSON.parse(fs.readFileSync(requestPath, 'utf8'));
  const out = {tokens: request.texts.map((text) => Array.from(model.tokenize(text, false))), prompts: []};
  // Keys and values cached in float32 (llama.cpp's default is float16), so that what is compared
  // is the exported model, not the cache's rounding.
  const context = await model.createContext({contextSize: 128, sequences: 1, flashAttention: false,
                                             experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32'});
  const sequence = context.getSequence();
  for (const prompt of request.prompts) {
    // Greedy: temperature 0; the probabilities come from the raw logits of the whole vocabulary.
    const last = prompt.length - 1;
    const items = prompt.map((t, i) => (i === last ? [t, {generateNext: {probabilities: true}}] : t));
    const evaluated = await sequence.controlledEvaluate(items);
    const probabilities = Array.from(evaluated[last].next.probabilities.entries());
    await sequence.clearHistory();
    const greedy = [];
    for await (const token of sequence.evaluate(prompt, {temperature: 0})) {
      greedy.push(token);
      if (greedy.length >= request.steps) break;
    }
    await sequence.clearHistory();
    out.prompts.push({probabilities, greedy});
  }
  fs.writeFileSync(outPath, JSON.stringify(out));
  await context.dispose();
  await model.dispose();
  await llama.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
