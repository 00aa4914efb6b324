#pragma once
// Renders articles for a person reading a terminal (`broadsheet process --pretty`).

#include <string>

#include "pipeline/article.h"

namespace broadsheet::worker {

void append_readable(std::string& out, const pipeline::article& a);

}  // namespace broadsheet::worker
