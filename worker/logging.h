#pragma once
// spdlog set up for the worker: one logger on stderr, text or JSON lines, a level from config.
// Per-record messages are logged at debug only; errors about a record carry topic, partition,
// offset and page_id in their text.

#include <string>

namespace broadsheet::worker {

// format: "text" or "json"; level: trace, debug, info, warn, error.
void setup_logging(const std::string& level, const std::string& format);

}  // namespace broadsheet::worker
