#include "worker/clients.h"

#include <algorithm>
#include <array>

#include <spdlog/spdlog.h>

#include "worker/logging.h"
#include "worker/metrics.h"

namespace broadsheet::worker {

namespace {

int on_statistics(rd_kafka_t*, char* json, std::size_t len, void* opaque) {
  static_cast<consumer_events*>(opaque)->metrics->consumer_statistics({json, len});
  return 0;  // librdkafka frees json
}

void on_commit(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t*, void* opaque) {
  count_commit(*static_cast<consumer_events*>(opaque)->metrics, err);
}

void on_rebalance(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  static_cast<consumer_events*>(opaque)->rebalance(err, partitions);
}

}  // namespace

tl::expected<kafka_handle, std::string> make_producer(const worker_config& config, std::string_view bootstrap,
                                                      delivery_callback on_delivery, void* opaque) {
  auto conf = make_client_conf(config, client_role::producer, bootstrap);
  if (!conf) return tl::make_unexpected(conf.error());
  rd_kafka_conf_set_opaque(conf->get(), opaque);
  rd_kafka_conf_set_dr_msg_cb(conf->get(), on_delivery);
  return make_client(std::move(*conf), RD_KAFKA_PRODUCER);
}

kafka_topic uncompressed_topic(rd_kafka_t* producer, const std::string& topic) {
  kafka_topic_conf tconf(rd_kafka_topic_conf_new());
  std::array<char, 256> err{};
  if (rd_kafka_topic_conf_set(tconf.get(), "compression.codec", "none", err.data(), err.size()) != RD_KAFKA_CONF_OK)
    return nullptr;
  // rd_kafka_topic_new frees the configuration, whatever it returns.
  return kafka_topic(rd_kafka_topic_new(producer, topic.c_str(), tconf.release()));
}

tl::expected<kafka_handle, std::string> make_consumer(const worker_config& config, std::string_view bootstrap,
                                                      consumer_events& events) {
  auto conf = make_client_conf(config, client_role::consumer, bootstrap);
  if (!conf) return tl::make_unexpected(conf.error());
  rd_kafka_conf_set_opaque(conf->get(), &events);
  if (events.rebalance) rd_kafka_conf_set_rebalance_cb(conf->get(), &on_rebalance);
  rd_kafka_conf_set_stats_cb(conf->get(), &on_statistics);
  rd_kafka_conf_set_offset_commit_cb(conf->get(), &on_commit);
  auto consumer = make_client(std::move(*conf), RD_KAFKA_CONSUMER);
  if (consumer) rd_kafka_poll_set_consumer(consumer->get());
  return consumer;
}

bool topics_reachable(rd_kafka_t* producer, rd_kafka_t* consumer, const worker_config& config, int timeout_ms,
                      const std::atomic<bool>& stop) {
  bool ok = true;
  for (const auto* topic : {&config.output_topic, &config.signatures_topic, &config.dlq_topic}) {
    if (stop) return false;
    if (auto n = partition_count(producer, *topic, timeout_ms, &stop); !n) {
      spdlog::warn("topic {}: {}", *topic, n.error());
      ok = false;
    }
  }
  if (stop) return false;
  if (auto n = partition_count(consumer, config.input_topic, timeout_ms, &stop); !n) {
    spdlog::warn("input topic {}: {}", config.input_topic, n.error());
    ok = false;
  }
  return ok;
}

void count_commit(worker_metrics& metrics, rd_kafka_resp_err_t err) {
  if (err == RD_KAFKA_RESP_ERR__NO_OFFSET) return;  // nothing new to commit
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    metrics.commits.Increment();
  } else {
    metrics.commit_failed(rd_kafka_err2name(err));
    log_record(spdlog::level::warn, {.code = rd_kafka_err2name(err)}, "offset commit failed: {}",
               rd_kafka_err2str(err));
  }
}

void commit_stored(rd_kafka_t* consumer, worker_metrics& metrics, const shutdown_control& stop,
                   shutdown_control::time_point until) {
  struct answer {
    worker_metrics& metrics;
    bool given = false;
    static void on(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t*, void* opaque) {
      auto& a = *static_cast<answer*>(opaque);
      count_commit(a.metrics, err);
      a.given = true;
    }
  } reply{metrics};
  const kafka_queue answers(rd_kafka_queue_new(consumer));
  if (const auto err = rd_kafka_commit_queue(consumer, nullptr, answers.get(), &answer::on, &reply);
      err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::warn("offset commit: {}", rd_kafka_err2str(err));
    return;
  }
  // Served like the close queue (see close_consumer): callbacks called, anything else dropped.
  while (!reply.given) {
    const int left = stop.ms_until(until);
    if (left == 0 || stop.interrupted()) {
      spdlog::warn("offset commit not answered in time");
      return;
    }
    const kafka_message dropped(rd_kafka_consume_queue(answers.get(), std::min(left, 100)));
  }
}

}  // namespace broadsheet::worker
