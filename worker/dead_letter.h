#pragma once
// A dead letter: the input record (key, value and headers) with the worker's error headers, cut
// to fit the producer's message.max.bytes when it would weigh more, so that a record too large for
// the dead-letter topic is still written there and its offset committed. What is cut is said in
// headers: `<part>.truncated` = "true", `<part>.size` = the part's original bytes and
// `<part>.sha256` = its SHA-256 in hex, for part `value` or `key`; `headers.dropped` = how many
// headers of the input were left out. An input header named like the dead letter's own
// (error.*, source.*, worker.id, failed_at, the headers above) is kept as original.<name>, so
// that an input cannot pass for them. Pure functions, any thread.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <librdkafka/rdkafka.h>

#include "worker/kafka.h"

namespace broadsheet::worker {

// What of a dead letter is kept. A part shorter than the original is its head.
struct dead_letter_fit {
  std::size_t key = 0;           // bytes of the key kept
  std::size_t value = 0;         // bytes of the value kept
  bool original_headers = true;  // the input record's headers are kept
};

// What of a dead letter fits in `limit` bytes (as record_bytes weighs it), with room for the
// headers that say what was cut: the value's tail goes first, then the input record's headers,
// then the key's tail. own_headers: the serialized size of the dead letter's own headers.
// Nothing when those alone do not fit.
[[nodiscard]] std::optional<dead_letter_fit> fit_dead_letter(std::size_t limit, std::size_t key, std::size_t value,
                                                             std::size_t original_headers,
                                                             std::size_t own_headers) noexcept;

// A dead letter to produce: views of what is kept of the input's key and value, and its headers.
struct dead_letter {
  std::string_view key, value;
  kafka_headers headers;
  bool cut = false;  // anything of the input left out
};

using header_list = std::span<const std::pair<std::string_view, std::string>>;

// The dead letter of an input record (original: its headers, or null) with the headers `own`,
// fitted into limit bytes. Nothing when `own` alone does not fit.
[[nodiscard]] std::optional<dead_letter> make_dead_letter(std::size_t limit, std::string_view key,
                                                          std::string_view value, const rd_kafka_headers_t* original,
                                                          header_list own);

// The most of an error message that a dead letter (error.message) and its log line carry: a
// message may quote the input (a JSON key nested too deep), as large as the record.
constexpr std::size_t max_error_message_bytes = 1024;

// message, cut to max_error_message_bytes on a character, with "…" when cut.
[[nodiscard]] std::string short_error_message(std::string_view message);

// The largest prefix of bytes not longer than `at_most` that does not end inside a UTF-8
// sequence (a cut text stays valid UTF-8; other bytes lose at most three more).
[[nodiscard]] std::size_t cut_point(std::string_view bytes, std::size_t at_most) noexcept;

// The SHA-256 of bytes, 64 lower-case hex digits (OpenSSL's libcrypto).
[[nodiscard]] std::string sha256_hex(std::string_view bytes);

}  // namespace broadsheet::worker
