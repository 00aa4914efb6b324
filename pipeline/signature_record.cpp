#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "pipeline/dedup.h"
#include "pipeline/internal/binary_io.h"
#include "pipeline/internal/hash.h"

namespace broadsheet::pipeline {

using internal::binary_reader;
using internal::binary_writer;

namespace {

constexpr std::string_view record_magic = "BSG1";
// Format 3 holds the high 16 bits of each MinHash value, all that an index keeps (sig()): 256
// bytes at 128 hashes instead of 512, so the topic and every worker's restore read about 45 %
// fewer bytes. Formats 1 and 2 (up to November 2026) hold all 32 bits; format 2 checksums with
// hash_words, format 1 with hash_bytes, one byte at a time (1.6 % of a deduplicating worker's
// CPU). All three are read.
constexpr std::uint8_t record_format_version = 3;
std::uint64_t record_checksum(std::uint8_t format, std::string_view bytes) noexcept {
  return format == 1 ? internal::hash_bytes(bytes) : internal::hash_words(bytes);
}

}  // namespace

// --- signature record ---------------------------------------------------------------------------

std::string signature_record::encode() const {
  std::string out;
  // The fields below: the magic, 25 bytes of fixed fields (format 1, scheme 4, day 4, ordinal 4,
  // content hash 8, length 4), two strings and the values with 2-byte lengths, the checksum: one
  // allocation instead of about six.
  out.reserve(record_magic.size() + 25 + 2 + key.page_id.size() + 2 + article_id.size() + 2 + 2 * signature.size() + 8);
  binary_writer w(out);
  w.put_bytes(record_magic);
  w.put(record_format_version);
  w.put(signature_scheme_version);
  w.put(key.event_day);
  w.put(static_cast<std::uint32_t>(key.ordinal));
  w.put(content_hash);
  w.put(normalized_chars);
  w.put_string16(key.page_id);
  w.put_string16(article_id);
  w.put(static_cast<std::uint16_t>(signature.size()));
  for (std::uint32_t v : signature) w.put(static_cast<std::uint16_t>(v >> 16));
  w.put(record_checksum(record_format_version, out));
  return out;
}

result<signature_record> signature_record::decode(std::string_view bytes) {
  if (bytes.size() < record_magic.size() + 1 + 8) return fail(errc::invalid_field, "signature record truncated");
  if (bytes.substr(0, record_magic.size()) != record_magic) return fail(errc::invalid_field, "not a signature record");
  const auto format = static_cast<std::uint8_t>(bytes[record_magic.size()]);
  if (format < 1 || format > record_format_version) {
    return fail(errc::invalid_field, "signature record format " + std::to_string(format) + " unsupported");
  }
  std::uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
  if (record_checksum(format, bytes.substr(0, bytes.size() - 8)) != stored) {
    return fail(errc::invalid_field, "signature record checksum mismatch");
  }
  binary_reader r(bytes.substr(record_magic.size() + 1, bytes.size() - 8 - record_magic.size() - 1));
  std::uint32_t scheme = 0, ordinal = 0;
  std::uint16_t count = 0;
  signature_record rec;
  if (!r.get(scheme) || scheme != signature_scheme_version) {
    return fail(errc::invalid_field, "signature scheme " + std::to_string(scheme) + " unsupported");
  }
  if (!r.get(rec.key.event_day) || !r.get(ordinal) || !r.get(rec.content_hash) || !r.get(rec.normalized_chars) ||
      !r.get_string16(rec.key.page_id) || !r.get_string16(rec.article_id) || !r.get(count)) {
    return fail(errc::invalid_field, "signature record truncated");
  }
  rec.key.ordinal = static_cast<int>(ordinal);
  rec.signature.resize(count);
  for (auto& v : rec.signature) {
    std::uint16_t high = 0;  // format 3: the high half; formats 1 and 2: all 32 bits
    if (format >= 3 ? !r.get(high) : !r.get(v)) return fail(errc::invalid_field, "signature record truncated");
    if (format >= 3) v = static_cast<std::uint32_t>(high) << 16;
  }
  if (r.remaining() != 0) return fail(errc::invalid_field, "signature record has trailing bytes");
  return rec;
}

// --- signer -------------------------------------------------------------------------------------

signer::signer(const dedup_options& options)
    : options_(options), shingler_(options.shingles), minhasher_(minhash_options{.num_hashes = options.num_hashes}) {}

signature_record signer::sign(std::string article_id, order_key key, std::string_view body) {
  signature_record rec;
  rec.article_id = std::move(article_id);
  rec.key = std::move(key);
  shingler_.shingle(body, shingles_);
  rec.content_hash = shingler_.normalized_hash();
  rec.normalized_chars = static_cast<std::uint32_t>(shingler_.normalized().size());
  if (rec.normalized_chars >= static_cast<std::uint32_t>(options_.min_chars) && !shingles_.empty()) {
    rec.signature.resize(static_cast<std::size_t>(minhasher_.num_hashes()));
    minhasher_.sign(shingles_, rec.signature);
  }
  return rec;
}

}  // namespace broadsheet::pipeline
