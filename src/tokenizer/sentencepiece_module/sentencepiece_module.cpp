// The loadable module that holds libsentencepiece (see sentencepiece_backend.h for why).
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include "tokenizer/sentencepiece_backend.h"

namespace lethe::tokenizer {
namespace {

class LibSentencePiece final : public SentencePieceBackend {
 public:
  std::string load(const std::string& serialized_model) override {
    // A malformed model can make libsentencepiece throw rather than return a status (its trie
    // builder refuses a piece holding a NUL byte, found by fuzzing): a failure all the same.
    try {
      return message(processor_.LoadFromSerializedProto(serialized_model));
    } catch (const std::exception& e) {
      return e.what();
    }
  }
  std::string encode(std::string_view text, std::vector<int>* ids) const override {
    return message(processor_.Encode(text, ids));
  }
  std::string decode(const std::vector<int>& ids, std::string* text) const override {
    return message(processor_.Decode(ids, text));
  }
  int piece_size() const override { return processor_.GetPieceSize(); }
  std::string id_to_piece(int id) const override { return processor_.IdToPiece(id); }
  int piece_to_id(std::string_view piece) const override { return processor_.PieceToId(piece); }
  bool is_control(int id) const override { return processor_.IsControl(id); }
  bool is_unknown(int id) const override { return processor_.IsUnknown(id); }
  bool is_byte(int id) const override { return processor_.IsByte(id); }
  bool is_unused(int id) const override { return processor_.IsUnused(id); }
  float score(int id) const override { return processor_.GetScore(id); }
  int bos_id() const override { return processor_.bos_id(); }
  int eos_id() const override { return processor_.eos_id(); }
  int pad_id() const override { return processor_.pad_id(); }
  std::string train(const std::map<std::string, std::string>& flags, std::string* model) const override {
    std::unordered_map<std::string, std::string> kwargs(flags.begin(), flags.end());
    return message(sentencepiece::SentencePieceTrainer::Train(kwargs, nullptr, model));
  }

 private:
  static std::string message(const sentencepiece::util::Status& status) {
    return status.ok() ? std::string() : status.ToString();
  }
  sentencepiece::SentencePieceProcessor processor_;
};

}  // namespace
}  // namespace lethe::tokenizer

extern "C" __attribute__((visibility("default"))) lethe::tokenizer::SentencePieceBackend*
lethe_make_sentencepiece_backend() {
  return new lethe::tokenizer::LibSentencePiece();
}
