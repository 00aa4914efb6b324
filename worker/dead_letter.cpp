#include "worker/dead_letter.h"

#include <algorithm>
#include <array>
#include <cstdlib>

#include <openssl/evp.h>

#include "worker/record_headers.h"
#include "worker/record_size.h"

namespace broadsheet::worker {

namespace {

constexpr std::string_view value_part = "value";
constexpr std::string_view key_part = "key";
constexpr std::string_view dropped_headers = "headers.dropped";
constexpr std::string_view renamed_prefix = "original.";

// The headers of a cut part, and the longest their values can be.
struct cut_header {
  std::string_view suffix;
  std::size_t longest_value;
};
constexpr std::array<cut_header, 3> cut_headers{{
    {".truncated", 4},  // "true"
    {".size", 20},      // a size_t in decimal
    {".sha256", 64},    // hex
}};

// The cut part's headers at their largest.
std::size_t cut_marks_bytes(std::string_view part) {
  std::size_t bytes = 0;
  for (const auto& h : cut_headers) bytes += header_bytes(std::string(part) + std::string(h.suffix), h.longest_value);
  return bytes;
}

void add_cut_headers(rd_kafka_headers_t* h, std::string_view part, std::string_view original) {
  const std::array<std::string, 3> values{"true", std::to_string(original.size()), sha256_hex(original)};
  for (std::size_t i = 0; i < cut_headers.size(); ++i)
    add_header(h, std::string(part) + std::string(cut_headers[i].suffix), values[i]);
}

// What an input header is called in its dead letter: original.<name> when the name is one the
// dead letter's own headers use or may use, so that an input cannot pass for them.
std::string kept_name(std::string_view name, header_list own) {
  bool reserved = name.starts_with("error.") || name.starts_with("source.") || name == "worker.id" ||
                  name == "failed_at" || name == dropped_headers;
  for (const auto part : {value_part, key_part})
    for (const auto& h : cut_headers)
      reserved = reserved || (name.starts_with(part) && name.substr(part.size()) == h.suffix);
  for (const auto& [own_name, v] : own) reserved = reserved || name == own_name;
  return reserved ? std::string(renamed_prefix) + std::string(name) : std::string(name);
}

// Calls f(name, value, size) for every header of h (none when null).
template <class F>
void for_each_header(const rd_kafka_headers_t* h, F&& f) {
  if (h == nullptr) return;
  const char* name = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  for (std::size_t i = 0; rd_kafka_header_get_all(h, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
    f(std::string_view(name), value, size);
}

// The serialized size of the input's headers as the dead letter keeps them.
std::size_t kept_headers_bytes(const rd_kafka_headers_t* original, header_list own) {
  std::size_t bytes = 0;
  for_each_header(original, [&](std::string_view name, const void*, std::size_t size) {
    bytes += header_bytes(kept_name(name, own), size);
  });
  return bytes;
}

}  // namespace

std::optional<dead_letter_fit> fit_dead_letter(std::size_t limit, std::size_t key, std::size_t value,
                                               std::size_t original_headers, std::size_t own_headers) noexcept {
  if (record_bytes(key, value, original_headers + own_headers) <= limit) return dead_letter_fit{key, value, true};
  // The value's tail.
  std::size_t fixed = record_bytes(0, 0, own_headers + cut_marks_bytes(value_part));
  if (fixed + key + original_headers <= limit)
    return dead_letter_fit{key, limit - fixed - key - original_headers, true};
  // The input's headers (the value may then fit whole; the room for its marks stays reserved).
  fixed += header_bytes(dropped_headers, 20);
  if (fixed + key <= limit) return dead_letter_fit{key, std::min(value, limit - fixed - key), false};
  // The key's tail.
  fixed += cut_marks_bytes(key_part);
  if (fixed <= limit) return dead_letter_fit{limit - fixed, 0, false};
  return std::nullopt;
}

std::optional<dead_letter> make_dead_letter(std::size_t limit, std::string_view key, std::string_view value,
                                            const rd_kafka_headers_t* original, header_list own) {
  std::size_t own_bytes = 0;
  for (const auto& [name, v] : own) own_bytes += header_bytes(name, v.size());
  const auto fit = fit_dead_letter(limit, key.size(), value.size(), kept_headers_bytes(original, own), own_bytes);
  if (!fit) return std::nullopt;
  dead_letter d;
  const std::size_t input_count = original == nullptr ? 0 : rd_kafka_header_cnt(original);
  d.headers.reset(rd_kafka_headers_new(input_count + own.size() + 1));
  if (fit->original_headers) {
    for_each_header(original, [&](std::string_view name, const void* v, std::size_t size) {
      const std::string kept = kept_name(name, own);
      rd_kafka_header_add(d.headers.get(), kept.data(), static_cast<ssize_t>(kept.size()), v,
                          static_cast<ssize_t>(size));
    });
  } else if (original != nullptr) {
    add_header(d.headers.get(), dropped_headers, std::to_string(input_count));
  }
  // The worker's own, after the input's: also last for a reader that takes a header's last value.
  for (const auto& [name, v] : own) add_header(d.headers.get(), name, v);
  d.key = key.substr(0, cut_point(key, fit->key));
  d.value = value.substr(0, cut_point(value, fit->value));
  if (d.value.size() < value.size()) add_cut_headers(d.headers.get(), value_part, value);
  if (d.key.size() < key.size()) add_cut_headers(d.headers.get(), key_part, key);
  d.cut = d.key.size() < key.size() || d.value.size() < value.size() || !fit->original_headers;
  return d;
}

std::string short_error_message(std::string_view message) {
  if (message.size() <= max_error_message_bytes) return std::string(message);
  return std::string(message.substr(0, cut_point(message, max_error_message_bytes))) + "…";
}

std::size_t cut_point(std::string_view bytes, std::size_t at_most) noexcept {
  if (at_most >= bytes.size()) return bytes.size();
  std::size_t at = at_most;
  // A continuation byte (10xxxxxx) at the cut means a sequence straddles it: cut before its lead.
  for (int back = 0; back < 3 && at > 0 && (static_cast<unsigned char>(bytes[at]) & 0xC0) == 0x80; ++back) --at;
  return (static_cast<unsigned char>(bytes[at]) & 0xC0) == 0x80 ? at_most : at;
}

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // Only a broken libcrypto fails here.
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) std::abort();
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 15]);
  }
  return out;
}

}  // namespace broadsheet::worker
