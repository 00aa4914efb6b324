#pragma once
// Thin RAII over librdkafka's C API, and the client configurations the worker builds from its
// worker_config. Everything Kafka-specific that is not the poll loop lives here.

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "worker/config.h"

namespace broadsheet::worker {

struct kafka_deleter {
  void operator()(rd_kafka_t* rk) const noexcept { rd_kafka_destroy(rk); }
  void operator()(rd_kafka_conf_t* c) const noexcept { rd_kafka_conf_destroy(c); }
  void operator()(rd_kafka_topic_partition_list_t* l) const noexcept { rd_kafka_topic_partition_list_destroy(l); }
  void operator()(rd_kafka_message_t* m) const noexcept { rd_kafka_message_destroy(m); }
  void operator()(rd_kafka_headers_t* h) const noexcept { rd_kafka_headers_destroy(h); }
  void operator()(rd_kafka_consumer_group_metadata_t* g) const noexcept { rd_kafka_consumer_group_metadata_destroy(g); }
  void operator()(rd_kafka_error_t* e) const noexcept { rd_kafka_error_destroy(e); }
  void operator()(rd_kafka_topic_t* t) const noexcept { rd_kafka_topic_destroy(t); }
};
using kafka_handle = std::unique_ptr<rd_kafka_t, kafka_deleter>;
using kafka_conf = std::unique_ptr<rd_kafka_conf_t, kafka_deleter>;
using partition_list = std::unique_ptr<rd_kafka_topic_partition_list_t, kafka_deleter>;
using kafka_message = std::unique_ptr<rd_kafka_message_t, kafka_deleter>;
using kafka_error = std::unique_ptr<rd_kafka_error_t, kafka_deleter>;
using kafka_topic = std::unique_ptr<rd_kafka_topic_t, kafka_deleter>;
using kafka_headers = std::unique_ptr<rd_kafka_headers_t, kafka_deleter>;

enum class client_role { consumer, producer, tailer };

// A client configuration: the worker's own settings for the role, then the kafka.<property>
// passthrough (which may override the defaults below, not the settings the worker owns).
// Errors: librdkafka's message for a rejected property.
[[nodiscard]] tl::expected<kafka_conf, std::string> make_client_conf(const worker_config& config, client_role role,
                                                                     std::string_view bootstrap);

// The smallest message.max.bytes the worker runs with: room for a dead letter's own headers with
// some of its record, and for any signature record.
constexpr std::size_t min_message_bytes = 64u << 10;

// The largest record the worker produces: the producer's message.max.bytes (librdkafka's
// default, 1,000,000, or the kafka.message.max.bytes passthrough), once checked against the
// worker's own limits: at least min_message_bytes, and at least pipeline.max_record_bytes, so that
// a page the pipeline accepts fits a record the producer writes. Errors: which limits disagree and
// how to mend them.
[[nodiscard]] tl::expected<std::size_t, std::string> output_record_limit(const worker_config& config);

// A new client of the conf's kind; the conf is consumed.
[[nodiscard]] tl::expected<kafka_handle, std::string> make_client(kafka_conf conf, rd_kafka_type_t type);

// Partition count of a topic (metadata request), or an error.
[[nodiscard]] tl::expected<int, std::string> partition_count(rd_kafka_t* rk, const std::string& topic, int timeout_ms);

// Value of a message's last header of that name, or empty when absent.
[[nodiscard]] std::string_view header_value(const rd_kafka_message_t* message, const char* name);

struct watermarks {
  std::int64_t low = 0, high = 0;  // the first offset held, and one past the last
};
// The watermarks of partitions 0 .. partitions - 1 of a topic, indexed by partition, or an error:
// one request per leader for the earliest offsets and one for the latest (librdkafka's
// query_watermark_offsets makes two per partition).
[[nodiscard]] tl::expected<std::vector<watermarks>, std::string> query_watermarks(rd_kafka_t* rk,
                                                                                  const std::string& topic,
                                                                                  int partitions, int timeout_ms);

}  // namespace broadsheet::worker
