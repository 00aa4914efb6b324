// Fuzzes the dedup normaliser and the signer on any valid UTF-8 (the worker signs only the
// bodies of validated pages): the normaliser's fast path must give exactly what its general
// path, one code point at a time, gives, and signing must neither crash nor trip a sanitizer.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/dedup.h"
#include "pipeline/shingles.h"

using namespace broadsheet::pipeline;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!simdjson::validate_utf8(text.data(), text.size())) return 0;
  static shingler fast, general;
  static std::vector<std::uint64_t> shingles;
  fast.shingle(text, shingles);
  const std::u32string expected(general.normalize_one_at_a_time(text));
  if (fast.normalized() != expected) __builtin_trap();
  if (fast.normalized_hash() != hash_code_points(expected)) __builtin_trap();
  static signer sign{dedup_options{}};
  (void)sign.sign("fuzz-001", order_key{0, "fuzz", 1}, text);
  return 0;
}
