#pragma once
// Renders articles for a person reading a terminal (`broadsheet process --pretty`).

#include <string>

#include "pipeline/article.h"
#include "pipeline/dedup.h"

namespace broadsheet::worker {

void append_readable(std::string& out, const pipeline::article& a);

// A changed decision of an article written before: "══ correction · <id> · revision 2 · duplicate of <id> (0.82)".
void append_readable(std::string& out, const pipeline::dedup_correction& c);

}  // namespace broadsheet::worker
