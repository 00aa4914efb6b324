#include "pipeline/evidence.h"

#include <algorithm>
#include <array>
#include <bit>

#include "pipeline/char_class.h"
#include "pipeline/internal/hash.h"
#include "pipeline/internal/utf8.h"

namespace broadsheet::pipeline {

using internal::next_code_point;
using internal::previous_code_point;

namespace {

bool opens_bracket(std::string_view t) noexcept { return t.starts_with("（") || t.starts_with("("); }
bool closes_bracket(std::string_view t) noexcept { return t.ends_with("）") || t.ends_with(")"); }

// A sentence-ending mark anywhere but at the end: a heading never holds one.
bool has_inner_full_stop(std::string_view t) noexcept {
  for (std::string_view mark : {"。", "！", "？"}) {
    for (std::size_t at = t.find(mark); at != std::string_view::npos; at = t.find(mark, at + 1)) {
      std::string_view rest = t.substr(at + mark.size());
      while (rest.starts_with("”") || rest.starts_with("’") || rest.starts_with("）") || rest.starts_with("》")) {
        rest.remove_prefix(3);
      }
      if (!rest.empty()) return true;
    }
  }
  return false;
}

// "甲、乙：": the only clause punctuation is "、" between names, before the closing colon.
bool names_listed(std::string_view t) {
  std::string_view head = t.ends_with("：") ? t.substr(0, t.size() - 3) : t.substr(0, t.size() - 1);
  std::string plain(head);
  for (std::size_t at = plain.find("、"); at != std::string::npos; at = plain.find("、")) plain.erase(at, 3);
  return plain.size() < head.size() && !has_clause_punctuation(plain) && plain.find(':') == std::string::npos &&
         plain.find("：") == std::string::npos;
}

// "韩立新家庭 宋春梅家庭 欧阳明辉家庭 孔德胜家庭", "临河县：孔令华 邢晓燕 包玉珍": entries of a list
// (names, units) separated by spaces: six or more (a headline has up to five segments), or four
// or more short ones of units, or three or more short ones after a colon, or people with their
// units after a colon.
// One entry of a list of people with their unit: a name of two to four characters and a
// bracket ("鲁永昌（西塘竹编）").
bool is_named_entry(std::string_view e) {
  const std::size_t open = e.find("（");
  if (open == std::string_view::npos || !e.ends_with("）")) return false;
  const std::size_t name = visible_chars(e.substr(0, open));
  return name >= 2 && name <= 4;
}

bool is_list_line(std::string_view t) {
  if (t.find(' ') == std::string_view::npos) return false;
  // The entries' lengths in visible characters, without allocating: a line has few.
  constexpr std::size_t most = 32;
  std::array<std::size_t, most> lengths{};
  std::array<std::string_view, most> entries{};
  std::size_t count = 0;
  for (std::size_t i = 0; i < t.size() && count < most;) {
    const std::size_t space = std::min(t.find(' ', i), t.size());
    if (space > i) {
      entries[count] = t.substr(i, space - i);
      lengths[count] = visible_chars(entries[count]);
      ++count;
    }
    i = space + 1;
  }
  if (count < 2) return false;
  // "传统技艺：鲁永昌（西塘竹编） 谭秀英（临河剪纸）": a heading and named entries after a colon.
  const std::string_view first = entries[0];
  const std::size_t colon = std::min(first.find("："), first.find(":"));
  const bool colon_led = colon != std::string_view::npos && visible_chars(first.substr(0, colon)) <= 8;
  if (colon_led) {
    const std::string_view after = first.substr(colon + (first[colon] == ':' ? 1 : 3));
    bool named = after.empty() || is_named_entry(after);
    for (std::size_t k = 1; k < count && named; ++k) named = is_named_entry(entries[k]);
    if (named) return true;
  }
  if (t.ends_with("）") || t.ends_with(")") || count < 3) return false;
  // Every entry has two characters or more: a line spaced out character by character is no list.
  std::size_t total = 0, shortest = 1000;
  bool short_entries = true;
  for (std::size_t k = 0; k < count; ++k) {
    total += lengths[k];
    shortest = std::min(shortest, lengths[k]);
    if (k > 0 && lengths[k] > 6) short_entries = false;
  }
  if (shortest < 2) return false;
  // Four or five entries of three characters are as often a slogan ("学思想 强党性 重实践 建新功")
  // as names: a list then needs longer entries (units, families) or a heading with a colon.
  const bool unit_entries = total * 2 >= count * 9;  // 4.5 characters on average
  return count >= 6 || (count >= 4 && short_entries && lengths[0] <= 6 && unit_entries) || (colon_led && short_entries);
}

// A headline-sized line's outline: where its Han characters and its other characters stand,
// hashed (every Han character alike, spaces skipped), so two lines of the same length with
// their punctuation and digits in the same places share it.
std::uint64_t outline_of(std::string_view t) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a
  for (std::size_t i = 0; i < t.size();) {
    const char32_t c = next_code_point(t, i);
    if (c == ' ') continue;
    h = (h ^ (is_han(c) ? std::uint64_t{0x4e00} : std::uint64_t{c})) * 1099511628211ull;
  }
  return h;
}

// An e-mail or web address ("电子信箱：linhe@example.cn", "www.example.cn"): a line of contact
// details, never a headline.
bool holds_address(std::string_view t) noexcept {
  return t.find('@') != std::string_view::npos || t.find("www.") != std::string_view::npos ||
         t.find("http://") != std::string_view::npos || t.find("https://") != std::string_view::npos;
}

// "2025年3月18日": a date alone on its line, a notice's sign-off, never a headline.
bool is_bare_date(std::string_view t) noexcept {
  if (!t.ends_with("日")) return false;
  int digits = 0;
  for (std::size_t i = 0; i < t.size();) {
    const char32_t c = next_code_point(t, i);
    if (c >= '0' && c <= '9') {
      ++digits;
      continue;
    }
    if (c != U'年' && c != U'月' && c != U'日' && c != ' ') return false;
  }
  return digits >= 2;
}

// Ends with "。" before closing quotes or brackets ("…。”").
bool ends_with_full_stop(std::string_view t) noexcept {
  while (t.ends_with("”") || t.ends_with("）") || t.ends_with("’") || t.ends_with("》")) t.remove_suffix(3);
  while (t.ends_with(")") || t.ends_with("\"")) t.remove_suffix(1);
  return t.ends_with("。") || t.ends_with(".");
}

// Two to eight visible characters (t has chars, or more than 80) and no punctuation of any kind.
bool is_label_like(std::string_view t, std::size_t chars) {
  if (chars > 8) return false;
  std::size_t letters = 0;
  for (std::size_t i = 0; i < t.size();) {
    const char32_t c = next_code_point(t, i);
    if (c == ' ') continue;
    const std::uint8_t cls = char_class(c);
    if ((cls & (cc::han | cc::latin)) == 0) return false;
    ++letters;
  }
  return letters >= 2;
}

// The bytes of a lead-in phrase at the text's start: two to six Han characters and a comma
// ("笔者注意到，"); 0 without one.
std::size_t short_lead_in(std::string_view t) {
  std::size_t i = 0;
  for (int chars = 0; chars <= 6 && i < t.size(); ++chars) {
    const char32_t c = next_code_point(t, i);
    if (c == U'，' || c == U',') return chars >= 2 ? i : 0;
    if (!is_han(c)) return 0;
  }
  return 0;
}

}  // namespace

paragraph_facts facts_of(const paragraph& p) {
  paragraph_facts f;
  const std::string_view t = p.text;
  // Up to 81: only headline-sized paragraphs need their length.
  f.chars = std::min<std::size_t>(visible_chars(p), 81);
  f.sentence_end = ends_sentence(t);
  f.mid_clause = ends_mid_clause(t);
  f.gap_before = p.blanks_before;
  f.furniture_before = p.furniture_before;
  f.md_level = p.md_level;
  f.table_row = t.find('\t') != std::string_view::npos;
  if (f.table_row) return f;
  f.caption_arrow = caption_arrow_length(t) > 0;
  if (t.size() <= 600 && t.ends_with("摄")) f.credit = match_photo_credit(t);
  if (opens_bracket(t)) {
    f.continuation = match_continuation(t);
    f.author_note = match_author_note(t);
    f.closing = is_closing_line(t);
  }
  if (!f.credit && !f.continuation) f.dateline = match_dateline(t);
  f.dated_late = !f.dateline && !f.credit && !f.continuation && has_dateline_after_lead_in(t);
  const bool in_brackets = opens_bracket(t) && closes_bracket(t);
  // A note is wholly in brackets, or so behind a lead-in phrase the extraction glued to it
  // ("笔者注意到，（甲、乙）"), which also may hide a closing line.
  std::string_view bracketed_part = in_brackets ? t : std::string_view{};
  if (const std::size_t lead_in = in_brackets ? 0 : short_lead_in(t); lead_in > 0) {
    const std::string_view rest = t.substr(lead_in);
    if (opens_bracket(rest) && closes_bracket(rest)) {
      bracketed_part = rest;
      f.closing = is_closing_line(rest);
    }
  }
  f.note = !bracketed_part.empty() && (!visible_chars_at_most(bracketed_part, 6) || is_bracketed_name(bracketed_part));
  if (f.chars > 80) return f;  // a paragraph of text: none of the rest applies to it

  // A notice signs off with "特此公告。" and its date alone on a line.
  const bool bare_date = is_bare_date(t);
  f.closing = f.closing || t.starts_with("特此") || bare_date;
  if (!f.dateline) f.byline_line = match_byline_line(t);
  f.subtitle = t.starts_with("——") && !t.ends_with("——") && f.chars <= 60 && !f.sentence_end;
  f.dash_kicker = t.ends_with("——") && !t.starts_with("——") && f.chars <= 60;
  const std::size_t tag = f.closing ? std::string_view::npos : column_tag_start(t);
  f.column_tag = tag != std::string_view::npos;
  // The headline's own words, without its column tag.
  const std::string_view words = f.column_tag ? t.substr(0, tag) : t;
  const std::size_t word_chars = f.column_tag ? visible_chars(words) : f.chars;
  f.label_like = is_label_like(t, f.chars);
  f.enumerated = starts_enumerated(t);
  f.bulleted = t.starts_with("■") || t.starts_with("●") || t.starts_with("◆") || t.starts_with("▲");
  f.first_part = t == "一" || t == "（一）" || t == "(一)";
  // A paragraph that is one bracket is a note, a marker or a closing line, never a headline.
  const bool bracketed = in_brackets && !f.column_tag;
  const bool formulaic =
      f.credit || f.continuation || f.author_note || f.closing || f.dateline || f.byline_line || bracketed || f.note;
  // A headline may end with an exclamation or a question ("“我们是一支不可战胜的力量！”") or,
  // as a speaker's kicker, with a colon ("甲委员："); a sentence of text ends with a full stop,
  // and a cut clause with a comma. A line of 51 to 80 characters is a headline only without
  // clause punctuation (a kicker and a title on one line).
  const bool exclaims = f.sentence_end && f.chars <= 30 && !ends_with_full_stop(t);
  // Names parted by "、" are no clause ("甲、乙：").
  const bool speaker = ends_with_colon(t) && f.chars <= 16 && (!has_clause_punctuation(t) || names_listed(t));
  f.heading_like = f.md_level > 0 || f.subtitle ||
                   (!formulaic && !f.caption_arrow && f.chars >= 2 &&
                    (word_chars <= 50 || !has_clause_punctuation(words)) && (!f.sentence_end || exclaims) &&
                    (!f.mid_clause || speaker) && !has_inner_full_stop(words) && !is_list_line(t) && !holds_address(t));
  f.phrases_parted = f.heading_like && !f.subtitle && phrases_parted(words);
  if (f.heading_like && !f.subtitle && !f.dash_kicker) {
    const std::size_t dash = t.find("——");
    const std::string_view after = dash == std::string_view::npos ? std::string_view{} : t.substr(dash + 6);
    f.kicker_inline = dash != std::string_view::npos && dash > 0 &&
                      (after.starts_with(" ") || after.starts_with("：") || after.starts_with(":")) &&
                      visible_chars(after) >= 3;
  }
  if (f.heading_like) f.outline = outline_of(t);
  return f;
}

// --- topic_bag ----------------------------------------------------------------------------------

namespace {

// The characters of a bigram key: a Han character of U+4000-U+9FFF (lead byte E4-E9, nearly
// all of a Chinese page) by its three UTF-8 bytes, read without decoding (0xE40000 and up); any
// other Han character by its code point (below 0x110000); 0 for a character that is not Han.

// The hexagram symbols U+4DC0-U+4DFF are the only characters of lead bytes E4-E9 that are not Han.
constexpr bool han_bytes(std::uint32_t bytes) noexcept { return (bytes & ~0x3Fu) != 0xE4B780u; }

// The key of the character that starts at text[i]; i moves past it.
inline std::uint32_t han_key_at(std::string_view text, std::size_t& i) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned b0 = s[i];
  if (b0 < 0x80) {
    ++i;
    return 0;
  }
  if (b0 - 0xE4u <= 0xE9u - 0xE4u) {
    const std::uint32_t bytes = (b0 << 16) | (std::uint32_t{s[i + 1]} << 8) | s[i + 2];
    i += 3;
    return han_bytes(bytes) ? bytes : 0;
  }
  const char32_t c = next_code_point(text, i);
  return is_han(c) ? static_cast<std::uint32_t>(c) : 0;
}

// The bits set in both x and y, words [0, n). std::popcount without -mpopcnt is a library call
// per word: each word's bits are counted in its bytes instead (at most 8 a byte), and the bytes
// of up to 31 words summed before they are added up.
std::size_t bits_in_common(const std::uint64_t* x, const std::uint64_t* y, std::size_t n) noexcept {
  constexpr std::uint64_t ones = 0x5555555555555555ull, twos = 0x3333333333333333ull, nibbles = 0x0F0F0F0F0F0F0F0Full;
  constexpr std::uint64_t byte_pairs = 0x00FF00FF00FF00FFull, halves = 0x0001000100010001ull;
  std::size_t total = 0;
  for (std::size_t w = 0; w < n;) {
    std::uint64_t bytes = 0;  // each byte at most 8 * 31
    for (const std::size_t stop = std::min(n, w + 31); w < stop; ++w) {
      std::uint64_t v = x[w] & y[w];
      v -= (v >> 1) & ones;
      v = (v & twos) + ((v >> 2) & twos);
      bytes += (v + (v >> 4)) & nibbles;
    }
    const std::uint64_t pairs = (bytes & byte_pairs) + ((bytes >> 8) & byte_pairs);  // four sums under 2,000
    total += static_cast<std::size_t>((pairs * halves) >> 48);
  }
  return total;
}

}  // namespace

void topic_words::start_page(std::size_t text_bytes) {
  count_ = 0;
  // A Han character takes three bytes: the page has fewer bigrams than text_bytes / 3, and no
  // more numbers than slots.
  const std::size_t most = std::min(text_bytes / 3 + 1, slots_.size());
  bag_words_ = most / 64 + 1;
  pool_.clear();
  if (++generation_ == 0) {  // the generations ran out: clear the table once
    std::fill(slots_.begin(), slots_.end(), 0u);
    generation_ = 1;
  }
}

topic_words::bag topic_words::new_bag() {
  const bag b{static_cast<std::uint32_t>(pool_.size() / bag_words_)};
  pool_.resize(pool_.size() + bag_words_, 0);
  if (members_.size() <= b.at) {
    members_.emplace_back();
    listed_.push_back(true);
    sizes_.push_back(0);
    used_.push_back(0);
  }
  members_[b.at].clear();  // keeps its memory from earlier pages
  listed_[b.at] = true;
  sizes_[b.at] = unknown_size;
  used_[b.at] = 0;
  return b;
}

std::size_t topic_words::number_bigrams(std::string_view text, std::vector<std::uint16_t>& numbers,
                                        std::vector<std::uint32_t>& han_ends) {
  // First the slots of the text's bigrams in reading order (a Han character takes at least three
  // bytes, so there are fewer than text.size() / 3), then their numbers: the table is too large
  // for the nearest cache, so the first loop asks for each slot as soon as it knows it: the slot
  // has the rest of the first loop to arrive (asked for eight bigrams ahead in the second loop,
  // a text's first eight had no time to).
  slots_of_.resize(text.size() / 3 + 1);
  const std::size_t first = numbers.size();
  han_ends.resize(first + text.size() / 3 + 1);
  std::uint32_t* const at = slots_of_.data();
  std::uint32_t* const ends = han_ends.data() + first;
  std::uint32_t* const slots = slots_.data();
  std::uint32_t* at_end = at;  // past the last bigram's slot, and its Han characters below
  std::uint32_t* ends_end = ends;
  std::uint32_t han = 0;
  std::uint32_t neighbour = 0;  // the Han character before this one, 0 after a non-Han one
  for (std::size_t i = 0; i < text.size();) {
    const std::uint32_t c = han_key_at(text, i);
    han += c != 0 ? 1 : 0;
    if (c != 0 && neighbour != 0) {
      const std::uint64_t bigram = (std::uint64_t{neighbour} << 24) | c;
      *ends_end++ = han;
      const auto slot = static_cast<std::uint32_t>((bigram * 0x9E3779B97F4A7C15ull) >> (64 - hash_bits));
      __builtin_prefetch(slots + slot);
      *at_end++ = slot;
    }
    neighbour = c;
  }
  const auto bigrams = static_cast<std::size_t>(at_end - at);
  han_ends.resize(first + bigrams);
  // Without branches: whether a bigram is new to the page is a coin toss the processor cannot
  // predict.
  numbers.resize(first + bigrams);
  std::uint16_t* const out = numbers.data() + first;
  const std::uint32_t generation = std::uint32_t{generation_} << 16;
  std::uint32_t numbered = count_;
  for (std::size_t k = 0; k < bigrams; ++k) {
    std::uint32_t& slot = slots[at[k]];
    const std::uint32_t fresh = (slot & 0xFFFF0000u) != generation ? 1u : 0u;
    const std::uint32_t mask = 0u - fresh;
    slot = ((generation | numbered) & mask) | (slot & ~mask);
    numbered += fresh;
    out[k] = static_cast<std::uint16_t>(slot & 0xFFFFu);
  }
  count_ = numbered;
  return han;
}

topic_words::bag topic_words::bag_of(std::span<const std::uint16_t> numbers) {
  const bag b = new_bag();
  // Without branches, as above: whether a bigram is new to the bag is as hard to predict.
  std::vector<std::uint16_t>& members = members_[b.at];
  members.resize(numbers.size());
  std::uint16_t* const out = members.data();
  std::uint64_t* const bits = words(b);
  std::size_t count = 0;
  std::uint16_t highest = 0;
  for (const std::uint16_t n : numbers) {
    std::uint64_t& word = bits[n / 64];
    const std::uint64_t bit = std::uint64_t{1} << (n % 64);
    out[count] = n;
    count += (word & bit) == 0 ? 1 : 0;
    word |= bit;
    highest = std::max(highest, n);
  }
  members.resize(count);
  used_[b.at] = count == 0 ? 0 : highest / 64 + 1u;
  return b;
}

topic_words::bag topic_words::joined_bag(bag base, std::span<const std::uint16_t> numbers) {
  const bag b = new_bag();
  if (base.exists()) add(b, base);
  std::uint64_t* const bits = words(b);
  std::uint16_t highest = 0;
  for (const std::uint16_t n : numbers) {
    bits[n / 64] |= std::uint64_t{1} << (n % 64);
    highest = std::max(highest, n);
  }
  if (!numbers.empty()) used_[b.at] = std::max(used_[b.at], highest / 64 + 1u);
  listed_[b.at] = false;
  return b;
}

void topic_words::add(bag into, bag from) noexcept {
  std::uint64_t* to = words(into);
  const std::uint64_t* add = words(from);
  const std::uint32_t used = used_[from.at];
  for (std::size_t w = 0; w < used; ++w) to[w] |= add[w];
  used_[into.at] = std::max(used_[into.at], used);
  listed_[into.at] = false;
  sizes_[into.at] = unknown_size;
}

// A small bag whose list is whole looks its numbers up in b's bits; any other is compared word by
// word (a bag joined by add would have to be listed again, and a large one holds more numbers
// than a bag has words), its size counted once.
double topic_words::shared_fraction(bag a, bag b) {
  const std::vector<std::uint16_t>& mine = members_[a.at];
  const std::uint64_t* x = words(a);
  const std::uint64_t* y = words(b);
  std::size_t shared = 0;
  if (listed_[a.at] && mine.size() < bag_words_) {
    for (const std::uint16_t n : mine) shared += (y[n / 64] >> (n % 64)) & 1u;
  } else {
    shared = bits_in_common(x, y, std::min(used_[a.at], used_[b.at]));
    if (sizes_[a.at] == unknown_size) sizes_[a.at] = static_cast<std::uint32_t>(bits_in_common(x, x, used_[a.at]));
  }
  const std::size_t size = listed_[a.at] ? mine.size() : sizes_[a.at];
  return size == 0 ? 0 : static_cast<double>(shared) / static_cast<double>(size);
}

}  // namespace broadsheet::pipeline
