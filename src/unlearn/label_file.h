#pragma once
// The generic labels of a corpus on disk, streamed: a header (format, block length, number of
// label sets, soft top-k, and the provenance: hashes of the models, corpus and dictionary and the
// options that made the labels), then one fixed-size record per block, written as it is computed
// and read back by index, so a corpus larger than memory works.
//
//   "LETHELBL" | u32 version | u64 header bytes | header JSON | records
//   record: tokens i32[L] | per label set: labels i32[L] (-1: none) | soft ids i32[L*k], probs f32[L*k]
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "io/file.h"

namespace lethe::unlearn {

struct LabelFileHeader {
  int64_t block_length = 0;
  int64_t label_sets = 1;  // one per alpha
  int64_t soft_top_k = 0;  // 0: hard labels only
  nlohmann::json provenance = nlohmann::json::object();
};

struct LabelRecord {
  std::vector<int32_t> tokens;                   // (L)
  std::vector<std::vector<int32_t>> labels;      // [set] (L)
  std::vector<std::vector<int32_t>> soft_ids;    // [set] (L*k), empty when k = 0
  std::vector<std::vector<float>> soft_probabilities;  // [set] (L*k)
};

// A record as the file stores it; throws lethe::Error if its sizes do not fit the header.
std::string encode_label_record(const LabelRecord& record, const LabelFileHeader& header);

// Writes PATH.partial and renames it to PATH on commit. An interrupted run leaves PATH.partial;
// a writer with the very same header continues it, keeping its whole records.
class LabelFileWriter {
 public:
  LabelFileWriter(const std::filesystem::path& path, LabelFileHeader header);
  int64_t records() const { return records_; }  // whole records in the file so far
  void keep_records(int64_t count);             // drops the records after the first `count`
  void append(const LabelRecord& record);       // throws lethe::Error if its sizes do not fit the header
  void append_encoded(const std::string& records);  // whole records, as encode_label_record makes them
  const LabelFileHeader& header() const { return header_; }
  void sync();                                  // what was appended survives a crash
  void commit();                                // the file appears under its name only now

 private:
  LabelFileHeader header_;
  io::PartialFile file_;
  uint64_t header_bytes_ = 0, record_bytes_ = 0;
  int64_t records_ = 0;
};

class LabelFileReader {
 public:
  // Throws lethe::Error naming the file: bad magic or version, a broken header, a size that is not
  // a whole number of records.
  explicit LabelFileReader(const std::filesystem::path& path);
  ~LabelFileReader();
  LabelFileReader(const LabelFileReader&) = delete;
  LabelFileReader& operator=(const LabelFileReader&) = delete;

  const LabelFileHeader& header() const { return header_; }
  int64_t block_count() const { return block_count_; }
  LabelRecord read(int64_t index) const;

  // Throws lethe::Error listing every provenance key whose value differs from `expected`.
  void require_provenance(const nlohmann::json& expected) const;

 private:
  std::filesystem::path path_;
  LabelFileHeader header_;
  int fd_ = -1;
  uint64_t data_offset_ = 0;
  uint64_t record_bytes_ = 0;
  int64_t block_count_ = 0;
};

}  // namespace lethe::unlearn
