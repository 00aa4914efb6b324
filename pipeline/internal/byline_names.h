#pragma once
// byline_names: reading a byline's names by their roles, which the dateline, byline line, photo
// credit and closing line recognisers share. A role is a keyword (记者, 通讯员, 见习记者, 摄影, …)
// or a head noun after a few words of the paper's own ("本报融媒体记者"); names are read between
// roles rather than between spaces, so "记者郭树勋通讯员赵小平" (a byline whose layout spaces were
// lost in a hard wrap) still parses. Internal to those recognisers.

#include <cstddef>
#include <cstring>
#include <string_view>

#include "pipeline/byline.h"

namespace broadsheet::pipeline::internal {

enum class role { reporter, correspondent, photographer, author };

// A role where a token starts: a keyword, or up to three Han characters of a paper's own words
// before a head noun ("本报驻站记者", "本刊见习通讯员", "特约撰稿人"), after "本报" or "本刊" or,
// without them, only where a space or the end follows the head: a name glued to a role
// ("郭明通讯员赵小青"), a place before it ("网点记者从会上获悉") or a sentence's words ("告诉本报记者，…")
// are no role. Right after a name (glued_to_a_name), only a keyword or a role of the paper's own.
// Returns the role's bytes, 0 when there is none.
struct role_match {
  std::size_t size = 0;
  role r = role::reporter;
};
inline constexpr bool glued_to_a_name = true;
[[nodiscard]] role_match role_at(std::string_view text, bool after_name = false);

// How parse_names reads its text.
struct name_rules {
  bool require_keyword = false;  // the text must start with a role keyword
  // A line's only run of names, five or six Han characters, is two names whose space was lost
  // ("本报记者周明远许安然"): only on a byline line, where nothing but names follows the keyword.
  bool glued_pairs = false;
};

// Parses "记者甲 通讯员乙 丙" into b. Every token must be a role keyword or a name of 2 to 4 Han
// characters (up to 8 with a middle dot, as in transliterated names; two names of 5 or 6
// characters together under rules.glued_pairs). Returns false otherwise.
[[nodiscard]] bool parse_names(std::string_view text, role default_role, name_rules rules, byline& b);

// t without a final "整理" or "采访整理" (compiled, interviewed and compiled by) and the spaces
// before it: the names of who compiled a text ("本报记者甲整理").
[[nodiscard]] inline std::string_view without_compiled(std::string_view t) {
  // Every line is asked: six bytes compared in place, not through ends_with.
  constexpr std::string_view compiled = "整理";
  if (t.size() < compiled.size() ||
      std::memcmp(t.data() + t.size() - compiled.size(), compiled.data(), compiled.size()) != 0) {
    return t;
  }
  t.remove_suffix(compiled.size());
  if (t.ends_with("采访")) t.remove_suffix(6);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return t;
}

}  // namespace broadsheet::pipeline::internal
