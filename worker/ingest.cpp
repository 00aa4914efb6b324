#include "worker/ingest.h"

#include <chrono>
#include <cstdint>
#include <future>
#include <optional>
#include <random>
#include <vector>

#include <spdlog/spdlog.h>

#include "pipeline/article_decider.h"
#include "worker/acknowledged_offsets.h"
#include "worker/backpressure.h"
#include "worker/clients.h"
#include "worker/cpu_count.h"
#include "worker/group_lag.h"
#include "worker/kafka.h"
#include "worker/logging.h"
#include "worker/metrics.h"
#include "worker/offset_tracker.h"
#include "worker/page_guard.h"
#include "worker/page_job.h"
#include "worker/page_pool.h"
#include "worker/page_processing.h"
#include "worker/page_publishing.h"
#include "worker/publisher.h"
#include "worker/rebalance.h"
#include "worker/record_headers.h"
#include "worker/replay.h"
#include "worker/sequencer.h"
#include "worker/shutdown.h"
#include "worker/signature_tailer.h"
#include "worker/transactions.h"

namespace broadsheet::worker {

namespace {

using clock_type = std::chrono::steady_clock;

constexpr int poll_ms = 50;
constexpr int delivery_wait_ms = 1;  // the consumer poll's timeout while pages are in flight

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now().time_since_epoch()).count();
}

// 16 hex digits from the system's random source: distinct for every process.
std::string random_instance_id() {
  std::random_device source;
  const std::uint64_t v = (static_cast<std::uint64_t>(source()) << 32) | source();
  return fmt::format("{:016x}", v);
}

}  // namespace

struct ingest_worker::impl {
  worker_config config;
  std::string bootstrap;
  std::unique_ptr<worker_metrics> own_metrics;  // when none is given
  worker_metrics& metrics;
  const fault_probe probe;  // empty but in tests
  worker_status status;
  // The stop: asked by stop() (from a signal) or by the worker itself; the shutdown's deadline,
  // once shutdown() has begun (the revocation of the consumer's close then neither drains nor
  // commits again).
  shutdown_control stop{config.shutdown_deadline_seconds};
  std::atomic<bool> fatal{false};
  // What an exception in a step of a page becomes: a dead letter, or out of memory a fatal stop.
  const page_guard guard{config.input_topic, fatal};

  // Produces every record and settles its delivery report; made with the producer and declared
  // before it, so that it outlives it. Its abandon() at the shutdown deadline (stop_producing):
  // nothing more is produced, failed deliveries are not produced again, and what the producer
  // still holds is purged; those pages stay unacknowledged, so the next start processes them again.
  std::optional<publisher> output;
  kafka_handle producer;
  // What the consumer's callbacks reach: declared before it, so that it outlives it.
  consumer_events events{&metrics, {}};
  kafka_handle consumer;
  // Reads the group's committed offsets through `consumer` (group members only); reset before the
  // consumer closes.
  std::unique_ptr<group_lag_reader> lag_reader;
  kafka_topic uncompressed_signatures;  // the producer's handle of the signatures topic
  // The consumer's partitions, for rebalances and backpressure: made with the consumer.
  std::unique_ptr<consumer_partitions> partition_control;
  bool subscribed = false;  // a group member (not a replay's assignment)
  offset_tracker tracker;
  // The acknowledged pages' offsets, stored for the consumer's commits or kept for the
  // transaction: made with the consumer.
  std::optional<acknowledged_offsets> offsets;
  // Exactly-once mode: the transaction open while the poll loop runs; made with the clients.
  std::optional<transactions> txn;
  // Consumption paused while too many bytes are in flight (poll loop thread only).
  backpressure flow{config.max_inflight_bytes};
  // The group's rebalances (poll loop thread only, in its consumer polls and close).
  rebalance_handler rebalances{
      config.input_topic,
      config.exactly_once,
      stop,
      tracker,
      status.assigned,
      metrics,
      flow,
      revocation_steps{.drain = [this](const rd_kafka_topic_partition_list_t* revoked,
                                       shutdown_control::time_point until) { return drain(revoked, until); },
                       .commit_offsets = [this](shutdown_control::time_point until) { commit_stored(until); },
                       .commit_transaction = [this](shutdown_control::time_point until) { txn->commit(until); },
                       .abort_transaction = [this] { txn->partitions_lost(); }}};

  // Names this process on its signature records, so that its tailer skips its own.
  const std::string instance_id = random_instance_id();
  // kafka.propagate_headers: copied from a page record onto its articles and signatures.
  const propagated_headers propagated{config.propagate_headers};

  // Pages of each partition in offset order to decide, then publish; its decisions' mutex guards
  // the decider.
  sequencer sequence{[this](page_job& job) { publishing->decide(job); },
                     [this](const std::shared_ptr<page_job>& job) { publishing->publish(job); }};
  std::unique_ptr<pipeline::article_decider> decider;
  // The pool's work (parse, clean, segment, serialize, sign) and the sequencer's steps (decide,
  // publish): made with the clients, once the record limit is known.
  std::optional<page_processing> processing;
  std::optional<page_publishing> publishing;

  std::optional<signature_tailer> tailer;  // with dedup, from restore_index() on
  // Parses, cleans, segments and signs pages, handing each to the sequencer: from start_pool()
  // on. Declared after what its threads use, so that it is stopped first.
  std::optional<page_pool> pool;

  impl(worker_config c, std::string b, worker_metrics* m, fault_probe p)
      : config(std::move(c)),
        bootstrap(std::move(b)),
        own_metrics(m == nullptr ? std::make_unique<worker_metrics>() : nullptr),
        metrics(m == nullptr ? *own_metrics : *m),
        probe(std::move(p)) {
    if (config.dedup) decider = std::make_unique<pipeline::article_decider>(config.dedup_options);
    metrics.inflight_bytes_limit.Set(static_cast<double>(config.max_inflight_bytes));
    metrics.on_scrape([this] { refresh_gauges(); });
  }

  ~impl() { metrics.on_scrape({}); }

  void refresh_gauges() {
    metrics.ready.Set(status.ready ? 1 : 0);
    metrics.inflight_pages.Set(static_cast<double>(tracker.pending_pages()));
    metrics.inflight_bytes.Set(static_cast<double>(tracker.pending_bytes()));
    if (producer) metrics.producer_queue.Set(rd_kafka_outq_len(producer.get()));
    metrics.assigned_partitions.Set(status.assigned.load());
    if (decider) {
      const auto stats = sequence.with_decisions([&] { return decider->index_stats(); });
      metrics.index_articles.Set(static_cast<double>(stats.articles));
      metrics.index_bytes.Set(static_cast<double>(stats.memory_bytes));
    }
  }

  // ---- clients ----

  bool create_clients(bool subscribe_group) {
    const auto limit = output_record_limit(config);
    if (!limit) return fail_start(limit.error());
    const std::size_t record_limit = *limit;  // the largest record produced
    auto p = make_producer(config, bootstrap, &impl::on_delivery, this);
    if (!p) return fail_start(p.error());
    producer = std::move(*p);
    output.emplace(kafka_record_producer(producer.get()),
                   publisher_settings{.delivery = {config.delivery_attempts, config.exactly_once},
                                      .input_topic = config.input_topic,
                                      .dead_letter_topic = config.dlq_topic,
                                      .worker_id = config.worker_id,
                                      .record_limit = record_limit},
                   tracker, metrics, fatal);
    processing.emplace(record_limit, propagated, metrics, probe);
    publishing.emplace(publishing_settings{.articles_topic = config.output_topic,
                                           .signatures_topic = config.signatures_topic,
                                           .instance_id = instance_id,
                                           .cache_bytes = config.cache_bytes},
                       *output, decider.get(), propagated, guard, fatal, metrics, probe);
    if (decider) uncompressed_signatures = uncompressed_topic(producer.get(), config.signatures_topic);

    if (subscribe_group) {
      events.rebalance = [this](rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions) {
        rebalances.on(*partition_control, err, partitions);
      };
    }
    auto c = make_consumer(config, bootstrap, events);
    if (!c) return fail_start(c.error());
    consumer = std::move(*c);
    partition_control = kafka_consumer_partitions(consumer.get());
    offsets.emplace(tracker, kafka_offset_store(consumer.get(), config.input_topic), config.exactly_once);
    if (config.exactly_once)
      txn.emplace(kafka_transaction_client(producer.get(), consumer.get(), config.input_topic), stop, *offsets, tracker,
                  metrics, fatal, [this](shutdown_control::time_point deadline) { return drain(nullptr, deadline); });
    status.producer_connected = check_topics(10000);
    return true;
  }

  // Whether the clients reach every topic (readiness), retried every report until they do, with
  // a short timeout there, as the poll loop waits meanwhile.
  bool check_topics(int timeout_ms) {
    return topics_reachable(producer.get(), consumer.get(), config, timeout_ms, stop.flag());
  }

  // The log fields of a page's input record (log_record); job null: a record of no page.
  record_fields fields_of(const page_job* job, std::string_view code = {}) const {
    return page_fields(job, config.input_topic, code);
  }

  bool fail_start(const std::string& message) {
    spdlog::error("cannot start: {}", message);
    fatal = true;
    return false;
  }

  // ---- pool ----

  void start_pool() {
    const unsigned n = config.threads > 0 ? static_cast<unsigned>(config.threads) : usable_cpu_count();
    spdlog::info("pipeline threads: {}{}", n,
                 config.threads > 0 ? "" : " (worker.threads = 0: the CPUs this process may use)");
    pool.emplace(n, [this] { return pool_work(); });
  }

  // A pool thread's work, with the pipeline's state of its own.
  page_pool::work pool_work() {
    auto state = std::make_shared<page_processing::thread_state>(config);
    return [this, state](const std::shared_ptr<page_job>& job) {
      guard.run(*job, "processing", [&] { processing->process(*state, *job); });
      sequence.processed(job);
    };
  }

  void dispatch(rd_kafka_message_t* raw) {
    auto job = std::make_shared<page_job>();
    job->message.reset(raw);
    if (raw->key != nullptr) job->key.emplace(static_cast<const char*>(raw->key), raw->key_len);
    if (raw->payload != nullptr) job->value.emplace(static_cast<const char*>(raw->payload), raw->len);
    job->partition = raw->partition;
    job->offset = raw->offset;
    job->bytes = raw->len + raw->key_len;
    rd_kafka_timestamp_type_t type;
    job->timestamp_ms = rd_kafka_message_timestamp(raw, &type);
    metrics.record_consumed(job->partition, job->timestamp_ms);
    job->epoch = tracker.begin(job->partition, job->offset, job->bytes);
    metrics.pages_consumed.Increment();
    metrics.input_bytes.Increment(static_cast<double>(job->bytes));
    log_record(spdlog::level::debug, fields_of(job.get()), "consumed bytes={}", job->bytes);
    sequence.consumed(job);
    pool->push(std::move(job));
  }

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto& self = *static_cast<impl*>(opaque);
    if (self.output->settle(report_of(m)) == delivery_verdict::abort_transaction && self.txn)
      self.txn->abort_for(m->err);
  }

  // ---- offsets ----

  // Serves delivery reports and stores offsets until no page of `partitions` (all when null) is
  // in flight, or the deadline passes, or (outside shutdown(), whose own drain this is not) a stop
  // is asked. True when drained.
  bool drain(const rd_kafka_topic_partition_list_t* partitions, shutdown_control::time_point deadline) {
    for (bool first = true;; first = false) {
      rd_kafka_poll(producer.get(), first ? 0 : 10);  // at once when nothing is left
      offsets->advance();
      std::size_t pending = 0;
      if (partitions == nullptr) {
        pending = tracker.pending_pages();
      } else {
        for (int i = 0; i < partitions->cnt; ++i) pending += tracker.pending_pages(partitions->elems[i].partition);
      }
      if (pending == 0) return true;
      if (fatal || (txn && txn->abort_pending()) || stop.expired(deadline)) return false;
    }
  }

  void commit_stored(shutdown_control::time_point until) {
    worker::commit_stored(consumer.get(), metrics, stop, until);
  }

  // False when stopped or failed.
  bool begin_transactions() {
    if (txn->init()) return txn->begin();
    return stop.requested() ? false : fail_start("transactions");
  }

  // ---- the poll loop ----

  // Starts the signatures reader and waits until the index is restored (or stop, or failure).
  bool restore_index() {
    if (!decider) {
      status.restored = true;
      metrics.index_restored.Set(1);  // nothing to restore
      return true;
    }
    tailer.emplace(config, bootstrap, instance_id, *decider, sequence, metrics, stop.flag(), fatal,
                   stop.close_budget());
    auto done = tailer->start(producer.get());
    while (done.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
      status.last_poll_ms = steady_ms();
      if (stop.requested()) break;
    }
    // The reader sets the promise before stopping, so waiting is bounded.
    const bool ok = done.get();
    status.restored = ok;
    return ok;
  }

  bool subscribe() {
    subscribed = true;
    partition_list topics(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(topics.get(), config.input_topic.c_str(), RD_KAFKA_PARTITION_UA);
    if (const auto err = rd_kafka_subscribe(consumer.get(), topics.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return fail_start(std::string("subscribe: ") + rd_kafka_err2str(err));
    return true;
  }

  bool assign(const offset_range& range) {
    if (const auto assigned = assign_range(consumer.get(), config.input_topic, range); !assigned)
      return fail_start("assign: " + assigned.error());
    return true;
  }

  // Every partition of the range was consumed to its end (and all of it acknowledged).
  bool range_done(const offset_range& range) {
    return tracker.pending_pages() == 0 &&
           range_consumed(range, range_positions(consumer.get(), config.input_topic, range));
  }

  int run(const offset_range* range) {
    if (!create_clients(range == nullptr)) return 1;
    if (!restore_index()) {
      if (!stop.requested()) spdlog::error("cannot restore the index from {}", config.signatures_topic);
      return finish_run(stop.requested() ? 0 : 1);
    }
    start_pool();
    if (txn && !begin_transactions()) return finish_run(stop.requested() ? 0 : 1);
    if (!(range == nullptr ? subscribe() : assign(*range))) return finish_run(1);
    if (range == nullptr) start_group_lag();
    spdlog::info("worker {} consuming {} as group {}", config.worker_id, config.input_topic, config.group_id);
    try {
      poll_loop(range);
    } catch (const std::bad_alloc&) {
      spdlog::critical("out of memory in the poll loop: stopping (exit 1)");
      fatal = true;
    } catch (const std::exception& e) {
      spdlog::critical("poll loop: {}: stopping (exit 1)", e.what());
      fatal = true;
    }
    return shutdown();
  }

  void poll_loop(const offset_range* range) {
    while (!stop.requested() && !fatal) {
      status.last_poll_ms = steady_ms();
      status.ready = status.restored && status.producer_connected && (range != nullptr || status.assigned > 0);
      // The consumer's poll ends only with a page or its timeout, and delivery reports are served
      // after it: while pages are in flight it waits at most delivery_wait_ms, so that their
      // acknowledgements (and offsets) are not held back by up to poll_ms once no page is queued.
      const bool in_flight = tracker.pending_pages() != 0;
      kafka_message m(rd_kafka_consumer_poll(consumer.get(), in_flight ? delivery_wait_ms : poll_ms));
      if (m) {
        if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          spdlog::warn("consumer: {}", rd_kafka_message_errstr(m.get()));
        } else if (range != nullptr && past_range_end(*range, m->partition, m->offset)) {
          // past the end of the range: not ours to process
        } else {
          dispatch(m.release());
        }
      }
      rd_kafka_poll(producer.get(), 0);
      offsets->advance();
      flow.apply(*partition_control, tracker.pending_bytes());  // backpressure
      if (range != nullptr && range_done(*range)) break;
      if (steady_ms() - last_report_ms >= 5000) report();
      if (txn && txn->due(tracker.pending_pages() != 0)) txn->commit(stop.deadline_from_now());
    }
  }

  // broadsheet_group_lag for every partition of the input topic, which partitions no live member
  // holds need (a static member within its session timeout).
  void start_group_lag() {
    constexpr std::chrono::seconds group_lag_interval{30};
    const auto partitions = partition_count(consumer.get(), config.input_topic, 10000, &stop.flag());
    if (!partitions) {
      spdlog::warn("no group lag: input topic {}: {}", config.input_topic, partitions.error());
      return;
    }
    lag_reader = std::make_unique<group_lag_reader>(consumer.get(), config.input_topic, *partitions, metrics,
                                                    group_lag_interval);
  }

  std::int64_t last_report_ms = 0;

  void report() {
    last_report_ms = steady_ms();
    if (!status.producer_connected) status.producer_connected = check_topics(250);
    const std::size_t queued = pool ? pool->queued() : 0;
    std::string positions;
    rd_kafka_topic_partition_list_t* assignment = nullptr;
    if (rd_kafka_assignment(consumer.get(), &assignment) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      partition_list owned(assignment);
      rd_kafka_position(consumer.get(), owned.get());
      for (int i = 0; i < owned->cnt; ++i)
        positions += fmt::format(" {}@{}", owned->elems[i].partition, owned->elems[i].offset);
    }
    spdlog::debug(
        "pages consumed {}, published {}, in flight {} ({} bytes), queued {}, {}, producer queue {}, "
        "positions{}",
        metrics.pages_consumed.Value(), (publishing ? publishing->published() : 0), tracker.pending_pages(),
        tracker.pending_bytes(), queued, flow.paused() ? "paused" : "fetching", rd_kafka_outq_len(producer.get()),
        positions);
  }

  // Readiness off, stop fetching, finish what is in flight until the shutdown deadline, then
  // (finish_run) give up what is left, commit and leave the group, all by the shutdown's close_by().
  int shutdown() {
    status.ready = false;
    const auto deadline = stop.begin();  // the signatures reader closes meanwhile
    if (const auto owned = partition_control->assignment()) partition_control->pause(owned.get());
    if (txn && !fatal) txn->commit(deadline);
    const bool drained = drain(nullptr, deadline);
    if (!drained && !fatal) spdlog::warn("shutdown deadline passed with {} page(s) in flight", tracker.pending_pages());
    // Records of no page (corrections learned from other workers' signatures), until then too.
    rd_kafka_flush(producer.get(), stop.ms_until(deadline));
    return finish_run(fatal ? 1 : 0);
  }

  // Stops what produces, purges what was not delivered, commits what was and closes the
  // consumer, by the shutdown's close_by(). Exit status: shutdown_control::exit_status.
  int finish_run(int code) {
    const auto close_by = stop.close_by();
    stop.request();
    lag_reader.reset();  // before the consumer it reads through closes
    code = stop_producing(code);
    if (consumer) {
      if (!config.exactly_once) {
        offsets->advance();
        commit_stored(close_by);
      }
      const bool closed = close_consumer(consumer.get(), close_by);
      if (!closed) spdlog::warn("consumer not closed in time (its group learns it left at its session timeout)");
      if (!closed || (subscribed && !rebalances.ever_assigned())) park(std::move(consumer));
    }
    spdlog::info("worker {} stopped (exit {})", config.worker_id, code);
    return code;
  }

  // Stops everything that produces: the pool (dropping the pages it has not begun) and the
  // signatures reader. Then purges what the producer still holds, queued or in flight: after the
  // deadline nothing more is delivered. The exit status of a run stopping with `code`, 1 when
  // anything was left undelivered: pages consumed and not acknowledged, or records purged.
  int stop_producing(int code) {
    if (output) output->abandon();
    if (pool) pool->stop(/*drop_queued=*/true);
    if (tailer) tailer->join();
    if (producer && rd_kafka_outq_len(producer.get()) > 0) {
      rd_kafka_purge(producer.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      rd_kafka_flush(producer.get(), 100);  // serves the purged records' delivery reports
    }
    const std::size_t pages = tracker.pending_pages();
    const std::size_t purged = output ? output->purged() : 0;
    if (pages != 0 || purged != 0)
      spdlog::warn(
          "stopped with {} page(s) not acknowledged and {} record(s) purged undelivered: their offsets are "
          "not committed, the next start processes them again",
          pages, purged);
    return shutdown_control::exit_status(code, pages, purged);
  }
};

ingest_worker::ingest_worker(worker_config config, std::string bootstrap, worker_metrics* metrics, fault_probe probe)
    : impl_(std::make_unique<impl>(std::move(config), std::move(bootstrap), metrics, std::move(probe))) {}

ingest_worker::~ingest_worker() = default;

int ingest_worker::run_group() { return impl_->run(nullptr); }

int ingest_worker::run_range(const offset_range& range) { return impl_->run(&range); }

void ingest_worker::stop() noexcept {
  impl_->stop.request(signal_safe_now());  // called from a signal handler
}

const worker_status& ingest_worker::status() const noexcept { return impl_->status; }

std::int64_t ingest_worker::steady_now_ms() noexcept { return steady_ms(); }

}  // namespace broadsheet::worker
