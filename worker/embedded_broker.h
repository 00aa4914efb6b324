#pragma once
// The embedded broker: librdkafka's mock cluster (rdkafka_mock.h), in process, over real TCP on
// loopback. It speaks the Kafka protocol (produce, fetch, consumer groups with commits,
// idempotent and transactional producers) but keeps everything in memory, does not compact and
// does not look up offsets by time. It checks sequence numbers of transactional producers only:
// after an injected produce error, an idempotent producer with several requests in flight can
// have a batch reported delivered that was never written (README, The embedded broker).
// `broadsheet run` starts one when no brokers are configured; `broadsheet broker` runs only this,
// for kcat, demos and the integration tests.

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>  // after rdkafka.h

#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "worker/config.h"
#include "worker/kafka.h"

namespace broadsheet::worker {

class embedded_broker {
 public:
  // Starts `brokers` mock brokers and creates the four topics of config: the input topic with
  // broker_partitions partitions, the others with as many.
  [[nodiscard]] static tl::expected<embedded_broker, std::string> start(const worker_config& config, int brokers = 3);

  embedded_broker(embedded_broker&&) noexcept;
  embedded_broker& operator=(embedded_broker&&) noexcept;
  ~embedded_broker();

  [[nodiscard]] std::string bootstrap() const;

  // A control line, for tests and operators (see `broadsheet broker --help`):
  //   down <broker_id|-1>      disconnect a broker and refuse connections
  //   up <broker_id|-1>        accept connections again
  //   errors <api_key> <error_code> <count>   fail the next requests of that API
  //   clear <api_key>          forget the errors still waiting for requests of that API
  //   topic <name> <partitions>              create a topic
  // Returns a one-line reply ("ok" or "error: …").
  std::string control(std::string_view line);

 private:
  embedded_broker() = default;
  kafka_handle owner_;                          // the client instance the mock cluster lives in
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

}  // namespace broadsheet::worker
