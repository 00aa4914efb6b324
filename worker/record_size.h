#pragma once
// What a produced record weighs against the producer's message.max.bytes.
//
// librdkafka refuses to produce a record whose key, value and serialized headers plus the
// worst-case framing of a v2 record exceed message.max.bytes (Broker: Message size too large,
// before anything is sent); the worker sizes every record the same way first, so that no input
// can make it produce a record that cannot be written. Pure functions, any thread.

#include <cstddef>
#include <string_view>

#include <librdkafka/rdkafka.h>

namespace broadsheet::worker {

// The worst-case framing of one v2 record (length, attributes, timestamp and offset deltas, key,
// value and header-count lengths as varints) that librdkafka 2.0.2 adds to the key, the value and
// the headers before comparing with message.max.bytes (RD_KAFKAP_MESSAGE_V2_MAX_OVERHEAD).
constexpr std::size_t record_framing_bytes = 36;

// The serialized size of one header: its name and value and their lengths as zigzag varints.
[[nodiscard]] std::size_t header_bytes(std::string_view name, std::size_t value_bytes) noexcept;

// The serialized size of a header list (0 for none).
[[nodiscard]] std::size_t headers_bytes(const rd_kafka_headers_t* headers) noexcept;

// What librdkafka weighs a record at against message.max.bytes.
[[nodiscard]] constexpr std::size_t record_bytes(std::size_t key, std::size_t value, std::size_t headers) noexcept {
  return record_framing_bytes + key + value + headers;
}

// The most that deciding an article can add to its JSON (pipeline::with_decision): a revision of
// ten digits instead of "0", an article_id instead of null as duplicate_of, four decimals instead
// of null as similarity. An article that fits with this room fits with any decision, corrections
// included.
constexpr std::size_t decision_room_bytes = 64;

}  // namespace broadsheet::worker
