#pragma once
// Serialises an article as one line of JSON (the article contract, with every field present).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/article.h"

namespace broadsheet::pipeline {

// Appends the JSON object of a to out (no trailing newline).
void append_article_json(std::string& out, const article& a);

// An article's JSON object (append_article_json's bytes) and where its decision is written, so
// that a correction is written without the article: only the revision and the decision change.
struct article_json {
  std::string text;
  std::size_t revision_at = 0, revision_end = 0;  // the revision's digits
  std::size_t decision_at = 0, decision_end = 0;  // duplicate_of's value through similarity's
};
[[nodiscard]] article_json make_article_json(const article& a);
// The same article's JSON with another revision and decision: the bytes append_article_json
// writes for the article with those fields.
[[nodiscard]] article_json with_decision(const article_json& j, int revision,
                                         const std::optional<std::string>& duplicate_of,
                                         std::optional<double> similarity);

// Appends s as a JSON string literal: quotes, backslashes and control characters escaped,
// everything else (valid UTF-8) verbatim.
void append_json_string(std::string& out, std::string_view s);

}  // namespace broadsheet::pipeline
