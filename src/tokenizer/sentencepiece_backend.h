#pragma once
// libsentencepiece behind an abstract interface, loaded at run time from a module of its own.
//
// Why: Debian's libsentencepiece embeds its own copy of protobuf and exports its symbols, and
// libtorch links the system libprotobuf. Linked into one program, each resolves the other's
// protobuf functions and the process crashes before main(). Loaded with RTLD_LOCAL |
// RTLD_DEEPBIND, libsentencepiece binds to its own copy and stays out of torch's way; calls go
// through this interface's vtable, so no symbol crosses over.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lethe::tokenizer {

class SentencePieceBackend {
 public:
  virtual ~SentencePieceBackend() = default;

  // Each returns an empty string on success, else libsentencepiece's error message.
  virtual std::string load(const std::string& serialized_model) = 0;
  virtual std::string encode(std::string_view text, std::vector<int>* ids) const = 0;
  virtual std::string decode(const std::vector<int>& ids, std::string* text) const = 0;

  virtual int piece_size() const = 0;
  virtual std::string id_to_piece(int id) const = 0;
  virtual int piece_to_id(std::string_view piece) const = 0;  // the unknown piece's id if absent
  virtual bool is_control(int id) const = 0;
  virtual bool is_unknown(int id) const = 0;
  virtual bool is_byte(int id) const = 0;    // <0x00> ... <0xFF> of byte fallback
  virtual bool is_unused(int id) const = 0;
  virtual float score(int id) const = 0;     // the piece's score in the model (merge order, log-probability)
  virtual int bos_id() const = 0;  // -1: none
  virtual int eos_id() const = 0;
  virtual int pad_id() const = 0;

  // Trains a model with spm_train's flags (name -> value) and puts it, serialized, in *model. It
  // needs no loaded model: training is here only because libsentencepiece must stay in the module.
  virtual std::string train(const std::map<std::string, std::string>& flags, std::string* model) const = 0;
};

// Loads the module (once per process) and makes a backend; throws lethe::Error if the module
// cannot be found or loaded. LETHE_SENTENCEPIECE_MODULE overrides where it is looked for.
std::unique_ptr<SentencePieceBackend> make_sentencepiece_backend();

}  // namespace lethe::tokenizer

// The module's one exported symbol.
extern "C" lethe::tokenizer::SentencePieceBackend* lethe_make_sentencepiece_backend();
