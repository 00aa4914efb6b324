#include "worker/ingest.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <exception>
#include <future>
#include <optional>
#include <random>
#include <vector>

#include <spdlog/spdlog.h>

#include "pipeline/article_decider.h"
#include "pipeline/article_json.h"
#include "pipeline/page_processor.h"
#include "pipeline/version.h"
#include "worker/acknowledged_offsets.h"
#include "worker/cpu_count.h"
#include "worker/dead_letter.h"
#include "worker/group_lag.h"
#include "worker/kafka.h"
#include "worker/logging.h"
#include "worker/metrics.h"
#include "worker/offset_tracker.h"
#include "worker/page_guard.h"
#include "worker/page_job.h"
#include "worker/page_pool.h"
#include "worker/publisher.h"
#include "worker/record_size.h"
#include "worker/sequencer.h"
#include "worker/shutdown.h"
#include "worker/signature_tailer.h"
#include "worker/transactions.h"

namespace broadsheet::worker {

namespace {

using clock_type = std::chrono::steady_clock;

constexpr int poll_ms = 50;
constexpr int delivery_wait_ms = 1;  // the consumer poll's timeout while pages are in flight

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now().time_since_epoch()).count();
}

// 16 hex digits from the system's random source: distinct for every process.
std::string random_instance_id() {
  std::random_device source;
  const std::uint64_t v = (static_cast<std::uint64_t>(source()) << 32) | source();
  return fmt::format("{:016x}", v);
}

void add_header(rd_kafka_headers_t* h, std::string_view name, std::string_view value) {
  rd_kafka_header_add(h, name.data(), static_cast<ssize_t>(name.size()), value.data(),
                      static_cast<ssize_t>(value.size()));
}

// Names separated by commas (kafka.propagate_headers); none for an empty string.
std::vector<std::string> comma_separated(std::string_view text) {
  std::vector<std::string> names;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    if (comma > at) names.emplace_back(text.substr(at, comma - at));
    at = comma + 1;
  }
  return names;
}

// A propagated header longer than this is not copied: trace context is short (traceparent 55
// bytes, tracestate at most 512), and a long value would eat into every record's size limit.
constexpr std::size_t max_propagated_value_bytes = 4096;

// The headers of an article record, for producing it and for weighing it first.
std::array<std::pair<std::string_view, std::string_view>, 3> article_headers(std::string_view page_id) {
  return {{{"page_id", page_id}, {"pipeline_version", pipeline::pipeline_version}, {"content-type", "application/json"}}};
}

// An article's JSON with its decision: the one made on the pool while the decision is still the
// undecided one it was made with (the pipeline's revision 0, no duplicate), else a copy with the
// decision written in.
std::shared_ptr<const pipeline::article_json> decided_json(const pipeline::article& a,
                                                           std::shared_ptr<const pipeline::article_json> undecided) {
  if (a.revision == 0 && !a.duplicate_of && !a.similarity) return undecided;
  return std::make_shared<const pipeline::article_json>(
      pipeline::with_decision(*undecided, a.revision, a.duplicate_of, a.similarity));
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
  kafka_handle consumer;
  // Reads the group's committed offsets through `consumer` (group members only); reset before the
  // consumer closes.
  std::unique_ptr<group_lag_reader> lag_reader;
  kafka_topic uncompressed_signatures;  // the producer's handle of the signatures topic
  // The largest record produced (output_record_limit): set before the pool starts, then read only.
  std::size_t record_limit = 0;
  bool subscribed = false;     // a group member (not a replay's assignment)
  bool ever_assigned = false;  // it owned partitions at some point
  offset_tracker tracker;
  // The acknowledged pages' offsets, stored for the consumer's commits or kept for the
  // transaction: made with the consumer.
  std::optional<acknowledged_offsets> offsets;
  // Exactly-once mode: the transaction open while the poll loop runs; made with the clients.
  std::optional<transactions> txn;

  // Names this process on its signature records, so that its tailer skips its own.
  const std::string instance_id = random_instance_id();
  // kafka.propagate_headers: copied from a page record onto its articles and signatures.
  const std::vector<std::string> propagated = comma_separated(config.propagate_headers);

  // Pages of each partition in offset order to decide, then publish; its decisions' mutex guards
  // the decider.
  sequencer sequence{[this](page_job& job) { guard.run(job, "decide", [&] { decide(job); }); },
                     [this](const std::shared_ptr<page_job>& job) { publish(job); }};
  std::unique_ptr<pipeline::article_decider> decider;
  // The articles published, for corrections: used only by the thread running the sequencer's
  // publish step, which republishes a corrected article from here (an article is published before
  // any correction of it, as the sequencer publishes in the order of the decisions).
  pipeline::article_cache published_articles{config.cache_bytes};

  std::optional<signature_tailer> tailer;  // with dedup, from restore_index() on
  // Parses, cleans, segments and signs pages, handing each to the sequencer: from start_pool()
  // on. Declared after what its threads use, so that it is stopped first.
  std::optional<page_pool> pool;
  bool paused = false;

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
    record_limit = *limit;
    auto pconf = make_client_conf(config, client_role::producer, bootstrap);
    if (!pconf) return fail_start(pconf.error());
    rd_kafka_conf_set_opaque(pconf->get(), this);
    rd_kafka_conf_set_dr_msg_cb(pconf->get(), &impl::on_delivery);
    auto p = make_client(std::move(*pconf), RD_KAFKA_PRODUCER);
    if (!p) return fail_start(p.error());
    producer = std::move(*p);
    output.emplace(kafka_record_producer(producer.get()),
                   publisher_settings{.delivery = {config.delivery_attempts, config.exactly_once},
                                      .input_topic = config.input_topic,
                                      .dead_letter_topic = config.dlq_topic,
                                      .worker_id = config.worker_id,
                                      .record_limit = record_limit},
                   tracker, metrics, fatal);
    if (decider) {
      // A signature record is MinHash values, bytes no codec shrinks: produced uncompressed, the
      // producer does not compress them nor every reader decompress them. (A topic handle made
      // first holds its configuration; producing by the topic's name uses it.)
      kafka_topic_conf tconf(rd_kafka_topic_conf_new());
      std::array<char, 256> err{};
      if (rd_kafka_topic_conf_set(tconf.get(), "compression.codec", "none", err.data(), err.size()) ==
          RD_KAFKA_CONF_OK) {
        // rd_kafka_topic_new frees the configuration, whatever it returns.
        uncompressed_signatures.reset(
            rd_kafka_topic_new(producer.get(), config.signatures_topic.c_str(), tconf.release()));
      }
    }

    auto cconf = make_client_conf(config, client_role::consumer, bootstrap);
    if (!cconf) return fail_start(cconf.error());
    rd_kafka_conf_set_opaque(cconf->get(), this);
    if (subscribe_group) rd_kafka_conf_set_rebalance_cb(cconf->get(), &impl::on_rebalance);
    rd_kafka_conf_set_stats_cb(cconf->get(), &impl::on_statistics);
    rd_kafka_conf_set_offset_commit_cb(cconf->get(), &impl::on_commit);
    auto c = make_client(std::move(*cconf), RD_KAFKA_CONSUMER);
    if (!c) return fail_start(c.error());
    consumer = std::move(*c);
    offsets.emplace(tracker, kafka_offset_store(consumer.get(), config.input_topic), config.exactly_once);
    if (config.exactly_once)
      txn.emplace(kafka_transaction_client(producer.get(), consumer.get(), config.input_topic), stop, *offsets, tracker,
                  metrics, fatal, [this](shutdown_control::time_point deadline) { return drain(nullptr, deadline); });
    rd_kafka_poll_set_consumer(consumer.get());
    status.producer_connected = check_topics(10000);
    return true;
  }

  // Every topic's metadata up front: a topic a client first meets later waits for its next
  // periodic metadata refresh, up to a second (librdkafka #3202), which would delay the first
  // page and the first signature and dead letter. It also tells that the producer is connected
  // and the topics exist (readiness); retried every report until it does, with a short timeout
  // there, as the poll loop waits meanwhile. A stop ends the waits.
  bool check_topics(int timeout_ms) {
    bool ok = true;
    for (const auto* topic : {&config.output_topic, &config.signatures_topic, &config.dlq_topic}) {
      if (stop.requested()) return false;
      if (auto n = partition_count(producer.get(), *topic, timeout_ms, &stop.flag()); !n) {
        spdlog::warn("topic {}: {}", *topic, n.error());
        ok = false;
      }
    }
    if (stop.requested()) return false;
    if (auto n = partition_count(consumer.get(), config.input_topic, timeout_ms, &stop.flag()); !n) {
      spdlog::warn("input topic {}: {}", config.input_topic, n.error());
      ok = false;
    }
    return ok;
  }

  static int on_statistics(rd_kafka_t*, char* json, std::size_t len, void* opaque) {
    static_cast<impl*>(opaque)->metrics.consumer_statistics({json, len});
    return 0;  // librdkafka frees json
  }

  static void on_commit(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t*, void* opaque) {
    auto& self = *static_cast<impl*>(opaque);
    if (err == RD_KAFKA_RESP_ERR__NO_OFFSET) return;  // nothing new to commit
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      self.metrics.commits.Increment();
    } else {
      self.metrics.commit_failed(rd_kafka_err2name(err));
      log_record(spdlog::level::warn, {.code = rd_kafka_err2name(err)}, "offset commit failed: {}",
                 rd_kafka_err2str(err));
    }
  }

  // add(name, value) for each propagated header the job's input record carries, not empty and
  // not over max_propagated_value_bytes. The record is held until the page is published.
  template <class Add>
  void for_propagated(const page_job* job, Add&& add) const {
    if (job == nullptr || !job->message) return;
    for (const auto& name : propagated) {
      const std::string_view value = header_value(job->message.get(), name.c_str());
      if (!value.empty() && value.size() <= max_propagated_value_bytes) add(name, value);
    }
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
    auto processor = std::make_shared<pipeline::page_processor>(config.pipeline);
    std::shared_ptr<pipeline::signer> signer;
    if (config.dedup) signer = std::make_shared<pipeline::signer>(config.dedup_options);
    return [this, processor, signer](const std::shared_ptr<page_job>& job) {
      guard.run(*job, "processing", [&] { process(*processor, signer.get(), *job); });
      sequence.processed(job);
    };
  }

  // The fault probe, when a test gave one.
  void step(page_step s, const page_job& job) const {
    if (probe) [[unlikely]] {
      probe(s, job.key.value_or(std::string_view()));
    }
  }

  void process(pipeline::page_processor& processor, pipeline::signer* signer, page_job& job) {
    if (!job.value) [[unlikely]] {
      job.rejection = worker_reason::tombstone;
      job.error_message = "the record's value is null (a tombstone), not a page";
      return;
    }
    step(page_step::parse, job);
    auto started = clock_type::now();
    auto page = processor.parse(*job.value);
    metrics.observe(stage::parse, seconds_since(started));
    if (!page) return reject(job, page.error());
    job.page_id = page->page_id;
    pipeline::stage_times times;
    step(page_step::clean, job);
    auto articles = processor.process(*page, &times);
    metrics.observe(stage::clean, times.clean);
    if (!articles) return reject(job, articles.error());
    metrics.observe(stage::segment, times.segment);
    metrics.pages_processed.Increment();
    job.articles = std::move(*articles);
    if (!serialize(job)) return;
    if (signer == nullptr) return;
    step(page_step::sign, job);
    started = clock_type::now();
    const std::int32_t day = pipeline::page_event_day(page->edition_date, page->fetched_at, job.timestamp_ms);
    job.signatures.reserve(job.articles.size());
    job.encoded_signatures.reserve(job.articles.size());
    for (const auto& a : job.articles) {
      job.signatures.push_back(signer->sign(a.article_id, pipeline::order_key{day, a.page_id, a.ordinal}, a.body));
      job.encoded_signatures.push_back(job.signatures.back().encode());
    }
    metrics.observe(stage::signature, seconds_since(started));
  }

  // Each article's JSON, made here rather than on the one thread publishing, and weighed before
  // the page is decided: a page with an article too large for a record (with room for any later
  // decision) goes whole to the dead-letter topic, and the index never learns it.
  bool serialize(page_job& job) {
    job.jsons.reserve(job.articles.size());
    for (const auto& a : job.articles) {
      auto json = std::make_shared<const pipeline::article_json>(pipeline::make_article_json(a));
      std::size_t headers = 0;
      for (const auto& [name, value] : article_headers(a.page_id)) headers += header_bytes(name, value.size());
      for_propagated(
          &job, [&](std::string_view name, std::string_view value) { headers += header_bytes(name, value.size()); });
      const std::size_t bytes = record_bytes(a.article_id.size(), json->text.size() + decision_room_bytes, headers);
      if (bytes > record_limit) [[unlikely]] {
        job.rejection = worker_reason::article_too_large;
        job.error_message = fmt::format("article {} would be a record of {} bytes, over message.max.bytes ({})",
                                        a.article_id, bytes, record_limit);
        job.articles.clear();
        job.jsons.clear();
        return false;
      }
      job.jsons.push_back(std::move(json));
    }
    return true;
  }

  void reject(page_job& job, const pipeline::error& e) {
    job.rejection = e.code;
    job.error_message = short_error_message(e.message);
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

  // ---- the sequencer's steps: decide, publish ----

  // The sequencer's decide step, under its decisions' mutex. (When the decider throws, the index
  // may hold some of the page's articles, which the page's dead letter does not publish.)
  void decide(page_job& job) {
    if (!decider || job.rejection || job.failed) return;
    step(page_step::decide, job);
    const auto started = clock_type::now();
    job.corrections = decider->decide(job.articles, job.signatures);
    metrics.observe(stage::lsh, seconds_since(started));
  }

  void publish(const std::shared_ptr<page_job>& job) {
    if (job->learned) {
      guard.run(*job, "correcting", [&] { produce_corrections(job); });  // no page: logged, not dead-lettered
      return;
    }
    if (job->failed) return;  // out of memory on it: never acknowledged
    job->publish_started = clock_type::now();
    const bool rejected = job->rejection.has_value();
    if (!guard.run(*job, "publish",
                   [&] {
                     step(page_step::publish, *job);
                     rejected ? output->produce_dead_letter(job) : publish_articles(job);
                   }) &&
        !job->failed) {
      // Thrown while publishing its articles: the page becomes a dead letter (those of its records
      // already produced stay). Thrown while producing its dead letter: it is not acknowledged.
      if (rejected || !guard.run(*job, "publish", [&] { output->produce_dead_letter(job); })) {
        spdlog::error("the dead letter of partition={} offset={} could not be produced; its page is not acknowledged",
                      job->partition, job->offset);
        job->failed = true;
        fatal = true;
      }
    }
    job->articles.clear();
    job->jsons.clear();
    job->signatures.clear();
    job->encoded_signatures.clear();
    job->corrections.clear();
    ++published;
    output->release(*job);
  }

  void publish_articles(const std::shared_ptr<page_job>& job) {
    for (std::size_t i = 0; i < job->articles.size(); ++i) {
      const auto& a = job->articles[i];
      metrics.article_published(a.kind);
      if (a.duplicate_of) metrics.duplicate(a.similarity.value_or(0) >= 1.0);
      pipeline::published_article p{a.page_id, decided_json(a, std::move(job->jsons[i]))};
      produce_article(a.article_id, p, job, job.get());
      if (decider) published_articles.remember(a.article_id, std::move(p));
    }
    for (std::size_t i = 0; i < job->signatures.size(); ++i) {
      kafka_headers h(rd_kafka_headers_new(1));
      add_header(h.get(), "producer.instance", instance_id);
      for_propagated(job.get(),
                     [&](std::string_view name, std::string_view value) { add_header(h.get(), name, value); });
      output->produce(config.signatures_topic, job->signatures[i].article_id, true,
                      delivery::of_bytes(job, std::move(job->encoded_signatures[i])), std::move(h));
    }
    produce_corrections(job);
  }

  // The job's corrections of articles held; the others are counted as missed. A learned job's
  // records belong to no page, so no page waits for their acknowledgement.
  void produce_corrections(const std::shared_ptr<page_job>& job) {
    std::size_t corrected = 0, missed = 0;
    for (const auto& c : job->corrections) {
      if (const auto a = published_articles.correct(c)) {
        produce_article(c.article_id, *a, job->learned ? nullptr : job, nullptr);
        ++corrected;
      } else {
        ++missed;
      }
    }
    metrics.corrections.Increment(static_cast<double>(corrected));
    metrics.corrections_missed.Increment(static_cast<double>(missed));
  }

  // context: the page whose propagated headers the record carries; none for a correction, which
  // is of an article of an earlier page, weighed (serialize) with no other page's headers.
  void produce_article(const std::string& article_id, const pipeline::published_article& a,
                       const std::shared_ptr<page_job>& job, const page_job* context) {
    kafka_headers h(rd_kafka_headers_new(3));
    for (const auto& [name, value] : article_headers(a.page_id)) add_header(h.get(), name, value);
    for_propagated(context, [&](std::string_view name, std::string_view value) { add_header(h.get(), name, value); });
    output->produce(config.output_topic, article_id, true, delivery::of_article(job, a.json), std::move(h));
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

  // Commits the stored offsets, waiting for the outcome (which the commit callback counts) until
  // `until`, or (outside shutdown()) a stop. A commit not answered by then is left to librdkafka:
  // the pages after the offsets last committed are processed again if it never lands.
  void commit_stored(shutdown_control::time_point until) {
    struct answer {
      impl* self;
      bool given = false;
      static void on(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* offsets, void* opaque) {
        auto& a = *static_cast<answer*>(opaque);
        on_commit(rk, err, offsets, a.self);
        a.given = true;
      }
    } reply{this};
    const kafka_queue answers(rd_kafka_queue_new(consumer.get()));
    if (const auto err = rd_kafka_commit_queue(consumer.get(), nullptr, answers.get(), &answer::on, &reply);
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

  // ---- rebalances ----

  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
                           void* opaque) {
    static_cast<impl*>(opaque)->rebalance(rk, err, partitions);
  }

  void rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions) {
    metrics.rebalances.Increment();
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      spdlog::info("assigned {} partition(s) of {}", partitions->cnt, config.input_topic);
      status.assigned += partitions->cnt;
      ever_assigned = ever_assigned || partitions->cnt > 0;
      if (kafka_error e{rd_kafka_incremental_assign(rk, partitions)}; e)
        spdlog::error("assign failed: {}", rd_kafka_error_string(e.get()));
      // librdkafka keeps an application's pause on a partition across unassign and assign: one
      // paused here before it was lost would come back paused and never be read again.
      if (paused) rd_kafka_pause_partitions(rk, partitions);
      else rd_kafka_resume_partitions(rk, partitions);
      return;
    }
    const bool lost = rd_kafka_assignment_lost(rk) != 0;
    spdlog::info("{} {} partition(s) of {}", lost ? "lost" : "revoked", partitions->cnt, config.input_topic);
    switch (stop.revocation(lost, config.exactly_once)) {
      case revocation_step::nothing: break;  // lost, or the consumer's close after shutdown()'s drain
      case revocation_step::abort_transaction:
        // The transaction holds records and offsets of pages of partitions now another member's:
        // it aborts (at the poll loop's next turn, once they are unassigned), and the partitions
        // kept rewind to their committed offsets.
        spdlog::warn("partitions lost in a transaction: it is aborted");
        txn->partitions_lost();
        break;
      case revocation_step::commit_transaction: txn->commit(stop.revocation_drain_until()); break;
      case revocation_step::drain_and_commit:
        // Finish what was consumed from these partitions, within a bound below the session timeout.
        if (!drain(partitions, stop.revocation_drain_until()))
          spdlog::warn("revoked partitions not drained in time; their last pages will be processed again");
        commit_stored(stop.revocation_commit_until());
        break;
    }
    for (int i = 0; i < partitions->cnt; ++i) tracker.drop(partitions->elems[i].partition);
    status.assigned -= partitions->cnt;
    if (kafka_error e{rd_kafka_incremental_unassign(rk, partitions)}; e)
      spdlog::error("unassign failed: {}", rd_kafka_error_string(e.get()));
  }

  // ---- backpressure ----

  void apply_backpressure() {
    const std::size_t bytes = tracker.pending_bytes();
    const bool over = bytes > config.max_inflight_bytes;
    const bool under = bytes < config.max_inflight_bytes / 2;
    if (paused == over || (paused && !under)) return;
    rd_kafka_topic_partition_list_t* assignment = nullptr;
    if (rd_kafka_assignment(consumer.get(), &assignment) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
    partition_list owned(assignment);
    if (over) rd_kafka_pause_partitions(consumer.get(), owned.get());
    else rd_kafka_resume_partitions(consumer.get(), owned.get());
    paused = over;
    spdlog::debug("{} consumption: {} bytes in flight", paused ? "paused" : "resumed", bytes);
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
    partition_list list(rd_kafka_topic_partition_list_new(static_cast<int>(range.size())));
    for (const auto& [partition, span] : range)
      rd_kafka_topic_partition_list_add(list.get(), config.input_topic.c_str(), partition)->offset = span.first;
    if (const auto err = rd_kafka_assign(consumer.get(), list.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return fail_start(std::string("assign: ") + rd_kafka_err2str(err));
    return true;
  }

  // Every partition of the range was consumed to its end (and all of it acknowledged).
  bool range_done(const offset_range& range) {
    if (tracker.pending_pages() != 0) return false;
    partition_list list(rd_kafka_topic_partition_list_new(static_cast<int>(range.size())));
    for (const auto& [partition, span] : range)
      rd_kafka_topic_partition_list_add(list.get(), config.input_topic.c_str(), partition);
    rd_kafka_position(consumer.get(), list.get());
    for (int i = 0; i < list->cnt; ++i) {
      const auto& e = list->elems[i];
      const auto end = range.at(e.partition).second;
      const auto start = range.at(e.partition).first;
      if (end > start && (e.offset < 0 || e.offset < end)) return false;
    }
    return true;
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
    std::map<std::int32_t, std::int64_t> range_end;
    if (range != nullptr)
      for (const auto& [partition, span] : *range) range_end[partition] = span.second;
    try {
      poll_loop(range, range_end);
    } catch (const std::bad_alloc&) {
      spdlog::critical("out of memory in the poll loop: stopping (exit 1)");
      fatal = true;
    } catch (const std::exception& e) {
      spdlog::critical("poll loop: {}: stopping (exit 1)", e.what());
      fatal = true;
    }
    return shutdown();
  }

  void poll_loop(const offset_range* range, std::map<std::int32_t, std::int64_t>& range_end) {
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
        } else if (range != nullptr && m->offset >= range_end[m->partition]) {
          // past the end of the range: not ours to process
        } else {
          dispatch(m.release());
        }
      }
      rd_kafka_poll(producer.get(), 0);
      offsets->advance();
      apply_backpressure();
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
  std::atomic<std::uint64_t> published{0};  // pages whose records are all produced

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
    spdlog::debug("pages consumed {}, published {}, in flight {} ({} bytes), queued {}, {}, producer queue {}, "
                  "positions{}",
                  metrics.pages_consumed.Value(), published.load(), tracker.pending_pages(), tracker.pending_bytes(), queued,
                  paused ? "paused" : "fetching", rd_kafka_outq_len(producer.get()), positions);
  }

  // Readiness off, stop fetching, finish what is in flight until the shutdown deadline, then
  // (finish_run) give up what is left, commit and leave the group, all by the shutdown's close_by().
  int shutdown() {
    status.ready = false;
    const auto deadline = stop.begin();  // the signatures reader closes meanwhile
    rd_kafka_topic_partition_list_t* assignment = nullptr;
    if (rd_kafka_assignment(consumer.get(), &assignment) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      partition_list owned(assignment);
      rd_kafka_pause_partitions(consumer.get(), owned.get());
    }
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
      if (!closed || (subscribed && !ever_assigned)) park(std::move(consumer));
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
    if (pages == 0 && purged == 0) return code;
    spdlog::warn("stopped with {} page(s) not acknowledged and {} record(s) purged undelivered: their offsets are "
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
