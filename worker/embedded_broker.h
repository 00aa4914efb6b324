#pragma once
// The embedded broker: librdkafka's mock cluster (rdkafka_mock.h), in process, over real TCP on
// loopback. It speaks the Kafka protocol (produce, fetch, consumer groups with commits,
// idempotent and transactional producers) but keeps everything in memory, does not compact and
// does not look up offsets by time. It checks sequence numbers of transactional producers only:
// after an injected produce error, an idempotent producer with several requests in flight can
// have a batch reported delivered that was never written (docs/design.md, The embedded broker).
// `broadsheet run` starts one when no brokers are configured; `broadsheet broker` runs only this,
// for kcat, demos and the integration tests.

#include <memory>
#include <string>
#include <string_view>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>  // after rdkafka.h
#include <tl/expected.hpp>

#include "worker/config.h"
#include "worker/kafka.h"

namespace broadsheet::worker {

class embedded_broker {
 public:
  // Starts `brokers` mock brokers and creates the four topics of config: the input topic with
  // broker_partitions partitions, the others with as many.
  [[nodiscard]] static tl::expected<embedded_broker, std::string> start(const worker_config& config, int brokers = 3);

  embedded_broker(embedded_broker&&) noexcept = default;
  // Deleted: a member-wise assignment would free the old client before the cluster living in it.
  embedded_broker& operator=(embedded_broker&&) = delete;

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
  struct cluster_deleter {
    void operator()(rd_kafka_mock_cluster_t* c) const noexcept { rd_kafka_mock_cluster_destroy(c); }
  };

  embedded_broker() = default;
  // Members are destroyed in reverse order: the cluster before the client instance it lives in.
  kafka_handle owner_;
  std::unique_ptr<rd_kafka_mock_cluster_t, cluster_deleter> cluster_;
};

}  // namespace broadsheet::worker
