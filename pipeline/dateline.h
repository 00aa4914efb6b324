#pragma once
// dateline: the issuer, place and date that open a news story ("本报讯", "本报北京1月22日电",
// "据新华社上海10月21日电") and the bracketed byline after it ("（记者甲 通讯员乙）"). Takes a
// normalised paragraph (page_cleaner output, layout spaces still in place).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/byline.h"

namespace broadsheet::pipeline {

// "本报讯（记者甲 通讯员乙）昨日，…": dateline "本报讯", the names, and where the body starts.
struct dateline_match {
  std::string dateline;
  byline names;
  std::size_t body_offset = 0;  // byte offset of the body text after the dateline and byline
};
[[nodiscard]] std::optional<dateline_match> match_dateline(std::string_view paragraph);
// The bytes of the dateline the paragraph opens with (match_dateline's dateline, "本报讯"), 0 when
// it opens with none: for the many callers that ask only whether there is one, without reading
// the byline after it.
[[nodiscard]] std::size_t dateline_length(std::string_view paragraph);
// "目前，本报讯（记者甲）…", "据了解，新华社北京1月30日电…": a dateline after one or two short
// clauses (at most 36 bytes, 12 Han characters, in all), each ending in a comma.
[[nodiscard]] bool has_dateline_after_lead_in(std::string_view paragraph);

}  // namespace broadsheet::pipeline
