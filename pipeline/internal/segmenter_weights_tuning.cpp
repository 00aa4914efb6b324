// Weights read from "name value" lines: the weights of a build for fitting them
// (segmenter_weights.h, BROADSHEET_TUNABLE_WEIGHTS), read once from the file SEGMENTER_WEIGHTS
// names. A normal build compiles this too but reads its weights from the header alone.
#include <array>
#include <cstdlib>
#include <fstream>
#include <istream>
#include <string>
#include <string_view>
#include <utility>

#include "pipeline/internal/segmenter_weights.h"

namespace broadsheet::pipeline::internal {

namespace {

// Every weight by its name in the struct.
constexpr std::array<std::pair<std::string_view, double weights::*>, 44> fields{{
    {"dateline_next", &weights::dateline_next},
    {"dateline_near", &weights::dateline_near},
    {"byline", &weights::byline},
    {"subtitle", &weights::subtitle},
    {"kicker", &weights::kicker},
    {"phrases_parted", &weights::phrases_parted},
    {"column_tag", &weights::column_tag},
    {"markdown_top", &weights::markdown_top},
    {"closing_before", &weights::closing_before},
    {"wide_gap", &weights::wide_gap},
    {"photo_beside", &weights::photo_beside},
    {"length", &weights::length},
    {"cohesion", &weights::cohesion},
    {"unfinished_before", &weights::unfinished_before},
    {"clause_title", &weights::clause_title},
    {"label_first", &weights::label_first},
    {"parallel", &weights::parallel},
    {"notice_title", &weights::notice_title},
    {"enumerated", &weights::enumerated},
    {"inside_notice", &weights::inside_notice},
    {"two_headlines", &weights::two_headlines},
    {"bias", &weights::bias},
    {"next_lead", &weights::next_lead},
    {"recent_text", &weights::recent_text},
    {"page_start", &weights::page_start},
    {"first_part_next", &weights::first_part_next},
    {"own_lead", &weights::own_lead},
    {"close_bias", &weights::close_bias},
    {"close_cohesion", &weights::close_cohesion},
    {"close_recent", &weights::close_recent},
    {"close_against_page", &weights::close_against_page},
    {"story_left", &weights::story_left},
    {"cut_dateline", &weights::cut_dateline},
    {"cut_closing_before", &weights::cut_closing_before},
    {"cut_continuation", &weights::cut_continuation},
    {"cut_names_next", &weights::cut_names_next},
    {"cut_cohesion", &weights::cut_cohesion},
    {"cut_uncued", &weights::cut_uncued},
    {"cut_bias", &weights::cut_bias},
    {"drop_label_at_end", &weights::drop_label_at_end},
    {"untitled_story", &weights::untitled_story},
    {"untitled_dated", &weights::untitled_dated},
    {"anchor_open", &weights::anchor_open},
    {"story_left_share", &weights::story_left_share},
}};

// Every weight is a double and has its line above.
static_assert(sizeof(weights) == fields.size() * sizeof(double), "a weight is missing from fields");

}  // namespace

weights read_weights(std::istream& in) {
  weights w;
  std::string name;
  double value = 0;
  while (in >> name >> value) {
    for (const auto& [field, member] : fields) {
      if (field == name) w.*member = value;
    }
  }
  return w;
}

const weights& tunable_weights() {
  static const weights w = [] {
    const char* path = std::getenv("SEGMENTER_WEIGHTS");
    if (path == nullptr) return weights{};
    std::ifstream in(path);
    return read_weights(in);
  }();
  return w;
}

}  // namespace broadsheet::pipeline::internal
