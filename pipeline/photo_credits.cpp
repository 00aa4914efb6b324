#include "pipeline/photo_credits.h"

#include "pipeline/byline.h"
#include "pipeline/char_class.h"
#include "pipeline/internal/brackets.h"
#include "pipeline/internal/byline_names.h"
#include "pipeline/internal/byte_scan.h"
#include "pipeline/internal/text.h"
#include "pipeline/internal/utf8.h"
#include "pipeline/text_shape.h"

namespace broadsheet::pipeline {

using internal::bracket_close_len;
using internal::bracket_end;
using internal::bracket_inner;
using internal::next_code_point;
using internal::parse_names;
using internal::role;
using internal::skip_spaces;

std::optional<credit_match> match_photo_credit(std::string_view text) {
  std::string_view body = text;
  while (!body.empty() && body.back() == ' ') body.remove_suffix(1);
  if (body.size() < 3 || body.substr(body.size() - 3) != "摄") return std::nullopt;
  body.remove_suffix(3);
  while (!body.empty() && body.back() == ' ') body.remove_suffix(1);
  if (body.empty()) return std::nullopt;

  // Token boundaries: the start, after a space, after sentence-ending punctuation. The credit
  // is the longest suffix starting at a boundary that parses as names. A sentence ends with
  // '.', '!', '?' or a wide mark outside U+4000-U+9FFF (。！？…．): only those characters and
  // spaces are decoded, not the ideographs between them.
  std::optional<credit_match> best;
  std::vector<std::size_t> boundaries{0};
  constexpr auto next_candidate = internal::next_other_lead_or_any_of<' ', '.', '!', '?'>;
  for (std::size_t at = next_candidate(body, 0); at < body.size();) {
    std::size_t i = at;
    const char32_t c = next_code_point(body, i);
    if (c == ' ' || (char_class(c) & cc::terminal)) boundaries.push_back(i);
    at = next_candidate(body, i);
  }
  for (auto it = boundaries.rbegin(); it != boundaries.rend(); ++it) {
    const std::size_t b = skip_spaces(body, *it);
    byline names;
    if (b >= body.size() || !parse_names(body.substr(b), role::photographer, {}, names)) {
      if (best) break;
      continue;
    }
    if (names.photographers.empty()) {
      // "本报记者 甲 摄": the keyword names the job, the credit is still a photo credit
      names.photographers = names.reporters;
      names.photographers.insert(names.photographers.end(), names.correspondents.begin(), names.correspondents.end());
    }
    best = credit_match{std::move(names.photographers), b};
  }
  if (best && best->caption_end > 0) {
    std::size_t end = best->caption_end;
    while (end > 0 && text[end - 1] == ' ') --end;
    best->caption_end = end;
  }
  return best;
}

std::optional<page_photo_note> match_page_photo_note(std::string_view line) {
  // "（本版图片除署名外均由本报记者甲摄）", "本版图片除署名外均为本报记者甲摄", "（本版摄影：本报记者甲）":
  // a note about the page ("本版…") that names who took its photographs.
  std::string_view t = line;
  const bool bracketed = opens_bracket(t);
  if (bracketed) {
    const std::size_t close = bracket_end(t, 0, 200);
    if (close == std::string_view::npos || skip_spaces(t, close + bracket_close_len(t, close)) != t.size()) {
      return std::nullopt;
    }
    t = bracket_inner(t, 0, close);
  }
  if (!t.starts_with("本版") || t.size() > 150) return std::nullopt;
  const bool about_photos = t.find("图") != std::string_view::npos || t.find("照片") != std::string_view::npos ||
                            t.find("摄") != std::string_view::npos;
  if (!about_photos) return std::nullopt;
  page_photo_note note;
  // The names: after the last 由, 为 or colon, up to a final 摄.
  std::size_t from = std::string_view::npos;
  for (std::string_view mark : {"由", "为", "：", ":"}) {
    const std::size_t at = t.rfind(mark);
    if (at != std::string_view::npos && (from == std::string_view::npos || at + mark.size() > from)) {
      from = at + mark.size();
    }
  }
  if (from == std::string_view::npos) return note;
  std::string_view who = t.substr(from);
  if (who.ends_with("摄")) who.remove_suffix(3);
  byline names;
  if (parse_names(who, role::photographer, {}, names)) {
    note.photographers = names.photographers;
    note.photographers.insert(note.photographers.end(), names.reporters.begin(), names.reporters.end());
    note.photographers.insert(note.photographers.end(), names.correspondents.begin(), names.correspondents.end());
  }
  return note;
}

}  // namespace broadsheet::pipeline
