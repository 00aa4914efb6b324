#pragma once
// Thin RAII over librdkafka's C API, and the client configurations the worker builds from its
// worker_config. Everything Kafka-specific that is not the poll loop lives here.

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <tl/expected.hpp>

#include "worker/config.h"

namespace broadsheet::worker {

struct kafka_deleter {
  void operator()(rd_kafka_t* rk) const noexcept { rd_kafka_destroy(rk); }
  void operator()(rd_kafka_conf_t* c) const noexcept { rd_kafka_conf_destroy(c); }
  void operator()(rd_kafka_queue_t* q) const noexcept { rd_kafka_queue_destroy(q); }
  void operator()(rd_kafka_topic_partition_list_t* l) const noexcept { rd_kafka_topic_partition_list_destroy(l); }
  void operator()(rd_kafka_message_t* m) const noexcept { rd_kafka_message_destroy(m); }
  void operator()(rd_kafka_headers_t* h) const noexcept { rd_kafka_headers_destroy(h); }
  void operator()(rd_kafka_consumer_group_metadata_t* g) const noexcept { rd_kafka_consumer_group_metadata_destroy(g); }
  void operator()(rd_kafka_error_t* e) const noexcept { rd_kafka_error_destroy(e); }
  void operator()(rd_kafka_topic_t* t) const noexcept { rd_kafka_topic_destroy(t); }
  void operator()(rd_kafka_topic_conf_t* c) const noexcept { rd_kafka_topic_conf_destroy(c); }
};
using kafka_handle = std::unique_ptr<rd_kafka_t, kafka_deleter>;
using kafka_queue = std::unique_ptr<rd_kafka_queue_t, kafka_deleter>;
using kafka_conf = std::unique_ptr<rd_kafka_conf_t, kafka_deleter>;
using partition_list = std::unique_ptr<rd_kafka_topic_partition_list_t, kafka_deleter>;
using kafka_message = std::unique_ptr<rd_kafka_message_t, kafka_deleter>;
using kafka_error = std::unique_ptr<rd_kafka_error_t, kafka_deleter>;
using kafka_topic = std::unique_ptr<rd_kafka_topic_t, kafka_deleter>;
using kafka_headers = std::unique_ptr<rd_kafka_headers_t, kafka_deleter>;
using kafka_topic_conf = std::unique_ptr<rd_kafka_topic_conf_t, kafka_deleter>;
using group_metadata = std::unique_ptr<rd_kafka_consumer_group_metadata_t, kafka_deleter>;

enum class client_role { consumer, producer, tailer };

// A client configuration: the worker's own settings for the role, then the kafka.properties
// passthrough, then the role's own (input.properties for the consumer, output.properties for the
// producer); these may override the defaults below, not the settings the worker owns.
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

// Where a client's own log lines go: the worker's logger, or nowhere (a client made only to be
// checked, whose log would only say that it has no brokers).
enum class client_log { spdlog, none };

// A new client of the conf's kind; the conf is consumed.
[[nodiscard]] tl::expected<kafka_handle, std::string> make_client(kafka_conf conf, rd_kafka_type_t type,
                                                                  client_log log = client_log::spdlog);

// Creates, then destroys, each client `run` creates (producer, consumer, and the signatures
// reader when dedup is on) from make_client_conf, without bootstrap servers, so that none
// connects: librdkafka checks some properties only when a client is created (sasl.mechanism,
// properties that need one another). For `config --check`. Errors: librdkafka's message.
[[nodiscard]] tl::expected<void, std::string> check_clients(const worker_config& config);

// Waits on the brokers are made of slices of at most wait_slice_ms, with `stop` (when given)
// looked at between them: a stop requested while brokers do not answer is seen within a slice.
constexpr int wait_slice_ms = 200;

// Partition count of a topic (metadata request), or an error. Asks again while the brokers
// cannot be reached, until timeout_ms or *stop.
[[nodiscard]] tl::expected<int, std::string> partition_count(rd_kafka_t* rk, const std::string& topic, int timeout_ms,
                                                             const std::atomic<bool>* stop = nullptr);

// Closes a consumer (its revocation, through the rebalance callback, a final commit, leaving the
// group), serving its callbacks on this thread, until it is closed or `until`. False when it is
// not closed by then: park it, do not destroy it.
[[nodiscard]] bool close_consumer(rd_kafka_t* rk, std::chrono::steady_clock::time_point until);

// Keeps a client, reachable and never destroyed, until the process exits, for the clients that
// librdkafka 2.0.2 cannot destroy: a consumer whose close is still under way (rd_kafka_destroy
// then hangs on a lock in its main thread, with or without RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE:
// seen here with brokers down), and a cooperative-sticky member that never held partitions (it
// can abort: its assignor state is null, librdkafka #4312, fixed in 2.2.1).
void park(kafka_handle client);

// Milliseconds from now until `until`, 0 when it has passed.
[[nodiscard]] int ms_until(std::chrono::steady_clock::time_point until) noexcept;

// attempt(ms) in slices: again while it fails for want of an answer, until `stop`, timeout_ms or
// another outcome. No broker reachable (__TRANSPORT): slices of wait_slice_ms, each waited out, so
// that a stop is seen within one. A request sent but not answered in its slice (__TIMED_OUT): the
// next slice is twice as long, up to 16 times, so that a slow cluster still answers (a stop then
// waits for the slice under way).
template <class Attempt>
rd_kafka_resp_err_t in_slices(int timeout_ms, const std::atomic<bool>* stop, Attempt&& attempt) {
  using steady = std::chrono::steady_clock;
  const auto until = steady::now() + std::chrono::milliseconds(timeout_ms);
  int slice = wait_slice_ms;
  for (;;) {
    const auto slice_end = std::min(until, steady::now() + std::chrono::milliseconds(slice));
    const rd_kafka_resp_err_t err = attempt(std::max(1, ms_until(slice_end)));
    if (err != RD_KAFKA_RESP_ERR__TRANSPORT && err != RD_KAFKA_RESP_ERR__TIMED_OUT) return err;
    if ((stop != nullptr && *stop) || steady::now() >= until) return err;
    if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) slice = std::min(2 * slice, 16 * wait_slice_ms);
    std::this_thread::sleep_until(slice_end);
  }
}

// Value of a message's last header of that name, or empty when absent.
[[nodiscard]] std::string_view header_value(const rd_kafka_message_t* message, const char* name);

struct watermarks {
  std::int64_t low = 0, high = 0;  // the first offset held, and one past the last
};
// The watermarks of partitions 0 .. partitions - 1 of a topic, indexed by partition, or an error:
// one request per leader for the earliest offsets and one for the latest (librdkafka's
// query_watermark_offsets makes two per partition). Asks again while it times out, until
// timeout_ms or *stop.
[[nodiscard]] tl::expected<std::vector<watermarks>, std::string> query_watermarks(
    rd_kafka_t* rk, const std::string& topic, int partitions, int timeout_ms, const std::atomic<bool>* stop = nullptr);

}  // namespace broadsheet::worker
