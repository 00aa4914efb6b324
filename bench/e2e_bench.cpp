// End-to-end throughput through the embedded broker (librdkafka's mock cluster, real TCP on
// loopback, in this process), next to a passthrough baseline measured in the same run. Rates are
// pages/s and MB/s of input records (key + value, 10^6 bytes), from manual wall-clock time.
//
//   e2e/broadsheet    ingest_worker::run_range over every offset of the input topic: client
//                     creation, index restore from the (empty) signatures topic, consumption, the
//                     pipeline on the pool, dedup, articles and signatures produced and
//                     acknowledged, offsets committed, consumer closed.
//   e2e/passthrough   the same records, consumed with the worker's consumer settings and produced
//                     unchanged (key kept, default partitioner) with its producer settings (both
//                     from make_client_conf), every delivery report awaited, consumer closed. It
//                     commits nothing (the worker's final commit is one round trip). It reads both
//                     topics' metadata before it starts (librdkafka#3202; see passthrough_once).
//   e2e/output_floor  the passthrough's loop producing, for each page, the records broadsheet
//                     produces for it instead of the page: its articles (article JSON, the three
//                     headers) and its signature records (uncompressed, as the worker does),
//                     computed before the benchmark starts. The Kafka work of broadsheet's output
//                     with no pipeline: what broadsheet's throughput could reach if cleaning,
//                     segmenting, signing and deciding cost nothing. It leaves out what the worker
//                     also does on Kafka (tailing the signatures, committing), so it is an upper
//                     bound.
//
// Counters beside the rates: cpu_ms and cores_busy (the process's CPU time per iteration, every
// thread, and that over wall time), first_page_ms (start to the first record consumed), and for
// the worker, from its own metrics: all_processed_ms (start to the last page out of the pool),
// pipeline_ms and lsh_ms (summed per-page stage times per run), ack_wait_ms (mean per page, first
// produce to last acknowledgement), the records it produced and their output_MB.
//
// Both count creating their clients and not destroying them; neither counts starting the broker or
// loading the input, which happen once. Every iteration writes to topics of its own and commits
// to a group of its own: iterations do not see each other's signatures, and nothing accumulates
// in the mock, which keeps about 5 MB per partition and silently drops older records (so the
// input stays well below 4 x 5 MB).
//
// Input: page_count JSON page records built from the fixture pages (tests/data/pages/*.txt),
// round-robin over the fixtures and the partitions, edition dates rising over 20 days in input
// order (a daily feed). Every fixture repeats, so after the first copy of each the dedup index
// sees exact reprints.
//
// The last lines printed are the ratios broadsheet / passthrough and output_floor / passthrough of
// pages/s (the target for the first is >= 0.50).

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>

#include <benchmark/benchmark.h>

#include "pipeline/article_json.h"
#include "pipeline/dedup.h"
#include "pipeline/page_processor.h"
#include "pipeline/version.h"
#include "tests/support/synthetic_news.h"
#include "worker/config.h"
#include "worker/embedded_broker.h"
#include "worker/ingest.h"
#include "worker/kafka.h"
#include "worker/logging.h"
#include "worker/metrics.h"

namespace {

namespace fs = std::filesystem;
using namespace broadsheet::worker;
using clock_type = std::chrono::steady_clock;

constexpr int page_count = 3000;
constexpr int partitions = 4;
constexpr int edition_days = 20;
constexpr int timeout_ms = 120000;  // one iteration; beyond it the benchmark reports an error

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return std::move(s).str();
}

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

struct delivery_count {
  std::size_t delivered = 0;
  std::size_t failed = 0;
};

// Delivery report callback; runs in the thread that polls the producer (rd_kafka_poll, _flush).
void count_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto& c = *static_cast<delivery_count*>(opaque);
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR)
    ++c.delivered;
  else
    ++c.failed;
}

// Calls produce until the producer's queue has room for the record, serving delivery reports
// while it waits; produce's error otherwise.
template <class Produce>
rd_kafka_resp_err_t while_queue_full(rd_kafka_t* producer, Produce produce) {
  for (;;) {
    const rd_kafka_resp_err_t err = produce();
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) return err;
    rd_kafka_poll(producer, 10);
  }
}

// Produces a copy of key and value, waiting while the producer's queue is full.
rd_kafka_resp_err_t produce_copy(rd_kafka_t* producer, const char* topic, std::int32_t partition, const void* key,
                                 std::size_t key_len, const void* value, std::size_t value_len) {
  return while_queue_full(producer, [&] {
    return rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_len),
                             RD_KAFKA_V_VALUE(const_cast<void*>(value), value_len), RD_KAFKA_V_END);
  });
}

// Per benchmark: the measured time and iterations, for the final ratio.
struct run_totals {
  double seconds = 0;
  std::int64_t iterations = 0;
  double cpu_seconds = 0;
  [[nodiscard]] double pages_per_second() const { return seconds > 0 ? iterations * page_count / seconds : 0; }
};

// A record broadsheet produces for a page, for e2e/output_floor.
struct floor_record {
  bool signature = false;  // to the signatures topic, else to the articles topic
  std::string key, value, page_id;
};

// The records broadsheet produces for each page: its articles (undecided: every decision is
// null, a few bytes shorter than a duplicate's), then their signature records.
std::vector<std::vector<floor_record>> output_records(const std::vector<std::string>& pages,
                                                      const worker_config& config) {
  namespace pl = broadsheet::pipeline;
  pl::page_processor processor(config.pipeline);
  pl::signer signer(config.dedup_options);
  std::vector<std::vector<floor_record>> out(pages.size());
  for (std::size_t i = 0; i < pages.size(); ++i) {
    auto page = processor.parse(pages[i]);
    if (!page) throw std::runtime_error("output_floor: page " + std::to_string(i) + " does not parse");
    auto articles = processor.process(*page);
    if (!articles) throw std::runtime_error("output_floor: page " + std::to_string(i) + " is rejected");
    const std::int32_t day = pl::event_day_of(page->edition_date.value_or("")).value_or(0);
    for (const auto& a : *articles) out[i].push_back({false, a.article_id, pl::make_article_json(a).text, a.page_id});
    for (const auto& a : *articles)
      out[i].push_back({true, a.article_id, signer.sign(a.article_id, {day, a.page_id, a.ordinal}, a.body).encode(), {}});
  }
  return out;
}

// The broker, the loaded input and the results. Created and destroyed by main on its thread;
// the benchmarks run on that thread too. Destruction order: the client before the broker.
struct bench_env {
  worker_config config;
  std::optional<embedded_broker> broker;  // destroyed last
  delivery_count loaded;                  // the client's delivery reports (its opaque)
  kafka_handle client;                    // loads the input, then reads watermarks
  std::string bootstrap;
  offset_range range;           // [low, high) of every input partition
  std::size_t input_bytes = 0;  // keys + values
  int next_run = 0;             // suffix of per-iteration topics and groups
  run_totals broadsheet, passthrough, output_floor;
  std::vector<std::vector<floor_record>> floor;  // per input page (its key is "e2e-<index>")

  ~bench_env() {
    client.reset();  // before the broker it talks to
    broker.reset();
  }

  std::string fresh_topic(const std::string& base) {
    const std::string name = base + ".run" + std::to_string(next_run);
    if (const auto reply = broker->control("topic " + name + " " + std::to_string(partitions)); reply != "ok")
      throw std::runtime_error("create topic " + name + ": " + reply);
    return name;
  }

  // Records ever appended to a topic (sum of high watermarks; the mock may have dropped some).
  std::int64_t records(const std::string& topic) {
    std::int64_t total = 0;
    for (int p = 0; p < partitions; ++p) {
      std::int64_t low = 0, high = 0;
      if (rd_kafka_query_watermark_offsets(client.get(), topic.c_str(), p, &low, &high, 10000) ==
          RD_KAFKA_RESP_ERR_NO_ERROR)
        total += high;
    }
    return total;
  }
};

// Which pages: the 18 fixture pages in turn (each text about 167 times: reprint-heavy, the
// band tables crowded), or synthetic pages of 4 stories each from the evaluation's generator
// (distinct stories, 30 % of them reprinted once or twice): closer to a real stream.
enum class input_kind { fixture, synthetic };
input_kind input = input_kind::fixture;

std::string page_record(const std::string& page_id, int day, const std::string& text) {
  char date[24];  // room for any int, so that the compiler sees no truncation
  std::snprintf(date, sizeof date, "2025-03-%02d", day);
  std::string r = R"({"page_id":)";
  broadsheet::pipeline::append_json_string(r, page_id);
  r += R"(,"source":"bench-e2e","edition_date":)";
  broadsheet::pipeline::append_json_string(r, date);
  r += R"(,"text":)";
  broadsheet::pipeline::append_json_string(r, text);
  r += "}";
  return r;
}

std::vector<std::string> synthetic_page_records() {
  constexpr int stories_per_page = 4;
  const auto corpus = broadsheet::testing::make_corpus(
      {.stories = page_count * stories_per_page * 10 / 13, .reprinted = 0.3, .max_reprints = 2,
       .hard_negative_pairs = 200, .days = edition_days, .seed = 7});
  std::vector<std::string> records;
  std::string text;
  for (std::size_t i = 0; i < corpus.articles.size() && records.size() < static_cast<std::size_t>(page_count); ++i) {
    const auto& a = corpus.articles[i];
    text += "# " + a.title + "\n\n";  // a markdown heading, as OCR output has
    for (const char c : a.body) text += c == '\n' ? std::string("\n\n") : std::string(1, c);
    text += "\n\n";
    if ((i + 1) % stories_per_page == 0) {
      const int n = static_cast<int>(records.size());
      records.push_back(page_record("e2e-synthetic-" + std::to_string(n), 1 + n * edition_days / page_count, text));
      text.clear();
    }
  }
  if (records.size() != static_cast<std::size_t>(page_count)) throw std::runtime_error("too few synthetic stories");
  return records;
}

std::vector<std::string> page_records() {
  if (input == input_kind::synthetic) return synthetic_page_records();
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(BROADSHEET_TEST_DATA) / "pages"))
    if (e.path().extension() == ".txt") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw std::runtime_error("no fixture pages under " BROADSHEET_TEST_DATA "/pages");
  std::vector<std::string> texts;
  for (const auto& f : files) texts.push_back(read_file(f));

  std::vector<std::string> records;
  records.reserve(page_count);
  for (int i = 0; i < page_count; ++i) {
    const std::size_t f = static_cast<std::size_t>(i) % files.size();
    const int day = 1 + i * edition_days / page_count;
    records.push_back(page_record("e2e-" + std::to_string(i) + "-" + files[f].stem().string(), day, texts[f]));
  }
  return records;
}

// Starts the broker, produces the input once (idempotent producer, flushed) and reads its range.
void set_up(bench_env& env) {
  env.config.broker_partitions = partitions;
  env.config.worker_id = "bench";
  env.config.log_level = "warn";
  auto broker = embedded_broker::start(env.config, 1);
  if (!broker) throw std::runtime_error("embedded broker: " + broker.error());
  env.broker.emplace(std::move(*broker));
  env.bootstrap = env.broker->bootstrap();

  auto conf = make_client_conf(env.config, client_role::producer, env.bootstrap);
  if (!conf) throw std::runtime_error(conf.error());
  rd_kafka_conf_set_opaque(conf->get(), &env.loaded);
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &count_delivery);
  auto client = make_client(std::move(*conf), RD_KAFKA_PRODUCER);
  if (!client) throw std::runtime_error(client.error());
  env.client = std::move(*client);

  const auto records = page_records();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::string key = "e2e-" + std::to_string(i);
    const auto err =
        produce_copy(env.client.get(), env.config.input_topic.c_str(), static_cast<std::int32_t>(i % partitions),
                     key.data(), key.size(), records[i].data(), records[i].size());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) throw std::runtime_error(std::string("load: ") + rd_kafka_err2str(err));
    env.input_bytes += key.size() + records[i].size();
    rd_kafka_poll(env.client.get(), 0);
  }
  if (rd_kafka_flush(env.client.get(), timeout_ms) != RD_KAFKA_RESP_ERR_NO_ERROR || env.loaded.failed != 0 ||
      env.loaded.delivered != records.size())
    throw std::runtime_error("load: " + std::to_string(env.loaded.delivered) + " of " + std::to_string(records.size()) +
                             " pages delivered");

  env.floor = output_records(records, env.config);

  std::int64_t total = 0;
  for (int p = 0; p < partitions; ++p) {
    std::int64_t low = 0, high = 0;
    if (const auto err =
            rd_kafka_query_watermark_offsets(env.client.get(), env.config.input_topic.c_str(), p, &low, &high, 10000);
        err != RD_KAFKA_RESP_ERR_NO_ERROR)
      throw std::runtime_error(std::string("watermarks: ") + rd_kafka_err2str(err));
    env.range[p] = {low, high};
    total += high - low;
  }
  if (total != page_count)
    throw std::runtime_error("the input topic holds " + std::to_string(total) + " records, not " +
                             std::to_string(page_count) + " (the mock dropped some?)");
}

// CPU seconds of this whole process so far (every thread: the worker's, librdkafka's, the
// embedded broker's), to set beside wall time: cores_busy = CPU / wall shows whether a run is
// bound by the two cores or waits on something.
double process_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  const auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

void set_rates(benchmark::State& state, const bench_env& env, const run_totals& totals) {
  state.counters["pages/s"] = totals.pages_per_second();
  state.counters["MB/s"] = totals.seconds > 0 ? totals.iterations * env.input_bytes / 1e6 / totals.seconds : 0;
  state.counters["pages"] = page_count;
  state.counters["input_MB"] = env.input_bytes / 1e6;
  state.counters["cores_busy"] = totals.seconds > 0 ? totals.cpu_seconds / totals.seconds : 0;
  // CPU per iteration, every thread: what the 3,000 pages cost, whatever the wall time. Steadier
  // than pages/s on a shared host, and what a change to the per-page work moves.
  state.counters["cpu_ms"] = totals.iterations > 0 ? totals.cpu_seconds / static_cast<double>(totals.iterations) * 1e3 : 0;
}

// Per-page seconds the worker spent in each stage (its broadsheet_stage_duration_seconds
// histogram): sums, and the count of produce_ack observations.
struct stage_totals {
  std::map<std::string, double> seconds;
  double acknowledged_pages = 0;
};

stage_totals collect_stages(const worker_metrics& metrics) {
  stage_totals out;
  for (const auto& family : metrics.registry()->Collect()) {
    if (family.name != "broadsheet_stage_duration_seconds") continue;
    for (const auto& m : family.metric) {
      for (const auto& label : m.label) {
        if (label.name != "stage") continue;
        out.seconds[label.value] += m.histogram.sample_sum;
        if (label.value == "produce_ack") out.acknowledged_pages += static_cast<double>(m.histogram.sample_count);
      }
    }
  }
  return out;
}

// dedup false: the same run with near-duplicate detection off (no index, no signatures topic),
// to show what the decisions cost on this reprint-heavy input.
void e2e_broadsheet(benchmark::State& state, bench_env* env, bool dedup) {
  run_totals totals;
  double articles = 0, signatures = 0, dead_letters = 0, output_bytes = 0, startup = 0, processed = 0;
  stage_totals stages;
  for (auto _ : state) {
    ++env->next_run;
    worker_config c = env->config;
    c.dedup = dedup;
    c.group_id = "bench.broadsheet.run" + std::to_string(env->next_run);
    c.output_topic = env->fresh_topic("articles");
    c.signatures_topic = env->fresh_topic("articles.signatures");
    c.dlq_topic = env->fresh_topic("pages.dlq");
    worker_metrics metrics;  // outlives the worker
    ingest_worker worker(c, env->bootstrap, &metrics);

    // Watches the worker's counters: when the first page was consumed and when the pool had
    // processed every page; stops a worker that never finishes the range.
    std::atomic<bool> done{false}, timed_out{false};
    double first_consumed = 0, all_processed = 0;
    const auto started = clock_type::now();
    const double cpu_started = process_cpu_seconds();
    std::thread observer([&] {
      const auto deadline = started + std::chrono::milliseconds(timeout_ms);
      while (!done) {
        if (first_consumed == 0 && metrics.pages_consumed.Value() > 0) first_consumed = seconds_since(started);
        if (all_processed == 0 && metrics.pages_processed.Value() >= page_count) all_processed = seconds_since(started);
        if (clock_type::now() > deadline && !timed_out) {
          timed_out = true;
          worker.stop();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
    const int rc = worker.run_range(env->range);
    const double seconds = seconds_since(started);
    const double cpu = process_cpu_seconds() - cpu_started;
    done = true;
    observer.join();

    state.SetIterationTime(seconds);
    if (rc != 0 || timed_out) {
      state.SkipWithError(timed_out ? "timed out" : "run_range failed");
      break;
    }
    totals.seconds += seconds;
    totals.cpu_seconds += cpu;
    ++totals.iterations;
    startup += first_consumed;
    processed += all_processed;
    articles += static_cast<double>(env->records(c.output_topic));
    signatures += static_cast<double>(env->records(c.signatures_topic));
    dead_letters += static_cast<double>(env->records(c.dlq_topic));
    output_bytes += metrics.output_bytes.Value();
    const auto run_stages = collect_stages(metrics);
    for (const auto& [name, sum] : run_stages.seconds) stages.seconds[name] += sum;
    stages.acknowledged_pages += run_stages.acknowledged_pages;
  }  // the worker is destroyed here, outside the measured time
  if (totals.iterations == 0) return;
  if (dedup) env->broadsheet = totals;
  set_rates(state, *env, totals);
  const double n = static_cast<double>(totals.iterations);
  state.counters["articles"] = articles / n;
  state.counters["signatures"] = signatures / n;
  state.counters["dead_letters"] = dead_letters / n;
  state.counters["output_MB"] = output_bytes / n / 1e6;  // keys + values produced, uncompressed
  // Wall-clock milliseconds from the start of run_range to the first page consumed, and to the
  // last page processed by the pool.
  state.counters["first_page_ms"] = startup / n * 1e3;
  state.counters["all_processed_ms"] = processed / n * 1e3;
  // Summed per-page stage times (thread time on the pool, or the sequencer for lsh), per run.
  const double pipeline =
      stages.seconds["parse"] + stages.seconds["clean"] + stages.seconds["segment"] + stages.seconds["signature"];
  state.counters["pipeline_ms"] = pipeline / n * 1e3;
  state.counters["lsh_ms"] = stages.seconds["lsh"] / n * 1e3;
  // Mean per page, from its first produce to its last acknowledgement.
  state.counters["ack_wait_ms"] =
      stages.acknowledged_pages > 0 ? stages.seconds["produce_ack"] / stages.acknowledged_pages * 1e3 : 0;
}

struct passthrough_times {
  double seconds = 0;       // the whole run
  double first_record = 0;  // to the first record consumed
};

// The page index in a bench input key, "e2e-<index>".
std::size_t page_index(const rd_kafka_message_t& m) {
  const std::string_view key(static_cast<const char*>(m.key), m.key_len);
  return static_cast<std::size_t>(std::stoul(std::string(key.substr(key.find('-') + 1))));
}

// Produces the records broadsheet produces for the page m holds (env.floor), waiting while the
// producer's queue is full; their count is added to produced.
rd_kafka_resp_err_t produce_floor(bench_env& env, rd_kafka_t* producer, rd_kafka_topic_t* articles,
                                  rd_kafka_topic_t* signatures, const rd_kafka_message_t& m, std::size_t& produced) {
  static const std::string instance = "bench-output-floor";
  for (const auto& r : env.floor.at(page_index(m))) {
    rd_kafka_headers_t* h = rd_kafka_headers_new(3);
    if (r.signature) {
      rd_kafka_header_add(h, "producer.instance", -1, instance.data(), static_cast<ssize_t>(instance.size()));
    } else {
      const std::string_view version = broadsheet::pipeline::pipeline_version;
      rd_kafka_header_add(h, "page_id", -1, r.page_id.data(), static_cast<ssize_t>(r.page_id.size()));
      rd_kafka_header_add(h, "pipeline_version", -1, version.data(), static_cast<ssize_t>(version.size()));
      rd_kafka_header_add(h, "content-type", -1, "application/json", -1);
    }
    const auto err = while_queue_full(producer, [&] {
      return rd_kafka_producev(
          producer, RD_KAFKA_V_RKT(r.signature ? signatures : articles), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(r.key.data(), r.key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(r.value.data()), r.value.size()), RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_END);
    });
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_headers_destroy(h);  // not produced: still ours
      return err;
    }
    ++produced;
  }
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

struct topic_handle_deleter {
  void operator()(rd_kafka_topic_t* t) const { rd_kafka_topic_destroy(t); }
};
using topic_handle = std::unique_ptr<rd_kafka_topic_t, topic_handle_deleter>;

// One passthrough run: its times, or an error. With signatures_topic, an output_floor run: each
// page's broadsheet records instead of the page, its signature records produced uncompressed.
tl::expected<passthrough_times, std::string> passthrough_once(bench_env& env, const worker_config& config,
                                                              const std::string& output_topic,
                                                              const std::string& signatures_topic = {}) {
  // Destruction order: consumer, producer (both already closed/flushed), then the counts the
  // producer's callback writes to.
  delivery_count deliveries;
  kafka_handle producer;
  kafka_handle consumer;

  const auto started = clock_type::now();
  auto pconf = make_client_conf(config, client_role::producer, env.bootstrap);
  if (!pconf) return tl::make_unexpected(pconf.error());
  rd_kafka_conf_set_opaque(pconf->get(), &deliveries);
  rd_kafka_conf_set_dr_msg_cb(pconf->get(), &count_delivery);
  auto p = make_client(std::move(*pconf), RD_KAFKA_PRODUCER);
  if (!p) return tl::make_unexpected(p.error());
  producer = std::move(*p);
  auto cconf = make_client_conf(config, client_role::consumer, env.bootstrap);
  if (!cconf) return tl::make_unexpected(cconf.error());
  auto c = make_client(std::move(*cconf), RD_KAFKA_CONSUMER);
  if (!c) return tl::make_unexpected(c.error());
  consumer = std::move(*c);
  rd_kafka_poll_set_consumer(consumer.get());
  // The metadata of both topics first, as the worker does for its output topic (create_clients):
  // a topic a client learns of after its first connection otherwise waits for librdkafka's
  // once-a-second lookup of unknown topics (confluentinc/librdkafka#3202), and this baseline
  // would measure that second instead of the clients' throughput.
  if (auto n = partition_count(producer.get(), output_topic, 10000); !n) return tl::make_unexpected(n.error());
  if (auto n = partition_count(consumer.get(), config.input_topic, 10000); !n) return tl::make_unexpected(n.error());
  const bool floor = !signatures_topic.empty();
  topic_handle articles, signatures;  // destroyed before the producer (declared after it)
  if (floor) {
    if (auto n = partition_count(producer.get(), signatures_topic, 10000); !n) return tl::make_unexpected(n.error());
    articles.reset(rd_kafka_topic_new(producer.get(), output_topic.c_str(), nullptr));
    rd_kafka_topic_conf_t* tconf = rd_kafka_topic_conf_new();
    std::array<char, 256> err{};
    if (rd_kafka_topic_conf_set(tconf, "compression.codec", "none", err.data(), err.size()) != RD_KAFKA_CONF_OK) {
      rd_kafka_topic_conf_destroy(tconf);
      return tl::make_unexpected(std::string("topic conf: ") + err.data());
    }
    signatures.reset(rd_kafka_topic_new(producer.get(), signatures_topic.c_str(), tconf));
  }

  partition_list list(rd_kafka_topic_partition_list_new(static_cast<int>(env.range.size())));
  std::map<std::int32_t, std::int64_t> remaining;  // partition → end, while not reached
  for (const auto& [partition, span] : env.range) {
    rd_kafka_topic_partition_list_add(list.get(), config.input_topic.c_str(), partition)->offset = span.first;
    if (span.second > span.first) remaining[partition] = span.second;
  }
  if (const auto err = rd_kafka_assign(consumer.get(), list.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return tl::make_unexpected(std::string("assign: ") + rd_kafka_err2str(err));

  std::size_t consumed = 0, produced = 0;
  passthrough_times times;
  const auto deadline = started + std::chrono::milliseconds(timeout_ms);
  while (!remaining.empty()) {
    if (clock_type::now() > deadline) return tl::make_unexpected(std::string("timed out"));
    kafka_message m(rd_kafka_consumer_poll(consumer.get(), 50));
    rd_kafka_poll(producer.get(), 0);
    if (!m) continue;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;  // transient consumer errors, as the worker logs them
    const auto end = env.range.at(m->partition).second;
    if (m->offset >= end) continue;
    if (consumed == 0) times.first_record = seconds_since(started);
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (floor) {
      err = produce_floor(env, producer.get(), articles.get(), signatures.get(), *m, produced);
    } else {
      err = produce_copy(producer.get(), output_topic.c_str(), RD_KAFKA_PARTITION_UA, m->key, m->key_len, m->payload,
                         m->len);
      ++produced;
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return tl::make_unexpected(std::string("produce: ") + rd_kafka_err2str(err));
    ++consumed;
    if (m->offset + 1 >= end) remaining.erase(m->partition);
  }
  if (const auto err = rd_kafka_flush(producer.get(), timeout_ms); err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return tl::make_unexpected(std::string("flush: ") + rd_kafka_err2str(err));
  rd_kafka_consumer_close(consumer.get());
  times.seconds = seconds_since(started);

  if (consumed != page_count || deliveries.delivered != produced || deliveries.failed != 0)
    return tl::make_unexpected("consumed " + std::to_string(consumed) + ", produced " + std::to_string(produced) +
                               ", delivered " +
                               std::to_string(deliveries.delivered) + ", failed " + std::to_string(deliveries.failed));
  return times;
}

// floor false: e2e/passthrough; true: e2e/output_floor.
void e2e_passthrough(benchmark::State& state, bench_env* env, bool floor) {
  run_totals totals;
  double first_record = 0;
  for (auto _ : state) {
    ++env->next_run;
    worker_config c = env->config;
    c.group_id = std::string(floor ? "bench.floor.run" : "bench.passthrough.run") + std::to_string(env->next_run);
    const std::string output = env->fresh_topic(floor ? "articles" : "pages.passthrough");
    const std::string signatures = floor ? env->fresh_topic("articles.signatures") : std::string();
    const double cpu_started = process_cpu_seconds();
    const auto times = passthrough_once(*env, c, output, signatures);
    totals.cpu_seconds += process_cpu_seconds() - cpu_started;
    if (!times) {
      state.SkipWithError(times.error().c_str());
      break;
    }
    state.SetIterationTime(times->seconds);
    totals.seconds += times->seconds;
    first_record += times->first_record;
    ++totals.iterations;
  }
  if (totals.iterations == 0) return;
  (floor ? env->output_floor : env->passthrough) = totals;
  set_rates(state, *env, totals);
  state.counters["first_page_ms"] = first_record / static_cast<double>(totals.iterations) * 1e3;
}

}  // namespace

int main(int argc, char** argv) {
  // --pages=synthetic (our own option, removed before Google Benchmark sees the arguments).
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) != "--pages=synthetic") continue;
    input = input_kind::synthetic;
    for (int j = i; j + 1 < argc; ++j) argv[j] = argv[j + 1];
    --argc;
    break;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  setup_logging("warn", "text");

  int status = 0;
  {
    bench_env env;
    try {
      set_up(env);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "e2e bench: %s\n", e.what());
      return 1;
    }
    benchmark::RegisterBenchmark("e2e/broadsheet", &e2e_broadsheet, &env, true)
        ->Iterations(3)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("e2e/broadsheet_no_dedup", &e2e_broadsheet, &env, false)
        ->Iterations(3)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("e2e/passthrough", &e2e_passthrough, &env, false)
        ->Iterations(3)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("e2e/output_floor", &e2e_passthrough, &env, true)
        ->Iterations(3)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
    try {
      benchmark::RunSpecifiedBenchmarks();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "e2e bench: %s\n", e.what());
      status = 1;
    }
    if (env.broadsheet.iterations > 0 && env.passthrough.iterations > 0) {
      const double b = env.broadsheet.pages_per_second(), p = env.passthrough.pages_per_second();
      std::printf("e2e ratio broadsheet/passthrough: %.2f (%.0f vs %.0f pages/s; target >= 0.50)\n", b / p, b, p);
    }
    if (env.output_floor.iterations > 0 && env.passthrough.iterations > 0) {
      const double f = env.output_floor.pages_per_second(), p = env.passthrough.pages_per_second();
      std::printf("e2e ratio output_floor/passthrough: %.2f (%.0f vs %.0f pages/s)\n", f / p, f, p);
    }
  }  // clients, then the broker
  benchmark::Shutdown();
  return status;
}
