#pragma once
// The worker's two Kafka clients, made from its configuration: the producer (articles,
// signatures, dead letters; transactional in exactly-once mode) and the consumer of the input
// topic, each with the worker's callbacks; whether they reach every topic (readiness); and the
// consumer's commits, counted in the metrics and waited for in bounded time.
//
// The caller owns the handles (kafka_handle): the consumer is closed (close_consumer) before it
// is destroyed, the producer flushed or purged first. Poll loop thread only.

#include <atomic>
#include <functional>
#include <string>
#include <string_view>

#include <librdkafka/rdkafka.h>
#include <tl/expected.hpp>

#include "worker/config.h"
#include "worker/kafka.h"
#include "worker/shutdown.h"

namespace broadsheet::worker {

class worker_metrics;

// What the consumer's callbacks reach (its opaque); it outlives the consumer.
struct consumer_events {
  worker_metrics* metrics = nullptr;  // its statistics (consumer lag) and its commits' outcomes
  // A group member's rebalances; empty for a replay's assignment (no rebalance callback then).
  std::function<void(rd_kafka_resp_err_t, rd_kafka_topic_partition_list_t*)> rebalance;
};

using delivery_callback = void (*)(rd_kafka_t*, const rd_kafka_message_t*, void* opaque);

// The producer, its delivery reports going to on_delivery with `opaque`. Errors: librdkafka's.
[[nodiscard]] tl::expected<kafka_handle, std::string> make_producer(const worker_config& config,
                                                                    std::string_view bootstrap,
                                                                    delivery_callback on_delivery, void* opaque);

// The producer's handle of a topic whose records it does not compress (signature records:
// MinHash values, bytes no codec shrinks, which every reader would otherwise decompress). Made
// before the first record, it holds the topic's configuration; producing by the topic's name
// uses it. Null when librdkafka refuses the setting.
[[nodiscard]] kafka_topic uncompressed_topic(rd_kafka_t* producer, const std::string& topic);

// The consumer, its callbacks reaching `events`, its poll serving its main queue too.
[[nodiscard]] tl::expected<kafka_handle, std::string> make_consumer(const worker_config& config,
                                                                    std::string_view bootstrap,
                                                                    consumer_events& events);

// Every topic's metadata up front: a topic a client first meets later waits for its next
// periodic metadata refresh, up to a second (librdkafka #3202), which would delay the first page
// and the first signature and dead letter. True when the producer reaches the output, signatures
// and dead-letter topics and the consumer the input topic (readiness). A stop ends the waits.
[[nodiscard]] bool topics_reachable(rd_kafka_t* producer, rd_kafka_t* consumer, const worker_config& config,
                                    int timeout_ms, const std::atomic<bool>& stop);

// An offset commit's outcome in the metrics: counted when it succeeded, counted by error name
// (and logged) when it failed; nothing when there was nothing new to commit.
void count_commit(worker_metrics& metrics, rd_kafka_resp_err_t err);

// Commits the consumer's stored offsets, waiting for the outcome (counted) until `until`, or a
// stop that interrupts the waits (shutdown_control::expired). A commit not answered by then is
// left to librdkafka: the pages after the offsets last committed are processed again if it never
// lands.
void commit_stored(rd_kafka_t* consumer, worker_metrics& metrics, const shutdown_control& stop,
                   shutdown_control::time_point until);

}  // namespace broadsheet::worker
