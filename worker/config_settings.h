#pragma once
// The settings table: the only list of the worker's settings. Each entry names its TOML key, its
// environment variable and its flag, its help line, the member of worker_config it sets and the
// range of values it takes; the sources (config_sources.h), `config --print`, the flags' help and
// the README's reference (config_print.h) all read it. Beside it, the three lists of librdkafka
// properties passed through (property_scope) and which command reads which settings.
//
// Everything here is constant and may be read from any thread.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "worker/config.h"

namespace broadsheet::worker {

// What every source is converted to before a setting sees it.
enum class kind { boolean, integer, real, text };  // the order of the alternatives of `value`
using value = std::variant<bool, std::int64_t, double, std::string>;

// Reads and writes one setting of a worker_config. `lowest`/`highest` are what the member can
// hold, so that no integer is truncated whatever the setting's own range says.
struct field {
  kind type;
  std::int64_t lowest;
  std::int64_t highest;
  value (*get)(const worker_config&);
  void (*set)(worker_config&, const value&);
};

// The range of a setting: what is wrong with a value, empty when it is fine.
using check_fn = std::string (*)(const value&);

// A boolean's flag is a switch: `--name` sets true, `--no-name` sets false (see switch_value).
struct setting {
  std::string_view key;   // TOML: section.name
  std::string_view env;   // environment variable
  std::string_view flag;  // command-line flag
  std::string_view help;  // one line, also the comment in `config --print`
  field target;
  check_fn valid = nullptr;  // nullptr: any value of the type
  bool secret = false;       // masked by print_config
};

// Every setting, in the order of `config --print` and the README.
[[nodiscard]] std::span<const setting> settings();

// The setting whose key, env or flag (the member named) is `wanted`; nullptr: none.
[[nodiscard]] const setting* find_setting(std::string_view setting::*name, std::string_view wanted);

// What is wrong with a value for a setting: its own range first (its message is the one that
// helps), then what the member can hold, then a real's finiteness. Empty: the value is fine.
[[nodiscard]] std::string problem_with(const setting& s, const value& v);

// "dedup" and "threshold" of "dedup.threshold".
[[nodiscard]] std::string_view section_of(std::string_view key);
[[nodiscard]] std::string_view name_in_section(std::string_view key);

// The value a switch flag sets when given without `=value`.
[[nodiscard]] bool switch_value(const setting& s);

// Where librdkafka properties passed through go: every client, the consumer of pages (input) or
// the producer (output). The signatures reader takes only the shared ones.
using property_list = std::vector<std::pair<std::string, std::string>>;
struct property_scope {
  std::string_view key;         // the TOML table
  std::string_view env_prefix;  // BROADSHEET_KAFKA_SECURITY_PROTOCOL -> security.protocol
  std::string_view flag;        // -X security.protocol=ssl
  property_list worker_config::*list;
  std::string_view meaning;
};

// The shared scope first (kafka.properties, -X), then input and output.
[[nodiscard]] std::span<const property_scope> property_scopes();

// The scope whose key, env_prefix or flag (the member named) is `wanted`; nullptr: none.
[[nodiscard]] const property_scope* find_scope(std::string_view property_scope::*name, std::string_view wanted);

// The configuration file: every command takes the flag, the variable names it when the flag does not.
inline constexpr std::string_view config_flag = "--config";
inline constexpr std::string_view config_env = "BROADSHEET_CONFIG";

// ---- Which command reads which settings ----

// The settings whose flags a command takes: the ones it reads.
[[nodiscard]] bool takes_flag(command reader, const setting& s);

// Whether a command takes librdkafka properties (-X, --input-property, --output-property).
[[nodiscard]] bool takes_properties(command reader);

// The configuration before any source: `process` writes no records, so it keeps the pipeline's
// own page limit (8 MiB) instead of the producer's.
[[nodiscard]] worker_config defaults_for(command reader);

}  // namespace broadsheet::worker
