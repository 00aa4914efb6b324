#pragma once
// Where settings come from: a TOML file, BROADSHEET_* environment variables and the settings'
// flags, each read into a config_loader that checks every value as it arrives and remembers
// which source set it, so that an error names the key, variable or flag at fault. librdkafka
// properties pass through unchanged (TOML table [kafka.properties], BROADSHEET_KAFKA_<PROPERTY>
// with '_' for '.', or `-X property=value`), checked by librdkafka itself. load_config (config.h)
// reads the sources in their order; a command's own options are command_line.h's.
//
// Nothing here is shared between threads: a loader belongs to one load.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "worker/config.h"
#include "worker/config_settings.h"
#include "worker/kafka.h"

namespace broadsheet::worker {

using status = tl::expected<void, std::string>;

// Where a value came from, for messages: "flag --threshold", "key dedup.threshold in a.toml (line 3)".
using origin = std::string;

// Applies values to one worker_config in source order, checking each as it arrives so that an
// error names the source that set it. The config must outlive the loader.
class config_loader {
 public:
  explicit config_loader(worker_config& config);

  // Sets a setting from a converted value (or the error of its conversion), after problem_with.
  [[nodiscard]] status set(const setting& s, tl::expected<value, std::string> v, const origin& from);

  // Adds a passthrough property to the scope's list, or replaces its value where a source before
  // set it (it keeps its place). Refused: a property the worker sets itself, or one librdkafka rejects.
  [[nodiscard]] status set_property(const property_scope& scope, const std::string& name, const std::string& v,
                                    const origin& from);

  // Which source set a setting last ("the default" when none), for checks that involve two settings.
  [[nodiscard]] origin origin_of(std::string_view key) const;

 private:
  worker_config& config_;
  kafka_conf scratch_;                                       // validates passthrough properties
  std::map<std::string_view, origin, std::less<>> origins_;  // setting key -> last source
};

// ---- The TOML file ----

// Reads a TOML file: settings by key path, the property scopes' tables flattened
// (`security.protocol = ...` unquoted is a nested table in TOML, and means the same property).
// Errors: a missing file, bad syntax, an unknown key, a value of the wrong type or out of range.
[[nodiscard]] status read_file(config_loader& into, const std::string& path);

// ---- The environment ----

// Whether a variable is one Kubernetes injects for a Service (docker link names) rather than a
// setting: BROADSHEET_METRICS_SERVICE_HOST, BROADSHEET_PORT=tcp://10.0.0.1:9464 and the like.
[[nodiscard]] bool is_service_link(const std::string& variable, const std::string& text);

// Reads the BROADSHEET_* variables (others are not looked at; BROADSHEET_CONFIG and service links
// are skipped). Errors: an unknown BROADSHEET_* variable, a bad value.
[[nodiscard]] status read_env(config_loader& into, const std::map<std::string, std::string>& env);

// ---- The settings' flags ----

// One flag of the command line with its value: `--name value`, `--name=value`, a switch
// (`--exactly-once`, `--no-dedup`) or `-X property=value`.
struct flag_use {
  std::string name;
  std::optional<std::string> value;  // none: a switch given bare
};

// Reads the setting flag at args[at], and its value from the next argument when the flag takes
// one and has no `=value`: `at` is then left on the value. Errors: an argument that is not a flag,
// a flag the command does not take, a missing value.
[[nodiscard]] tl::expected<flag_use, std::string> read_setting_flag(const std::vector<std::string>& args,
                                                                    std::size_t& at, command reader);

// Applies one flag read by read_setting_flag (--config chose the file already and is skipped).
[[nodiscard]] status apply_flag(config_loader& into, const flag_use& flag);

// The file named by --config, else BROADSHEET_CONFIG, else sources.file; empty: none.
[[nodiscard]] std::string config_file(const config_sources& sources, const std::vector<flag_use>& flags);

}  // namespace broadsheet::worker
