#include "worker/config.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <string_view>
#include <utility>

#include <unistd.h>

#include "worker/config_print.h"
#include "worker/config_settings.h"
#include "worker/config_sources.h"
#include "worker/kafka.h"

extern char** environ;  // POSIX: the process environment (unistd.h declares it only with _GNU_SOURCE)

namespace broadsheet::worker {

namespace {

tl::unexpected<std::string> fail(std::string message) { return tl::make_unexpected(std::move(message)); }

// A command line taken apart: the settings' flags in order, the command's own options, operands.
struct split_line {
  std::vector<flag_use> flags;
  std::map<std::string, std::string, std::less<>> options;
  std::vector<std::string> operands;
};

const command_option* find_option(const command_spec& spec, std::string_view name) {
  const auto it = std::find_if(spec.options.begin(), spec.options.end(),
                               [&](const command_option& o) { return o.flag == name; });
  return it == spec.options.end() ? nullptr : &*it;
}

tl::expected<split_line, std::string> split_args(const std::vector<std::string>& args, const command_spec& spec) {
  split_line line;
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
    auto flag = read_setting_flag(args, i, spec.reads);
    if (!flag) return fail(flag.error());
    line.flags.push_back(std::move(*flag));
  }
  for (const auto& own : spec.options)
    if (own.required && !line.options.contains(own.flag)) return fail(std::string(own.flag) + " is required");
  return line;
}

std::string host_name() {
  std::array<char, HOST_NAME_MAX + 1> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "broadsheet";
  return name.data();
}

// The four topics must differ: a worker reading its own output would loop forever.
status check_topics(const worker_config& config, const config_loader& loaded) {
  constexpr std::array<std::string_view, 4> keys{"kafka.input_topic", "kafka.output_topic", "kafka.signatures_topic",
                                                 "kafka.dlq_topic"};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    for (std::size_t j = i + 1; j < keys.size(); ++j) {
      const auto a = std::get<std::string>(find_setting(&setting::key, keys[i])->target.get(config));
      const auto b = std::get<std::string>(find_setting(&setting::key, keys[j])->target.get(config));
      if (a != b) continue;
      return fail(std::string(keys[j]) + " (" + loaded.origin_of(keys[j]) + ") and " + std::string(keys[i]) + " (" +
                  loaded.origin_of(keys[i]) + ") are the same topic \"" + a + "\"");
    }
  }
  return {};
}

// The configuration of the command sources.reader from its file, environment and flags.
tl::expected<worker_config, std::string> load(const config_sources& sources, const std::vector<flag_use>& flags) {
  worker_config config = defaults_for(sources.reader);
  config_loader into(config);
  if (const auto file = config_file(sources, flags); !file.empty()) {
    if (auto read = read_file(into, file); !read) return fail(read.error());
  }
  if (auto read = read_env(into, sources.env); !read) return fail(read.error());
  for (const auto& flag : flags)
    if (auto applied = apply_flag(into, flag); !applied) return fail(applied.error());
  if (config.worker_id.empty()) config.worker_id = host_name();
  if (sources.reader == command::process) return config;  // nothing of Kafka
  if (config.require_brokers && config.brokers.empty())
    return fail("kafka.brokers is empty and kafka.require_brokers is set (" + into.origin_of("kafka.require_brokers") +
                "): give the bootstrap servers (--brokers, BROADSHEET_BROKERS or kafka.brokers); the embedded broker "
                "is for tests and demonstrations only");
  if (auto topics = check_topics(config, into); !topics) return fail(topics.error());
  if (auto limit = output_record_limit(config); !limit) return fail(limit.error());
  return config;
}

}  // namespace

tl::expected<worker_config, std::string> load_config(const config_sources& sources) {
  const command_spec bare{sources.reader, "", "", {}};
  const auto line = split_args(sources.args, bare);
  if (!line) return fail(line.error());
  return load(sources, line->flags);
}

tl::expected<command_line, std::string> parse_command_line(const command_spec& spec,
                                                           const std::vector<std::string>& args,
                                                           const std::map<std::string, std::string>& env) {
  auto line = split_args(args, spec);
  if (!line) return fail(line.error());
  auto config = load(config_sources{{}, env, {}, spec.reads}, line->flags);
  if (!config) return fail(config.error());
  return command_line{std::move(*config), std::move(line->options), std::move(line->operands)};
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