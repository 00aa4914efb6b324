// Near-duplicate detection benchmarks (one core):
//   dedup/signature/K   dedup normalisation + shingles + MinHash, MB/s of article body text
//   dedup/add_1M        insert + query (+ link, + evict one) per second with 1,000,000 articles
//                       held; counter bytes_per_article = index memory / articles held
//   dedup/add_10k       the same with 10,000 held (in cache): the computation alone

#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <random>

#include "pipeline/article.h"
#include "pipeline/dedup.h"
#include "tests/support/synthetic_news.h"

namespace {

using namespace broadsheet::pipeline;

const broadsheet::testing::corpus& bodies() {
  static const auto c = broadsheet::testing::make_corpus({.stories = 2000, .reprinted = 0.3, .seed = 5});
  return c;
}

void signature(benchmark::State& state) {
  dedup_options o;
  o.num_hashes = static_cast<int>(state.range(0));
  signer s(o);
  const auto& c = bodies();
  std::size_t bytes = 0;
  for (const auto& a : c.articles) bytes += a.body.size();
  for (auto _ : state) {
    for (const auto& a : c.articles) benchmark::DoNotOptimize(s.sign(a.article_id, a.key, a.body));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["articles/s"] = benchmark::Counter(static_cast<double>(state.iterations() * c.articles.size()),
                                                    benchmark::Counter::kIsRate);
  state.counters["avg_body_bytes"] = static_cast<double>(bytes) / static_cast<double>(c.articles.size());
}
BENCHMARK(signature)->Name("dedup/signature")->Arg(64)->Arg(128)->Arg(256)->Unit(benchmark::kMillisecond);

signature_record random_record(std::mt19937_64& rng, std::uint64_t n, int k) {
  signature_record r;
  r.key = order_key{static_cast<std::int32_t>(19000 + n / 20000), "bench-page-" + std::to_string(n / 8),
                    static_cast<int>(n % 8) + 1};
  r.article_id = make_article_id(r.key.page_id, r.key.ordinal);
  r.content_hash = rng();
  r.normalized_chars = 600;
  r.signature.resize(static_cast<std::size_t>(k));
  for (auto& v : r.signature) v = static_cast<std::uint32_t>(rng());
  return r;
}

// One index per size held, filled on first use and kept for the later runs of that size.
struct filled_index {
  dedup_index index;
  std::mt19937_64 rng{9};
  std::uint64_t next = 0;
};

void add_held(benchmark::State& state) {
  const auto held = static_cast<std::uint64_t>(state.range(0));
  dedup_options o;
  o.capacity = held;
  o.horizon_days = 100000;
  static std::map<std::uint64_t, std::unique_ptr<filled_index>> indexes;
  auto& filled = indexes[held];
  if (!filled) {
    filled = std::make_unique<filled_index>(filled_index{dedup_index(o)});
    for (; filled->next < held; ++filled->next) {
      filled->index.add(random_record(filled->rng, filled->next, o.num_hashes));
    }
  }
  auto& [index, rng, next] = *filled;
  // Records made ahead, so that the loop times the index alone; a small batch, so that they are
  // still in cache when added, as in the worker, where a record is added just after it is made.
  constexpr int batch_size = 1000;
  std::vector<signature_record> batch;
  for (int i = 0; i < batch_size; ++i) batch.push_back(random_record(rng, next++, o.num_hashes));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(index.add(batch[i]));
    if (++i == batch.size()) {
      state.PauseTiming();
      batch.clear();
      for (int j = 0; j < batch_size; ++j) batch.push_back(random_record(rng, next++, o.num_hashes));
      i = 0;
      state.ResumeTiming();
    }
  }
  state.counters["adds/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  const auto stats = index.stats();
  state.counters["held"] = static_cast<double>(stats.articles);
  state.counters["bytes_per_article"] = static_cast<double>(stats.memory_bytes) / static_cast<double>(stats.articles);
  state.counters["bands"] = index.bands().bands;
  state.counters["rows"] = index.bands().rows;
}
BENCHMARK(add_held)->Name("dedup/add_1M")->Arg(1'000'000)->Unit(benchmark::kMicrosecond)->Iterations(200000);
BENCHMARK(add_held)->Name("dedup/add_1M_long")->Arg(1'000'000)->Unit(benchmark::kMicrosecond)->Iterations(2000000);
// The same with 10,000 articles held, all in cache: the index's computation without the memory
// stalls of a large one.
BENCHMARK(add_held)->Name("dedup/add_10k")->Arg(10'000)->Unit(benchmark::kMicrosecond)->Iterations(200000);

}  // namespace
// Filling an empty index with 1,000,000 records, as a worker's restore from the signatures
// topic does: Arg 0 grows the index on the way, Arg 1 reserves room first (the worker does, from
// the topic's record count). Records are made in batches of 1,000 outside the timing.
void fill(benchmark::State& state) {
  dedup_options o;
  o.capacity = 1'000'000;
  o.horizon_days = 100000;
  for (auto _ : state) {
    state.PauseTiming();
    auto index = std::make_unique<dedup_index>(o);
    std::mt19937_64 rng(11);
    std::vector<signature_record> batch;
    state.ResumeTiming();
    if (state.range(0) != 0) index->reserve(o.capacity);
    for (std::uint64_t n = 0; n < o.capacity;) {
      state.PauseTiming();
      batch.clear();
      for (int j = 0; j < 1000; ++j) batch.push_back(random_record(rng, n + j, o.num_hashes));
      state.ResumeTiming();
      for (const auto& r : batch) benchmark::DoNotOptimize(index->add(r));
      n += batch.size();
    }
    state.PauseTiming();
    index.reset();
    state.ResumeTiming();
  }
  state.counters["adds/s"] = benchmark::Counter(static_cast<double>(state.iterations() * o.capacity),
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(fill)->Name("dedup/fill_1M")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_MAIN();
