#pragma once
// The settings table as text: the effective configuration as TOML (`config --print`), the flags'
// lines of every command's --help, and the README's configuration reference (`broadsheet
// reference`, checked against the README by a test). Secrets never appear: a setting marked
// secret and passthrough properties named like passwords, keys or tokens are masked.

#include <string>
#include <string_view>

#include "worker/config.h"

namespace broadsheet::worker {

// TOML of the effective configuration, every setting, secrets (passwords, keys, tokens) masked.
[[nodiscard]] std::string print_config(const worker_config& config);

// Help text for the flags of the settings a command reads (one line each, with env variable and
// default), --config and, for the Kafka commands, the librdkafka passthrough.
[[nodiscard]] std::string config_flags_help(command reader = command::run);

// The settings as a Markdown table, for the README (checked against it by a test).
[[nodiscard]] std::string config_reference_markdown();

// One line of --help: "  --flag META      help [details]"; no details: no brackets.
[[nodiscard]] std::string help_line(std::string flag, std::string_view help, std::string_view details);

}  // namespace broadsheet::worker
