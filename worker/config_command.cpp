#include "worker/config_command.h"

#include <array>
#include <cstdio>

#include "worker/command_line.h"
#include "worker/config_print.h"
#include "worker/kafka.h"

namespace broadsheet::worker {

namespace {

constexpr std::array config_options{
    command_option{"--print", "", "print the effective configuration as TOML (secrets masked)"},
    command_option{"--check", "",
                   "validate the configuration and build the clients as run does; prints "
                   "\"configuration ok\""},
};

constexpr command_spec config_command{
    command::config, "config",
    "usage: broadsheet config --print|--check [options]\n"
    "\n"
    "The effective configuration of `run`, or whether it is valid. Settings come from the defaults,\n"
    "then the TOML file, then BROADSHEET_* environment variables, then flags; each overrides the\n"
    "one before.\n",
    config_options};

}  // namespace

int config_main(int argc, char** argv) {
  const auto line = read_command_line(config_command, argc, argv);
  if (!line) return line.error();
  const bool print = line->options.contains("--print");
  if (print == line->options.contains("--check")) return usage_error(config_command, "give one of --print and --check");
  if (!print) {
    if (auto clients = check_clients(line->config); !clients) return usage_error(config_command, clients.error());
  }
  std::fputs(print ? print_config(line->config).c_str() : "configuration ok\n", stdout);
  return 0;
}

}  // namespace broadsheet::worker
