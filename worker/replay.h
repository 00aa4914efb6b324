#pragma once
// `broadsheet replay`: which offsets a --from/--to pair names, per partition of the input topic.
//
// An offset spec is one of: "beginning", "end", an offset N (the same on every partition),
// "P:N,P:N…" (per partition: in --from, only the partitions named are replayed; in --to,
// partitions not named run to the end), or an
// RFC 3339 time ("2025-03-18T00:00:00Z"), resolved through an offset_lookup to the first offset
// whose record time is at or after it.

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "worker/ingest.h"

namespace broadsheet::worker {

// Milliseconds since the epoch of an RFC 3339 time ("…Z" or "…+08:00"), or nothing.
[[nodiscard]] std::optional<std::int64_t> parse_rfc3339_ms(std::string_view s);

// An offset spec as written, before any broker is asked.
struct offset_spec {
  enum class form { beginning, end, offset, per_partition, time };
  form what = form::beginning;
  std::int64_t value = 0;                            // offset: the offset; time: ms since the epoch
  std::map<std::int32_t, std::int64_t> partitions{};  // per_partition: partition -> offset
};

// The spec, or what is wrong with it ("bad offset spec \"yesterday\": expected …"). Whether the
// partitions named exist is for resolve_range to say.
[[nodiscard]] tl::expected<offset_spec, std::string> parse_offset_spec(std::string_view spec);

// Time → offset, per partition. The real one asks Kafka (ListOffsets by timestamp); the scan one
// reads the partition's record timestamps and works against brokers without a timestamp index,
// such as the embedded broker (whose ListOffsets by time answers -1).
class offset_lookup {
 public:
  virtual ~offset_lookup() = default;
  // For each partition: the first offset with a timestamp >= ms, or the high watermark when none.
  [[nodiscard]] virtual tl::expected<std::map<std::int32_t, std::int64_t>, std::string> offsets_for_time(
      const std::string& topic, int partitions, std::int64_t ms) = 0;
};

[[nodiscard]] std::unique_ptr<offset_lookup> kafka_offset_lookup(rd_kafka_t* client);
[[nodiscard]] std::unique_ptr<offset_lookup> scan_offset_lookup(rd_kafka_t* client);

// The range [from, to) of every partition of topic. Errors: a bad spec, a partition the topic
// lacks, or the broker's.
[[nodiscard]] tl::expected<offset_range, std::string> resolve_range(rd_kafka_t* client, const std::string& topic,
                                                                    std::string_view from, std::string_view to,
                                                                    offset_lookup& lookup);

// Consuming a range (ingest_worker::run_range):

// The consumer assigned the range's partitions of topic, each from its start. Errors: librdkafka's.
[[nodiscard]] tl::expected<void, std::string> assign_range(rd_kafka_t* consumer, const std::string& topic,
                                                           const offset_range& range);

// A record of that partition and offset is past its partition's end of the range (or of no
// partition in it): not the replay's to process.
[[nodiscard]] bool past_range_end(const offset_range& range, std::int32_t partition, std::int64_t offset);

// The consumer's positions in the range's partitions of topic: the next offset each fetches
// (negative: none yet).
[[nodiscard]] std::map<std::int32_t, std::int64_t> range_positions(rd_kafka_t* consumer, const std::string& topic,
                                                                   const offset_range& range);

// Every partition of the range consumed to its end, at these positions (a partition absent or at a
// negative position: none consumed yet). A partition whose range is empty needs nothing.
[[nodiscard]] bool range_consumed(const offset_range& range, const std::map<std::int32_t, std::int64_t>& positions);

}  // namespace broadsheet::worker
