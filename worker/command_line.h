#pragma once
// The command line of every command, read against the settings table: a command's own options
// (`replay --from`), its operands (`process FILE…`), the flags of the settings it reads and
// --config. One parser, one set of names, ranges and messages; `--help` lists the same flags.
// The settings' flags themselves are read by config_sources.h and the configuration loaded by
// load_config (config.h).

#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "worker/config.h"

namespace broadsheet::worker {

// The exit status of a usage error (unknown flag, bad value, missing argument), for every command.
inline constexpr int exit_usage = 2;

// An option of a command's own, beside the settings' flags: `replay --from SPEC`, `process --pretty`.
struct command_option {
  std::string_view flag;     // --from
  std::string_view metavar;  // SPEC; empty: a switch
  std::string_view help;
  bool required = false;
  std::string (*problem)(std::string_view value) = nullptr;  // what is wrong with a value; empty: fine
};

// A command of `broadsheet` as its command line sees it.
struct command_spec {
  command reads;
  std::string_view name;   // "replay"
  std::string_view usage;  // the "usage: broadsheet …" lines, a blank line, what the command does
  std::span<const command_option> options;
  bool operands = false;  // takes arguments that are not flags (process's FILE…)
};

// What a command line gave its command.
struct command_line {
  worker_config config;
  std::map<std::string, std::string, std::less<>> options;  // own options given: flag -> value ("" for a switch)
  std::vector<std::string> operands;
};

// A command's arguments (after the command word) read with the environment: its own options and
// operands, then the configuration from --config, the environment and the settings' flags. Errors:
// the message of a usage error ("unknown flag --x", "flag --from: bad offset spec …").
[[nodiscard]] tl::expected<command_line, std::string> parse_command_line(const command_spec& spec,
                                                                         const std::vector<std::string>& args,
                                                                         const std::map<std::string, std::string>& env);

// `broadsheet COMMAND --help`: the usage, the command's own options and the flags of the settings it reads.
[[nodiscard]] std::string command_help(const command_spec& spec);

// Prints "broadsheet COMMAND: message" and the command's usage lines to stderr; returns exit_usage.
int usage_error(const command_spec& spec, std::string_view message);

// The front of every command: with --help, prints command_help and returns unexpected(0); on a
// usage error, prints it and returns unexpected(exit_usage); else the command line, read with the
// process's environment.
[[nodiscard]] tl::expected<command_line, int> read_command_line(const command_spec& spec, int argc, char** argv);

// The process's environment as a map, for config_sources::env.
[[nodiscard]] std::map<std::string, std::string> process_environment();

}  // namespace broadsheet::worker
