#include "pipeline/lsh.h"

#include <cmath>
#include <cstdio>

namespace broadsheet::pipeline {

double candidate_probability(double j, lsh_params p) noexcept {
  if (p.bands <= 0 || p.rows <= 0) return 0;
  return 1.0 - std::pow(1.0 - std::pow(j, p.rows), p.bands);
}

namespace {

double false_candidate_area(double threshold, lsh_params p) {
  constexpr int steps = 200;
  double area = 0;
  for (int i = 0; i < steps; ++i) area += candidate_probability(threshold * (i + 0.5) / steps, p);
  return area * threshold / steps;
}

}  // namespace

lsh_params choose_lsh_params(double threshold, int num_hashes, double min_recall) noexcept {
  lsh_params best{}, best_recall{};
  double best_area = 1e9, best_p = -1;
  for (int rows = 1; rows <= num_hashes; ++rows) {
    const lsh_params p{num_hashes / rows, rows};
    const double at_threshold = candidate_probability(threshold, p);
    if (at_threshold > best_p) { best_p = at_threshold; best_recall = p; }
    if (at_threshold < min_recall) continue;
    const double area = false_candidate_area(threshold, p);
    if (area < best_area) { best_area = area; best = p; }
  }
  return best.bands > 0 ? best : best_recall;
}

std::string describe_s_curve(lsh_params p) {
  std::string out;
  char line[96];
  for (double j : {0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95}) {
    std::snprintf(line, sizeof line, "| %.2f | %.4f |\n", j, candidate_probability(j, p));
    out += line;
  }
  return out;
}

}  // namespace broadsheet::pipeline
