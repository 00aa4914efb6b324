// The dedup evaluation over a sweep of parameters: for each shingle size, threshold and number
// of hashes, the pair precision and recall on planted reprints, hard-negative false positives,
// and recall against exact Jaccard. Used to choose the defaults (docs/design.md, "Choosing the parameters").
//
//   build-bench/bench/broadsheet_dedup_eval [stories] [seed]

#include <cstdio>
#include <cstdlib>
#include <random>

#include "pipeline/lsh.h"
#include "tests/support/evaluation.h"

using namespace broadsheet;

int main(int argc, char** argv) {
  const int stories = argc > 1 ? std::atoi(argv[1]) : 400;
  const std::uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 2025;
  const auto c = testing::make_corpus({.stories = stories, .reprinted = 0.5, .max_reprints = 3,
                                       .hard_negative_pairs = stories / 5, .max_noise = 0.05, .days = 25, .seed = seed});
  std::vector<std::size_t> order(c.articles.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  std::printf("corpus: %zu articles from %d stories, %zu hard-negative story pairs, seed %llu\n\n", c.articles.size(),
              stories, c.hard_negative_stories.size(), static_cast<unsigned long long>(seed));
  std::printf("| shingles | hashes | threshold | bands×rows | precision | recall | hard-neg FP | exact-J recall |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  auto row = [&](pipeline::dedup_options o, const char* unit) {
    const auto e = testing::evaluate(c, o, order, true);
    const auto p = pipeline::dedup_index(o).bands();
    std::printf("| %s %d | %d | %.2f | %d×%d | %.4f | %.4f | %zu | %.4f |\n", unit, o.shingles.n, o.num_hashes,
                o.threshold, p.bands, p.rows, e.precision, e.recall, e.hard_negative_false_positives, e.exact_recall);
    std::fflush(stdout);
    return e;
  };
  for (int n : {3, 4, 5, 6}) {
    for (double t : {0.3, 0.4, 0.5, 0.6, 0.7}) {
      pipeline::dedup_options o;
      o.shingles.n = n;
      o.threshold = t;
      row(o, "char");
    }
  }
  for (int k : {64, 256}) {
    pipeline::dedup_options o;
    o.num_hashes = k;
    row(o, "char");
  }
  for (int n : {1, 2}) {
    pipeline::dedup_options o;
    o.shingles.unit = pipeline::shingle_unit::words;
    o.shingles.n = n;
    row(o, "word");
  }
  const pipeline::dedup_options defaults;
  const auto e = testing::evaluate(c, defaults, order, true);
  std::printf("\ndefault configuration, recall by kind of reprint:\n");
  for (auto [k, r] : e.recall_by_kind) std::printf("  %-15s %.4f\n", testing::to_string(k), r);
  const auto p = pipeline::dedup_index(defaults).bands();
  std::printf("\nS-curve of the default %d bands × %d rows (J, P(candidate)):\n%s", p.bands, p.rows,
              pipeline::describe_s_curve(p).c_str());
  return 0;
}
