#include "worker/signature_tailer.h"

#include <algorithm>
#include <memory>
#include <new>
#include <utility>

#include <spdlog/spdlog.h>

#include "worker/logging.h"
#include "worker/metrics.h"

namespace broadsheet::worker {

namespace {

using clock_type = std::chrono::steady_clock;

constexpr int retry_sleep_slice_ms = 50;  // a stop ends the wait before retrying within this

}  // namespace

restore_progress::restore_progress(const std::vector<watermarks>& marks, bool restore) {
  if (!restore) return;
  for (std::size_t p = 0; p < marks.size(); ++p)
    if (marks[p].high > marks[p].low) remaining_[static_cast<std::int32_t>(p)] = marks[p].high;
}

void restore_progress::read(std::int32_t partition, std::int64_t offset) {
  if (auto it = remaining_.find(partition); it != remaining_.end() && offset + 1 >= it->second) remaining_.erase(it);
}

void restore_progress::ended(std::int32_t partition) { remaining_.erase(partition); }

signature_tailer::signature_tailer(const worker_config& config, const std::string& bootstrap, std::string instance_id,
                                   pipeline::article_decider& decider, sequencer& sequence, worker_metrics& metrics,
                                   const std::atomic<bool>& stop, std::atomic<bool>& fatal,
                                   clock_type::duration close_within)
    : config_(config),
      bootstrap_(bootstrap),
      instance_id_(std::move(instance_id)),
      decider_(decider),
      sequence_(sequence),
      metrics_(metrics),
      stop_(stop),
      fatal_(fatal),
      close_within_(close_within) {}

signature_tailer::~signature_tailer() { join(); }

std::future<bool> signature_tailer::start(rd_kafka_t* producer) {
  auto restored = restored_.get_future();
  thread_ = std::thread([this, producer] { tail(producer); });
  return restored;
}

void signature_tailer::join() {
  {
    const std::lock_guard lock(queue_mutex_);
    if (queue_) rd_kafka_queue_yield(queue_.get());
  }
  if (thread_.joinable()) thread_.join();
}

// Reads the signatures topic from the beginning up to its high watermarks into the index, then
// keeps reading what other workers publish until stopped.
void signature_tailer::tail(rd_kafka_t* producer) {
  auto conf = make_client_conf(config_, client_role::tailer, bootstrap_);
  kafka_handle client;
  if (conf) {
    if (auto c = make_client(std::move(*conf), RD_KAFKA_CONSUMER)) client = std::move(*c);
  }
  if (!client) {
    spdlog::error("cannot create the signatures reader");
    restored_.set_value(false);
    return;
  }
  // Published for join()'s wake-up; released before the client is closed, on every way out.
  struct published_queue {
    signature_tailer& self;
    explicit published_queue(signature_tailer& s, rd_kafka_t* rk) : self(s) {
      const std::lock_guard lock(self.queue_mutex_);
      self.queue_.reset(rd_kafka_queue_get_consumer(rk));
    }
    ~published_queue() { release(); }
    void release() {
      const std::lock_guard lock(self.queue_mutex_);
      self.queue_.reset();
    }
    published_queue(const published_queue&) = delete;
    published_queue& operator=(const published_queue&) = delete;
  } queue_published(*this, client.get());
  read(client.get(), producer);
  queue_published.release();
  // It began closing when the stop was asked (within its poll's 100 ms): it has until the
  // shutdown deadline, plus what the end of a stop may take.
  if (!close_consumer(client.get(), clock_type::now() + close_within_)) park(std::move(client));
}

// The reader's work, until stopped; restored_ is set on every way out.
void signature_tailer::read(rd_kafka_t* client, rd_kafka_t* producer) {
  const auto started = clock_type::now();
  const std::string& topic = config_.signatures_topic;
  auto count = partition_count(client, topic, 10000, &stop_);
  while (!count && !stop_) {
    spdlog::warn("signatures topic {}: {}; retrying", topic, count.error());
    for (int waited = 0; waited < 1000 && !stop_; waited += retry_sleep_slice_ms)
      std::this_thread::sleep_for(std::chrono::milliseconds(retry_sleep_slice_ms));
    count = partition_count(client, topic, 10000, &stop_);
  }
  if (!count) {
    restored_.set_value(false);
    return;
  }
  // All partitions' watermarks at once, asked through the producer, which is connected and knows
  // the topic's leaders already (the worker's check of its topics). Asked partition by partition
  // through this new client, they took 40 ms for four partitions in two starts out of three (the
  // e2e bench).
  auto marks = query_watermarks(producer, topic, *count, 10000, &stop_);
  if (!marks) {
    spdlog::warn("signatures topic {}: {}; reading every partition to its end", topic, marks.error());
    marks = std::vector<watermarks>(static_cast<std::size_t>(*count), watermarks{0, 1});  // ends at EOF
  }
  if (config_.restore_index) {
    // The topic's records bound the articles restored (it is compacted, so some are older
    // versions): room for them all at once, so that the index does not grow on the way
    // (filling 1,000,000 took 2.9-3.4 s growing, 1.3 s with room made first: dedup/fill_1M).
    std::size_t records = 0;
    for (const auto& w : *marks) records += static_cast<std::size_t>(std::max<std::int64_t>(0, w.high - w.low));
    sequence_.with_decisions([&] { decider_.reserve(records); });
  }
  restore_progress progress(*marks, config_.restore_index);
  partition_list list(rd_kafka_topic_partition_list_new(*count));
  for (int p = 0; p < *count; ++p) {
    // Without restore (dedup.restore_index = false), only what is published from now on.
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
        config_.restore_index ? RD_KAFKA_OFFSET_BEGINNING : (*marks)[static_cast<std::size_t>(p)].high;
  }
  rd_kafka_assign(client, list.get());
  std::size_t records = 0;
  bool announced = false;
  while (!stop_) {
    if (!announced && progress.done()) {
      announced = true;
      const double seconds = std::chrono::duration<double>(clock_type::now() - started).count();
      spdlog::info("index restored from {}: {} signature records in {:.2f} s", topic, records, seconds);
      metrics_.restore_duration.Set(seconds);
      metrics_.index_restored.Set(1);
      restored_.set_value(true);
    }
    kafka_message m(rd_kafka_consumer_poll(client, 100));
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      progress.ended(m->partition);
      continue;
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      spdlog::warn("signatures reader: {}", rd_kafka_message_errstr(m.get()));
      continue;
    }
    ++records;
    if (!announced) metrics_.restore_records.Increment();
    progress.read(m->partition, m->offset);
    try {
      learn(header_value(m.get(), "producer.instance"), {static_cast<const char*>(m->payload), m->len}, m->partition,
            m->offset);
    } catch (const std::bad_alloc&) {
      spdlog::critical("out of memory reading signature records: stopping (exit 1)");
      fatal_ = true;
    } catch (const std::exception& e) {
      spdlog::error("signature record skipped: {} topic={} partition={} offset={}", e.what(), topic, m->partition,
                    m->offset);
    }
  }
  if (!announced) restored_.set_value(false);
}

void signature_tailer::learn(std::string_view producer_instance, std::string_view bytes, std::int32_t partition,
                             std::int64_t offset) {
  if (producer_instance == instance_id_) return;
  auto record = pipeline::signature_record::decode(bytes);
  if (!record) {
    log_record(spdlog::level::warn,
               {config_.signatures_topic, partition, offset, {}, pipeline::to_string(record.error().code)},
               "signature record skipped: {}", record.error().message);
    return;
  }
  sequence_.decided_elsewhere([&]() -> std::shared_ptr<page_job> {
    auto corrections = decider_.learn(*record);
    if (corrections.empty()) return nullptr;
    auto learned = std::make_shared<page_job>();
    learned->learned = true;
    learned->corrections = std::move(corrections);
    return learned;
  });
}

}  // namespace broadsheet::worker
