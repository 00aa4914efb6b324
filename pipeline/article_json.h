#pragma once
// Serialises an article as one line of JSON (the article contract, with every field present).

#include <string>
#include <string_view>

#include "pipeline/article.h"

namespace broadsheet::pipeline {

// Appends the JSON object of a to out (no trailing newline).
void append_article_json(std::string& out, const article& a);

// Appends s as a JSON string literal: quotes, backslashes and control characters escaped,
// everything else (valid UTF-8) verbatim.
void append_json_string(std::string& out, std::string_view s);

}  // namespace broadsheet::pipeline
