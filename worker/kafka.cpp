#include "worker/kafka.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cstring>
#include <mutex>

namespace broadsheet::worker {

namespace {

tl::expected<void, std::string> set(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
  std::array<char, 512> err{};
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), err.data(), err.size()) != RD_KAFKA_CONF_OK)
    return tl::make_unexpected("kafka." + name + ": " + err.data());
  return {};
}

// librdkafka's own log lines (CONFWARN, broker state, errors) through the worker's logger, so
// that they have its format, JSON lines included, and its level filter. Called from librdkafka's
// threads; the logger is thread-safe. level is syslog's: 0-2 critical, 3 error, 4 warning,
// 5-6 info, 7 debug.
void log_to_spdlog(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  const spdlog::level::level_enum as = level <= 2   ? spdlog::level::critical
                                       : level == 3 ? spdlog::level::err
                                       : level == 4 ? spdlog::level::warn
                                       : level <= 6 ? spdlog::level::info
                                                    : spdlog::level::debug;
  spdlog::log(as, "librdkafka {} {}: {}", facility, rk != nullptr ? rd_kafka_name(rk) : "-", message);
}

using steady = std::chrono::steady_clock;

}  // namespace

int ms_until(steady::time_point until) noexcept {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - steady::now()).count();
  return static_cast<int>(std::clamp<std::int64_t>(left, 0, INT_MAX));
}

bool close_consumer(rd_kafka_t* rk, steady::time_point until) {
  const kafka_queue queue(rd_kafka_queue_new(rk));
  if (const kafka_error e{rd_kafka_consumer_close_queue(rk, queue.get())}; e) {
    spdlog::warn("consumer {}: close: {}", rd_kafka_name(rk), rd_kafka_error_string(e.get()));
    return false;
  }
  // Served as librdkafka's own blocking close and its tests serve it: callbacks (the revocation)
  // are called, anything else is returned and dropped. (rd_kafka_queue_poll_callback asserts
  // that every op has a callback: rdkafka_queue.c:516, an abort seen at the end of a graceful stop.)
  while (rd_kafka_consumer_closed(rk) == 0) {
    const int left = ms_until(until);
    if (left == 0) return false;
    const kafka_message dropped(rd_kafka_consume_queue(queue.get(), std::min(left, 100)));
  }
  return true;
}

void park(kafka_handle client) {
  static auto* parked = new std::vector<rd_kafka_t*>();  // never destroyed, on purpose
  static std::mutex parked_mutex;
  const std::lock_guard lock(parked_mutex);
  parked->push_back(client.release());
}

tl::expected<kafka_conf, std::string> make_client_conf(const worker_config& config, client_role role,
                                                       std::string_view bootstrap) {
  kafka_conf conf(rd_kafka_conf_new());
  std::vector<std::pair<std::string, std::string>> props = {
      {"bootstrap.servers", std::string(bootstrap)},
      {"client.id", "broadsheet-" + config.worker_id},
  };
  switch (role) {
    case client_role::consumer:
      props.insert(props.end(), {
          {"group.id", config.group_id},
          {"partition.assignment.strategy", "cooperative-sticky"},
          {"enable.auto.offset.store", "false"},  // stored only when a page is acknowledged
          {"enable.auto.commit", config.exactly_once ? "false" : "true"},
          {"auto.commit.interval.ms", "1000"},
          {"auto.offset.reset", "earliest"},
          {"enable.partition.eof", "false"},
          {"isolation.level", "read_committed"},
          {"statistics.interval.ms", "5000"},  // consumer lag for the metrics
          // Prefetch bound (librdkafka's queue, all partitions): with max_inflight_bytes, what a
          // backlog can make the worker hold.
          {"queued.max.messages.kbytes", "32768"},
      });
      if (!config.group_instance_id.empty()) props.emplace_back("group.instance.id", config.group_instance_id);
      break;
    case client_role::producer:
      props.insert(props.end(), {
          {"enable.idempotence", "true"},
          {"acks", "all"},
          {"linger.ms", "5"},
          {"compression.type", "lz4"},
          {"message.timeout.ms", "30000"},
      });
      if (config.exactly_once)
        props.emplace_back("transactional.id", "broadsheet-" + config.group_id + "-" + config.worker_id);
      break;
    case client_role::tailer:
      // Reads the signatures topic by assignment; the group id is never used to commit.
      props.insert(props.end(), {
          {"group.id", config.group_id + ".signatures." + config.worker_id},
          {"enable.auto.commit", "false"},
          {"enable.auto.offset.store", "false"},
          {"enable.partition.eof", "true"},
          {"isolation.level", "read_committed"},
      });
      break;
  }
  for (const auto& [name, value] : props)
    if (auto ok = set(conf.get(), name, value); !ok) return tl::make_unexpected(ok.error());
  // The shared properties, then the side's own: the consumer of pages takes the input's, the
  // producer the output's; the signatures reader neither (a producer's property would only draw
  // librdkafka's CONFWARN there).
  const auto* own = role == client_role::consumer   ? &config.input_properties
                    : role == client_role::producer ? &config.output_properties
                                                    : nullptr;
  for (const auto* list : {&config.kafka_properties, own}) {
    if (list == nullptr) continue;
    for (const auto& [name, value] : *list)
      if (auto ok = set(conf.get(), name, value); !ok) return tl::make_unexpected(ok.error());
  }
  return conf;
}

tl::expected<std::size_t, std::string> output_record_limit(const worker_config& config) {
  auto conf = make_client_conf(config, client_role::producer, "");
  if (!conf) return tl::make_unexpected(conf.error());
  std::array<char, 32> text{};
  std::size_t size = text.size();
  std::size_t limit = 0;
  if (rd_kafka_conf_get(conf->get(), "message.max.bytes", text.data(), &size) != RD_KAFKA_CONF_OK ||
      std::from_chars(text.data(), text.data() + std::strlen(text.data()), limit).ec != std::errc())
    return tl::make_unexpected(std::string("cannot read the producer's message.max.bytes"));
  const std::size_t pages = config.pipeline.parse.max_record_bytes;
  if (limit < min_message_bytes)
    return tl::make_unexpected(fmt::format(
        "kafka.message.max.bytes ({}) is below {}: too small for a dead letter's headers and some of its record",
        limit, min_message_bytes));
  if (pages > limit)
    return tl::make_unexpected(fmt::format(
        "pipeline.max_record_bytes ({}) is over the producer's message.max.bytes ({}): a page the pipeline accepts "
        "must fit a record the worker can write; lower --max-record-bytes, or raise -X message.max.bytes (and the "
        "max.message.bytes of the output, signatures and dead-letter topics with it)",
        pages, limit));
  return limit;
}

tl::expected<kafka_handle, std::string> make_client(kafka_conf conf, rd_kafka_type_t type, client_log log) {
  std::array<char, 512> err{};
  if (log == client_log::none)
    rd_kafka_conf_set_log_cb(conf.get(), [](const rd_kafka_t*, int, const char*, const char*) {});
  else
    rd_kafka_conf_set_log_cb(conf.get(), &log_to_spdlog);
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), err.data(), err.size());
  if (rk == nullptr) return tl::make_unexpected(std::string("cannot create Kafka client: ") + err.data());
  (void)conf.release();  // owned by rk now
  return kafka_handle(rk);
}

tl::expected<void, std::string> check_clients(const worker_config& config) {
  struct client {
    client_role role;
    rd_kafka_type_t type;
    bool used;
  };
  const std::array<client, 3> clients{{{client_role::producer, RD_KAFKA_PRODUCER, true},
                                       {client_role::consumer, RD_KAFKA_CONSUMER, true},
                                       {client_role::tailer, RD_KAFKA_CONSUMER, config.dedup}}};
  for (const auto& [role, type, used] : clients) {
    if (!used) continue;
    // No bootstrap servers: the client starts no broker thread and connects nowhere. Its log
    // (which would say exactly that) is dropped.
    auto conf = make_client_conf(config, role, "");
    if (!conf) return tl::make_unexpected(conf.error());
    if (auto made = make_client(std::move(*conf), type, client_log::none); !made)
      return tl::make_unexpected(made.error());
  }
  return {};
}

tl::expected<int, std::string> partition_count(rd_kafka_t* rk, const std::string& topic, int timeout_ms,
                                               const std::atomic<bool>* stop) {
  const kafka_topic t(rd_kafka_topic_new(rk, topic.c_str(), nullptr));
  const rd_kafka_metadata_t* md = nullptr;
  const auto err = in_slices(timeout_ms, stop, [&](int ms) { return rd_kafka_metadata(rk, 0, t.get(), &md, ms); });
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return tl::make_unexpected(std::string(rd_kafka_err2str(err)));
  int count = 0;
  std::string error;
  if (md->topic_cnt == 1) {
    count = md->topics[0].partition_cnt;
    if (md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) error = rd_kafka_err2str(md->topics[0].err);
  }
  rd_kafka_metadata_destroy(md);
  if (!error.empty()) return tl::make_unexpected("topic " + topic + ": " + error);
  if (count == 0) return tl::make_unexpected("topic " + topic + " has no partitions");
  return count;
}

std::string_view header_value(const rd_kafka_message_t* message, const char* name) {
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return {};
  const void* value = nullptr;
  std::size_t size = 0;
  if (rd_kafka_header_get_last(headers, name, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR || value == nullptr)
    return {};
  return {static_cast<const char*>(value), size};
}

tl::expected<std::vector<watermarks>, std::string> query_watermarks(rd_kafka_t* rk, const std::string& topic,
                                                                   int partitions, int timeout_ms,
                                                                   const std::atomic<bool>* stop) {
  std::vector<watermarks> marks(static_cast<std::size_t>(std::max(partitions, 0)));
  // ListOffsets takes a timestamp per partition; the protocol's -2 and -1 mean the earliest and
  // the latest offset, which librdkafka's offsets_for_times passes through.
  for (const std::int64_t which : {RD_KAFKA_OFFSET_BEGINNING, RD_KAFKA_OFFSET_END}) {
    partition_list list(rd_kafka_topic_partition_list_new(partitions));
    for (int p = 0; p < partitions; ++p) rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = which;
    const auto err = in_slices(timeout_ms, stop, [&](int ms) {
      for (int i = 0; i < list->cnt; ++i) list->elems[i].offset = which;  // a timed-out call may have set some
      return rd_kafka_offsets_for_times(rk, list.get(), ms);
    });
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return tl::make_unexpected("watermarks of " + topic + ": " + rd_kafka_err2str(err));
    for (int i = 0; i < list->cnt; ++i) {
      const auto& e = list->elems[i];
      if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR)
        return tl::make_unexpected("watermarks of " + topic + " partition " + std::to_string(e.partition) + ": " +
                                   rd_kafka_err2str(e.err));
      if (e.partition < 0 || e.partition >= partitions) continue;
      auto& m = marks[static_cast<std::size_t>(e.partition)];
      (which == RD_KAFKA_OFFSET_BEGINNING ? m.low : m.high) = e.offset;
    }
  }
  return marks;
}

}  // namespace broadsheet::worker
