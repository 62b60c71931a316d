// Seeded mutations of a valid safetensors file: every mutant must either load, with every tensor
// inside the data section, or be refused with lethe::Error. Anything else (another exception, a
// crash, an AddressSanitizer report) fails the test.
#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>
#include <random>

#include "io/file.h"
#include "io/safetensors.h"
#include "io/safetensors_test_util.h"
#include "test_util.h"

namespace lethe::io {
namespace {

namespace fs = std::filesystem;
using test::make_tensor;

constexpr int kMutants = 3000;
constexpr uint64_t kSeed = 20240607;

// The parts of a safetensors file; mutating them and re-encoding keeps the header length right,
// so mutants get past the length checks and exercise the header checks.
struct FileParts {
  std::string header;
  std::string data;
  std::string encode() const { return test::safetensors_bytes(header, data); }
};

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : random_(seed) {}

  // One to three edits of the header or data, then sometimes one edit of the raw bytes.
  std::string mutate(FileParts parts) {
    int edits = 1 + static_cast<int>(below(3));
    for (int i = 0; i < edits; ++i) edit_parts(parts);
    std::string bytes = parts.encode();
    if (below(4) == 0) edit_bytes(bytes);
    return bytes;
  }

 private:
  std::size_t below(std::size_t bound) {
    return bound == 0 ? 0 : static_cast<std::size_t>(random_() % bound);
  }

  void edit_parts(FileParts& parts) {
    switch (below(7)) {
      case 0:
        replace_number(parts.header);
        break;
      case 1:
        replace_dtype(parts.header);
        break;
      case 2:
        set_byte(parts.header, "{}[]\",:-.e0123456789 aFIU");
        break;
      case 3:
        erase_range(parts.header);
        break;
      case 4:
        duplicate_range(parts.header);
        break;
      case 5:
        flip_bit(parts.data);
        break;
      default:
        resize_data(parts.data);
        break;
    }
  }

  void edit_bytes(std::string& bytes) {
    switch (below(5)) {
      case 0:
        flip_bit(bytes);
        break;
      case 1:
        bytes.resize(below(bytes.size() + 1));
        break;
      case 2:
        set_header_length(bytes);
        break;
      case 3:
        bytes.insert(below(bytes.size() + 1), std::string(1 + below(16), static_cast<char>(below(256))));
        break;
      default:
        erase_range(bytes);
        break;
    }
  }

  // Numbers are the shapes and offsets: replace one with a neighbour or an extreme.
  void replace_number(std::string& header) {
    std::vector<std::pair<std::size_t, std::size_t>> numbers;  // [begin, end) of digit runs
    for (std::size_t i = 0; i < header.size();) {
      std::size_t end = header.find_first_not_of("0123456789", i);
      if (end == std::string::npos) end = header.size();
      if (end > i) numbers.emplace_back(i, end);
      i = end > i ? end : i + 1;
    }
    if (numbers.empty()) return;
    auto [begin, end] = numbers[below(numbers.size())];
    uint64_t value = 0;
    for (std::size_t i = begin; i < end && value < (uint64_t{1} << 58); ++i)
      value = value * 10 + (header[i] - '0');
    const std::string replacements[] = {std::to_string(value + 1),
                                        std::to_string(value > 0 ? value - 1 : 0),
                                        std::to_string(value * 2),
                                        "0",
                                        "-1",
                                        "18446744073709551615",
                                        "9223372036854775808",
                                        "4294967296",
                                        "1e400",
                                        "2.5",
                                        "\"7\"",
                                        "null"};
    header.replace(begin, end - begin, replacements[below(std::size(replacements))]);
  }

  void replace_dtype(std::string& header) {
    const char* names[] = {"F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL", "F8", ""};
    std::size_t at = header.find("\"dtype\":\"");
    for (std::size_t skip = below(4); skip > 0 && at != std::string::npos; --skip)
      at = header.find("\"dtype\":\"", at + 1);
    if (at == std::string::npos) return;
    std::size_t begin = at + 9;
    std::size_t end = header.find('"', begin);
    if (end == std::string::npos) return;
    header.replace(begin, end - begin, names[below(std::size(names))]);
  }

  void set_byte(std::string& text, const std::string& alphabet) {
    if (!text.empty()) text[below(text.size())] = alphabet[below(alphabet.size())];
  }

  void flip_bit(std::string& bytes) {
    if (!bytes.empty()) bytes[below(bytes.size())] ^= static_cast<char>(1 << below(8));
  }

  void erase_range(std::string& bytes) {
    std::size_t begin = below(bytes.size() + 1);
    bytes.erase(begin, 1 + below(8));
  }

  void duplicate_range(std::string& text) {
    std::size_t begin = below(text.size() + 1);
    std::string piece = text.substr(begin, 1 + below(40));
    text.insert(below(text.size() + 1), piece);
  }

  void resize_data(std::string& data) {
    std::size_t size = below(2) == 0 ? data.size() + 1 + below(8) : below(data.size() + 1);
    data.resize(size, 'r');
  }

  void set_header_length(std::string& bytes) {
    if (bytes.size() < 8) return;
    uint64_t length = test::header_length_of(bytes);
    const uint64_t choices[] = {
        length + 1,         length - 1,       length + 8,      0, 1, uint64_t{1} << 63, ~uint64_t{0},
        (100ULL << 20) + 1, bytes.size() - 8, bytes.size() - 7};
    bytes.replace(0, 8, test::le64(choices[below(std::size(choices))]));
  }

  std::mt19937_64 random_;
};

FileParts valid_parts(const fs::path& scratch) {
  std::vector<test::OwnedTensor> tensors = {
      make_tensor("embed", DType::F32, {4, 3}, 1), make_tensor("norm", DType::BF16, {6}, 2),
      make_tensor("empty", DType::F16, {0}, 3),    make_tensor("ids", DType::I64, {2}, 4),
      make_tensor("mask", DType::BOOL, {5}, 5),
  };
  fs::path path = scratch / "valid.safetensors";
  write_safetensors(path, test::views(tensors), {{"format", "pt"}});
  std::string bytes = read_file(path);
  uint64_t length = test::header_length_of(bytes);
  return {bytes.substr(8, length), bytes.substr(8 + length)};
}

// Reads every byte of every tensor (into a volatile, so the reads stay): an out-of-range view
// would crash or trip the sanitizer.
volatile unsigned byte_sum_sink = 0;

unsigned touch_all_bytes(const SafetensorsReader& reader, uint64_t data_size) {
  unsigned sum = 0;
  uint64_t covered = 0;
  for (const TensorInfo& info : reader.tensors()) {
    EXPECT_LE(info.offset + info.nbytes, data_size) << info.name;
    const std::byte* data = reader.data(info);
    for (uint64_t i = 0; i < info.nbytes; ++i) sum += std::to_integer<unsigned>(data[i]);
    covered += info.nbytes;
  }
  EXPECT_EQ(covered, data_size) << "tensors must tile the data section";
  return sum;
}

TEST(SafetensorsFuzz, MutantsLoadInBoundsOrFailCleanly) {
  fs::path dir = test::scratch_dir();
  FileParts valid = valid_parts(dir);
  fs::path path = dir / "mutant.safetensors";
  Mutator mutator(kSeed);
  int loaded = 0;
  int refused = 0;
  for (int i = 0; i < kMutants; ++i) {
    std::string bytes = mutator.mutate(valid);
    test::write_bytes(path, bytes);
    try {
      SafetensorsReader reader(path);
      byte_sum_sink = touch_all_bytes(reader, bytes.size() - 8 - test::header_length_of(bytes));
      ++loaded;
    } catch (const Error& e) {
      ASSERT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
      ++refused;
    }
  }
  // Both outcomes must be common, or the mutations test little.
  EXPECT_GT(loaded, kMutants / 20);
  EXPECT_GT(refused, kMutants / 2);
}

}  // namespace
}  // namespace lethe::io
