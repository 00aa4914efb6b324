#include "worker/command_line.h"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <utility>

#include "worker/config_print.h"
#include "worker/config_sources.h"

extern char** environ;  // POSIX: the process environment (unistd.h declares it only with _GNU_SOURCE)

namespace broadsheet::worker {

namespace {

tl::unexpected<std::string> fail(std::string message) { return tl::make_unexpected(std::move(message)); }

const command_option* find_option(const command_spec& spec, std::string_view name) {
  const auto it =
      std::find_if(spec.options.begin(), spec.options.end(), [&](const command_option& o) { return o.flag == name; });
  return it == spec.options.end() ? nullptr : &*it;
}

}  // namespace

// The command's own options and operands are taken here; every other argument must be a setting
// flag the command takes (read_setting_flag says so, and how many arguments it spans) and goes to
// load_config as it was written, so that the settings' flags have one reader.
tl::expected<command_line, std::string> parse_command_line(const command_spec& spec,
                                                           const std::vector<std::string>& args,
                                                           const std::map<std::string, std::string>& env) {
  command_line line;
  std::vector<std::string> setting_args;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (spec.operands && (arg == "-" || !arg.starts_with("-"))) {
      line.operands.push_back(arg);
      continue;
    }
    const auto eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    if (const auto* own = arg.starts_with("--") ? find_option(spec, name) : nullptr) {
      std::optional<std::string> value;
      if (eq != std::string::npos) value = arg.substr(eq + 1);
      if (own->metavar.empty()) {
        if (value) return fail("flag " + name + " takes no value");
      } else if (!value) {
        if (i + 1 == args.size()) return fail("flag " + name + " needs a value");
        value = args[++i];
      }
      if (own->problem != nullptr)
        if (const auto problem = own->problem(*value); !problem.empty()) return fail("flag " + name + ": " + problem);
      line.options[name] = value.value_or("");
      continue;
    }
    const std::size_t first = i;
    if (auto flag = read_setting_flag(args, i, spec.reads); !flag) return fail(flag.error());
    setting_args.insert(setting_args.end(), args.begin() + static_cast<std::ptrdiff_t>(first),
                        args.begin() + static_cast<std::ptrdiff_t>(i) + 1);
  }
  for (const auto& own : spec.options)
    if (own.required && !line.options.contains(own.flag)) return fail(std::string(own.flag) + " is required");
  auto config = load_config(config_sources{{}, env, std::move(setting_args), spec.reads});
  if (!config) return fail(config.error());
  line.config = std::move(*config);
  return line;
}

std::string command_help(const command_spec& spec) {
  std::string out(spec.usage);
  out += "\noptions:\n";
  for (const auto& own : spec.options) {
    std::string flag(own.flag);
    if (!own.metavar.empty()) flag.append(" ").append(own.metavar);
    out += help_line(flag, own.help, "");
  }
  out += help_line("--help, -h", "this text", "");
  out += "\nsettings (flag, then its variable and TOML key = default; flags beat variables, variables the file):\n";
  return out + config_flags_help(spec.reads);
}

int usage_error(const command_spec& spec, std::string_view message) {
  const std::string_view usage = spec.usage.substr(0, spec.usage.find("\n\n") + 1);
  std::fprintf(stderr, "broadsheet %.*s: %.*s\n%.*s(broadsheet %.*s --help lists every option)\n",
               static_cast<int>(spec.name.size()), spec.name.data(), static_cast<int>(message.size()), message.data(),
               static_cast<int>(usage.size()), usage.data(), static_cast<int>(spec.name.size()), spec.name.data());
  return exit_usage;
}

tl::expected<command_line, int> read_command_line(const command_spec& spec, int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  if (std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; })) {
    std::fputs(command_help(spec).c_str(), stdout);
    return tl::make_unexpected(0);
  }
  auto line = parse_command_line(spec, args, process_environment());
  if (!line) return tl::make_unexpected(usage_error(spec, line.error()));
  return std::move(*line);
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text = *entry;
    const auto eq = text.find('=');
    if (eq != std::string_view::npos) env.emplace(text.substr(0, eq), text.substr(eq + 1));
  }
  return env;
}

}  // namespace broadsheet::worker
