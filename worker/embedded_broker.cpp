#include "worker/embedded_broker.h"

#include <sstream>
#include <utility>

namespace broadsheet::worker {

tl::expected<embedded_broker, std::string> embedded_broker::start(const worker_config& config, int brokers) {
  kafka_conf conf(rd_kafka_conf_new());
  char err[256];
  rd_kafka_conf_set(conf.get(), "log_level", "3", err, sizeof err);  // it has no bootstrap servers, by design
  auto owner = make_client(std::move(conf), RD_KAFKA_PRODUCER);
  if (!owner) return tl::make_unexpected(owner.error());
  embedded_broker b;
  b.owner_ = std::move(*owner);
  b.cluster_.reset(rd_kafka_mock_cluster_new(b.owner_.get(), brokers));
  if (!b.cluster_) return tl::make_unexpected(std::string("cannot start the embedded broker"));
  const int partitions = config.broker_partitions;
  for (const auto* topic : {&config.input_topic, &config.output_topic, &config.signatures_topic, &config.dlq_topic}) {
    const auto err = rd_kafka_mock_topic_create(b.cluster_.get(), topic->c_str(), partitions, std::min(brokers, 3));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return tl::make_unexpected("cannot create topic " + *topic + ": " + rd_kafka_err2str(err));
  }
  return b;
}

std::string embedded_broker::bootstrap() const { return rd_kafka_mock_cluster_bootstraps(cluster_.get()); }

std::string embedded_broker::control(std::string_view line) {
  std::istringstream in{std::string(line)};
  std::string verb;
  in >> verb;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  if (verb == "down" || verb == "up") {
    int broker = 0;
    if (!(in >> broker)) return "error: " + verb + " needs a broker id";
    err = verb == "down" ? rd_kafka_mock_broker_set_down(cluster_.get(), broker)
                         : rd_kafka_mock_broker_set_up(cluster_.get(), broker);
  } else if (verb == "errors") {
    int api_key = 0, code = 0, count = 0;
    if (!(in >> api_key >> code >> count) || count <= 0) return "error: errors needs <api_key> <error_code> <count>";
    std::vector<rd_kafka_resp_err_t> errors(static_cast<std::size_t>(count), static_cast<rd_kafka_resp_err_t>(code));
    rd_kafka_mock_push_request_errors_array(cluster_.get(), static_cast<int16_t>(api_key), errors.size(),
                                            errors.data());
  } else if (verb == "clear") {
    int api_key = 0;
    if (!(in >> api_key)) return "error: clear needs <api_key>";
    rd_kafka_mock_clear_request_errors(cluster_.get(), static_cast<int16_t>(api_key));
  } else if (verb == "topic") {
    std::string name;
    int partitions = 0;
    if (!(in >> name >> partitions) || partitions <= 0) return "error: topic needs <name> <partitions>";
    err = rd_kafka_mock_topic_create(cluster_.get(), name.c_str(), partitions, 1);
  } else {
    return "error: unknown command " + verb;
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::string("error: ") + rd_kafka_err2str(err);
  return "ok";
}

}  // namespace broadsheet::worker
