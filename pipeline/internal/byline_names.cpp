#include "pipeline/internal/byline_names.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "pipeline/char_class.h"
#include "pipeline/internal/utf8.h"

namespace broadsheet::pipeline::internal {

namespace {

struct role_keyword {
  std::string_view text;
  role r;
};

// Longest first, so that "见习记者" wins over "记者".
constexpr std::array<role_keyword, 17> role_keywords{{
    {"本报特约记者", role::reporter},
    {"本报通讯员", role::correspondent},
    {"特约通讯员", role::correspondent},
    {"本报记者", role::reporter},
    {"特约记者", role::reporter},
    {"见习记者", role::reporter},
    {"实习记者", role::reporter},
    {"首席记者", role::reporter},
    {"摄影记者", role::photographer},
    {"全媒体记者", role::reporter},
    {"融媒记者", role::reporter},
    {"通讯员", role::correspondent},
    {"实习生", role::reporter},
    {"评论员", role::author},
    {"记者", role::reporter},
    {"作者", role::author},
    {"摄影", role::photographer},
}};

// The head nouns of roles: what the job is, whatever a paper prints before it ("本报特派记者",
// "本报融媒体记者", "特约撰稿人"). Longest first, as above.
constexpr std::array<role_keyword, 6> role_heads{{
    {"摄影记者", role::photographer},
    {"通讯员", role::correspondent},
    {"实习生", role::reporter},
    {"撰稿人", role::author},
    {"评论员", role::author},
    {"记者", role::reporter},
}};

constexpr bool three_byte_first(std::string_view text) {
  return text.size() >= 3 && (static_cast<unsigned char>(text[0]) & 0xF0u) == 0xE0u;
}
static_assert(std::all_of(role_keywords.begin(), role_keywords.end(),
                          [](const role_keyword& k) { return three_byte_first(k.text); }) &&
                  std::all_of(role_heads.begin(), role_heads.end(),
                              [](const role_keyword& k) { return three_byte_first(k.text); }),
              "first_code_point decodes a three-byte first character");

// The first character of a keyword, all Han (three bytes in UTF-8).
constexpr char32_t first_code_point(std::string_view text) {
  const auto byte = [&](std::size_t n) { return static_cast<char32_t>(static_cast<unsigned char>(text[n])); };
  return ((byte(0) & 0x0Fu) << 12) | ((byte(1) & 0x3Fu) << 6) | (byte(2) & 0x3Fu);
}

// The first characters of the role keywords and of the head nouns: a text position is compared
// with them only where one of them starts with its character.
template <std::size_t n>
constexpr std::array<char32_t, n> firsts_of(const std::array<role_keyword, n>& words) {
  std::array<char32_t, n> firsts{};
  for (std::size_t k = 0; k < n; ++k) firsts[k] = first_code_point(words[k].text);
  return firsts;
}
constexpr auto keyword_firsts = firsts_of(role_keywords);
constexpr auto head_firsts = firsts_of(role_heads);

// Bit c % 256 is set for every c of firsts: one test passes over most other characters.
template <std::size_t n>
constexpr std::array<std::uint64_t, 4> bits_of(const std::array<char32_t, n>& firsts) {
  std::array<std::uint64_t, 4> bits{};
  for (const char32_t c : firsts) bits[(c / 64) % 4] |= std::uint64_t{1} << (c % 64);
  return bits;
}
constexpr auto keyword_first_bits = bits_of(keyword_firsts);
constexpr auto head_first_bits = bits_of(head_firsts);

bool may_start_a_keyword(char32_t c) { return ((keyword_first_bits[(c / 64) % 4] >> (c % 64)) & 1) != 0; }
bool may_start_a_head(char32_t c) { return ((head_first_bits[(c / 64) % 4] >> (c % 64)) & 1) != 0; }

// The role keyword text starts with (the first in role_keywords, so the longest), else nullptr.
const role_keyword* keyword_at(std::string_view text) {
  if (text.empty()) return nullptr;
  std::size_t i = 0;
  const char32_t first = next_code_point(text, i);
  if (!may_start_a_keyword(first)) return nullptr;
  for (std::size_t k = 0; k < role_keywords.size(); ++k) {
    if (keyword_firsts[k] == first && text.starts_with(role_keywords[k].text)) return &role_keywords[k];
  }
  return nullptr;
}

}  // namespace

role_match role_at(std::string_view text, bool after_name) {
  // Every keyword, word and head is an ideograph of U+4000-U+9FFF (lead byte E4-E9), read here
  // undecoded; any other character ends the search.
  const auto* b = reinterpret_cast<const unsigned char*>(text.data());
  const auto ideograph_at = [&](std::size_t i) -> char32_t {
    if (i + 3 > text.size() || b[i] - 0xE4u > 0xE9u - 0xE4u) return 0;
    return ((b[i] & 0x0Fu) << 12) | ((b[i + 1] & 0x3Fu) << 6) | (b[i + 2] & 0x3Fu);
  };
  const char32_t first = ideograph_at(0);
  if (first == 0) return {};
  bool own_paper = false;
  if (may_start_a_keyword(first)) {
    if (const role_keyword* kw = keyword_at(text)) return {kw->text.size(), kw->r};
    own_paper = text.starts_with("本报") || text.starts_with("本刊");
  }
  if (after_name && !own_paper) return {};
  // Without the paper's name a space ends the head, within the first seven characters (three
  // words and the longest head): a text without one there holds no such role.
  if (!own_paper && std::memchr(b, ' ', std::min<std::size_t>(text.size(), 22)) == nullptr) return {};
  for (std::size_t i = own_paper ? 6 : 0, words = 0; words <= 3; ++words, i += 3) {
    const char32_t c = i == 0 ? first : ideograph_at(i);
    if (c == 0) return {};
    if (!may_start_a_head(c)) continue;
    for (const role_keyword& head : role_heads) {
      if (!text.substr(i).starts_with(head.text)) continue;
      const std::size_t end = i + head.text.size();
      if (own_paper || end == text.size() || text[end] == ' ') return {end, head.r};
    }
  }
  return {};
}

namespace {

std::vector<std::string>& list_for(byline& b, role r) {
  switch (r) {
    case role::reporter: return b.reporters;
    case role::correspondent: return b.correspondents;
    case role::photographer: return b.photographers;
    case role::author: return b.authors;
  }
  return b.reporters;
}

bool is_separator(char32_t c) { return c == ' ' || c == 0x3001 || c == 0xFF0C || c == ',' || c == 0x3000; }

// Common single-character family names: where two names of five characters together are cut.
constexpr std::string_view common_family_names =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤申";

bool common_family_name(std::string_view c) {
  for (std::size_t i = 0; i + c.size() <= common_family_names.size(); i += c.size()) {
    if (common_family_names.substr(i, c.size()) == c) return true;
  }
  return false;
}

// The byte offset after the first n characters of s.
std::size_t offset_after(std::string_view s, std::size_t n) {
  std::size_t at = 0;
  for (std::size_t k = 0; k < n && at < s.size(); ++k) static_cast<void>(next_code_point(s, at));
  return at;
}

// How many characters of a glued run of two names (five or six Han characters) the first name
// takes: three of six; of five, two when the third character starts a family name and the fourth
// does not ("王川林晓雨"), else three ("林晓雨孙一").
std::size_t glued_cut(std::string_view run, std::size_t chars) {
  if (chars == 6) return 3;
  const std::size_t third = offset_after(run, 2), fourth = offset_after(run, 3), fifth = offset_after(run, 4);
  const bool third_starts = common_family_name(run.substr(third, fourth - third));
  return third_starts && !common_family_name(run.substr(fourth, fifth - fourth)) ? 2 : 3;
}

}  // namespace

bool parse_names(std::string_view text, role default_role, name_rules rules, byline& b) {
  role current = default_role;
  // The name being read is text[name_start, name_end): its characters are never apart.
  std::size_t name_start = 0, name_end = 0;
  std::size_t name_chars = 0;
  bool dotted = false;
  bool any_keyword = false, any_name = false;
  constexpr std::size_t longest_name = 8;  // with a middle dot; 4 without, 5 or 6 glued
  auto flush = [&]() -> bool {
    if (name_chars == 0) return true;
    const std::size_t max = dotted ? longest_name : 4;
    // Only a line's one run of names, at its end ("记者从会上获悉，今年以来" is a sentence).
    const bool glued =
        rules.glued_pairs && !dotted && (name_chars == 5 || name_chars == 6) && !any_name && name_end == text.size();
    if (name_chars < 2 || (name_chars > max && !glued)) return false;
    const std::string_view name = text.substr(name_start, name_end - name_start);
    if (glued) {
      const std::size_t cut = offset_after(name, glued_cut(name, name_chars));
      list_for(b, current).emplace_back(name.substr(0, cut));
      list_for(b, current).emplace_back(name.substr(cut));
    } else {
      list_for(b, current).emplace_back(name);
    }
    any_name = true;
    name_chars = 0;
    dotted = false;
    return true;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    // Where a token starts, any role; inside a run of Han characters, a keyword or the paper's
    // own role ends a name glued to it ("郭明通讯员赵小青", "周明远本报特派记者许安然").
    if (name_chars == 0) {
      if (const role_match m = role_at(text.substr(i)); m.size != 0) {
        current = m.r;
        any_keyword = true;
        i += m.size;
        continue;
      }
    } else if (name_chars >= 2 && role_at(text.substr(i), glued_to_a_name).size != 0) {
      if (!flush()) return false;
      continue;
    }
    if (rules.require_keyword && !any_keyword) return false;
    const std::size_t at = i;
    const char32_t c = next_code_point(text, i);
    if (is_separator(c)) {
      if (!flush()) return false;
      continue;
    }
    if (c == 0x00B7 && name_chars > 0) {
      dotted = true;
      ++name_chars;
      name_end = i;
      continue;
    }
    if (!is_han(c)) return false;
    if (name_chars == 0) name_start = at;
    ++name_chars;
    name_end = i;
    // No name is longer than a dotted one: a longer run fails at its flush whatever follows, so
    // a sentence is not read to its end (a caption's credit is looked for from every boundary).
    if (name_chars > longest_name) return false;
  }
  return flush() && any_name;
}

}  // namespace broadsheet::pipeline::internal
