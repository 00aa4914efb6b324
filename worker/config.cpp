#include "worker/config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <regex>
#include <string_view>
#include <variant>

#include <toml++/toml.h>
#include <unistd.h>

#include "worker/config_print.h"
#include "worker/config_settings.h"
#include "worker/kafka.h"

extern char** environ;  // POSIX: the process environment (unistd.h declares it only with _GNU_SOURCE)

namespace broadsheet::worker {

namespace {

using status = tl::expected<void, std::string>;

tl::unexpected<std::string> fail(std::string message) { return tl::make_unexpected(std::move(message)); }

constexpr std::string_view env_prefix = "BROADSHEET_";
// BROADSHEET_* variables that are not settings but are read elsewhere (not an error).
constexpr std::array<std::string_view, 1> other_env{config_env};

// ---- librdkafka passthrough ----

// Properties the worker derives from its own settings; a passthrough would silently fight them.
struct owned_property {
  std::string_view name;
  std::string_view instead;  // the setting to use; empty: none, the worker alone decides
};
constexpr std::array<owned_property, 7> owned_properties{{
    {"bootstrap.servers", "kafka.brokers"},
    {"metadata.broker.list", "kafka.brokers"},  // librdkafka's alias of bootstrap.servers
    {"group.id", "kafka.group_id"},
    {"group.instance.id", "kafka.group_instance_id"},
    {"transactional.id", "kafka.exactly_once"},
    {"enable.auto.commit", "kafka.exactly_once"},
    {"enable.auto.offset.store", ""},
}};

std::string flag_and_env(const setting& s) { return std::string(s.flag) + ", " + std::string(s.env); }

// ---- Converting what the sources hold ----

constexpr std::string_view kind_name(kind k) {
  switch (k) {
    case kind::boolean: return "true or false";
    case kind::integer: return "an integer";
    case kind::real: return "a number";
    case kind::text: return "a string";
  }
  return "";
}

// Environment variables and flags are text.
tl::expected<value, std::string> parse_text(kind k, const std::string& text) {
  const char* first = text.data();
  const char* last = first + text.size();
  switch (k) {
    case kind::boolean:
      if (text == "true" || text == "1") return true;
      if (text == "false" || text == "0") return false;
      break;
    case kind::integer: {
      std::int64_t n = 0;
      const auto [end, ec] = std::from_chars(first, last, n);
      if (ec == std::errc() && end == last) return n;
      break;
    }
    case kind::real: {
      double x = 0;
      const auto [end, ec] = std::from_chars(first, last, x);
      if (ec == std::errc() && end == last) return x;
      break;
    }
    case kind::text: return text;
  }
  return fail("expected " + std::string(kind_name(k)) + ", not \"" + text + "\"");
}

std::string_view toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date or time";
  }
}

tl::expected<value, std::string> from_toml(kind k, const toml::node& node) {
  switch (k) {
    case kind::boolean:
      if (const auto* b = node.as_boolean()) return b->get();
      break;
    case kind::integer:
      if (const auto* i = node.as_integer()) return i->get();
      break;
    case kind::real:  // `20` is as good as `20.0`
      if (const auto* f = node.as_floating_point()) return f->get();
      if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
      break;
    case kind::text:
      if (const auto* s = node.as_string()) return s->get();
      break;
  }
  return fail("expected " + std::string(kind_name(k)) + ", not " + std::string(toml_type_name(node)));
}

// A passthrough value in TOML: librdkafka takes strings, so numbers and booleans are spelled out.
tl::expected<std::string, std::string> property_from_toml(const toml::node& node) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* b = node.as_boolean()) return std::string(b->get() ? "true" : "false");
  return fail("expected a string, integer or boolean, not " + std::string(toml_type_name(node)));
}

// ---- Applying values, whatever their source ----

// Where a value came from, for messages: "flag --threshold", "key dedup.threshold in a.toml (line 3)".
using origin = std::string;

// Applies values to one worker_config in source order, checking each as it arrives so that an
// error names the source that set it.
class loader {
 public:
  explicit loader(worker_config& config) : config_(config), scratch_(rd_kafka_conf_new()) {}

  status set(const setting& s, tl::expected<value, std::string> v, const origin& from) {
    if (!v) return fail(from + ": " + v.error());
    if (const auto problem = problem_with(s, *v); !problem.empty()) return fail(from + ": " + problem);
    s.target.set(config_, *v);
    origins_[s.key] = from;
    return {};
  }

  status set_property(const property_scope& scope, const std::string& name, const std::string& v,
                      const origin& from) {
    if (const auto owned = std::find_if(owned_properties.begin(), owned_properties.end(),
                                        [&](const owned_property& p) { return p.name == name; });
        owned != owned_properties.end()) {
      std::string message = from + ": the worker sets " + name + " itself";
      if (const auto* s = find_setting(&setting::key, owned->instead))
        message += "; use " + std::string(s->key) + " (" + flag_and_env(*s) + ")";
      return fail(message);
    }
    // The scratch conf only checks name and value; the worker builds its real confs later.
    std::array<char, 512> error{};
    if (rd_kafka_conf_set(scratch_.get(), name.c_str(), v.c_str(), error.data(), error.size()) != RD_KAFKA_CONF_OK)
      return fail(from + ": librdkafka: " + error.data());
    auto& properties = config_.*scope.list;
    const auto same =
        std::find_if(properties.begin(), properties.end(), [&](const auto& p) { return p.first == name; });
    if (same != properties.end()) {
      same->second = v;  // a later source wins, the property keeps its place
      return {};
    }
    properties.emplace_back(name, v);
    return {};
  }

  // Which source set a setting last, for checks that involve two settings.
  origin origin_of(std::string_view key) const {
    const auto it = origins_.find(key);
    return it == origins_.end() ? "the default" : it->second;
  }

 private:
  worker_config& config_;
  kafka_conf scratch_;                                       // validates passthrough properties
  std::map<std::string_view, origin, std::less<>> origins_;  // setting key -> last source
};

// ---- The sources ----

// A TOML table: settings by key path, [kafka.properties] flattened (`security.protocol = ...`
// unquoted is a nested table in TOML, and means the same property).
class file_reader {
 public:
  file_reader(loader& into, std::string path) : into_(into), path_(std::move(path)) {}

  status read() {
    if (std::error_code ec; !std::filesystem::exists(path_, ec))
      return fail("config file " + path_ + " does not exist");
    toml::table root;
    try {
      root = toml::parse_file(path_);
    } catch (const toml::parse_error& e) {
      return fail(path_ + ":" + std::to_string(e.source().begin.line) + ":" + std::to_string(e.source().begin.column) +
                  ": " + std::string(e.description()));
    }
    return read_table(root, "");
  }

 private:
  origin at(const std::string& key, const toml::node& node) const {
    return "key " + key + " in " + path_ + " (line " + std::to_string(node.source().begin.line) + ")";
  }

  status read_table(const toml::table& table, const std::string& prefix) {
    for (const auto& [name, node] : table) {
      const std::string key = prefix + std::string(name.str());
      status done;
      if (const auto* s = find_setting(&setting::key, key)) {
        done = into_.set(*s, from_toml(s->target.type, node), at(key, node));
      } else if (const auto* scope = find_scope(&property_scope::key, key); scope != nullptr && node.is_table()) {
        done = read_properties(*scope, *node.as_table(), "");
      } else if (is_section(key) && node.is_table()) {
        done = read_table(*node.as_table(), key + ".");
      } else {
        return fail("unknown " + at(key, node));
      }
      if (!done) return done;
    }
    return {};
  }

  status read_properties(const property_scope& scope, const toml::table& table, const std::string& prefix) {
    for (const auto& [part, node] : table) {
      const std::string name = prefix + std::string(part.str());
      const origin from = at(std::string(scope.key) + "." + name, node);
      status done;
      if (const auto* nested = node.as_table()) {
        done = read_properties(scope, *nested, name + ".");
      } else if (auto v = property_from_toml(node); !v) {
        return fail(from + ": " + v.error());
      } else {
        done = into_.set_property(scope, name, *v, from);
      }
      if (!done) return done;
    }
    return {};
  }

  static bool is_section(std::string_view key) {
    return std::ranges::any_of(settings(), [&](const setting& s) { return section_of(s.key) == key; }) ||
           std::ranges::any_of(property_scopes(), [&](const property_scope& p) { return section_of(p.key) == key; });
  }

  loader& into_;
  std::string path_;
};

// BROADSHEET_KAFKA_SECURITY_PROTOCOL -> security.protocol
std::string property_from_env(const property_scope& scope, std::string_view variable) {
  std::string name(variable.substr(scope.env_prefix.size()));
  for (char& c : name) c = c == '_' ? '.' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// The variables Kubernetes injects for every Service with a cluster IP in the pod's namespace
// (unless the pod sets enableServiceLinks: false), docker links' names: for a Service
// broadsheet-metrics, BROADSHEET_METRICS_SERVICE_HOST, BROADSHEET_METRICS_SERVICE_PORT[_<port
// name>], BROADSHEET_METRICS_PORT=tcp://10.0.0.1:9464 and BROADSHEET_METRICS_PORT_9464_TCP[_PROTO,
// _PORT, _ADDR]. A bare <NAME>_PORT is a link only by its value (proto://host:port), since
// BROADSHEET_METRICS_PORT is also a setting.
bool is_service_link(const std::string& variable, const std::string& text) {
  static const std::regex named(
      R"(^[A-Z0-9_]+_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT_[0-9]+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?)$)");
  static const std::regex link_port(R"(^[A-Z0-9_]+_PORT$)");
  static const std::regex link_value(R"(^(tcp|udp|sctp)://[^/]+:[0-9]+$)");
  return std::regex_match(variable, named) ||
         (std::regex_match(variable, link_port) && std::regex_match(text, link_value));
}

const property_scope* scope_of_variable(std::string_view variable) {
  for (const auto& scope : property_scopes())
    if (variable.starts_with(scope.env_prefix) && variable.size() > scope.env_prefix.size()) return &scope;
  return nullptr;
}

status read_env(loader& into, const std::map<std::string, std::string>& env) {
  for (const auto& [variable, text] : env) {
    if (!variable.starts_with(env_prefix)) continue;
    if (std::find(other_env.begin(), other_env.end(), variable) != other_env.end()) continue;
    if (is_service_link(variable, text)) continue;
    const origin from = "environment variable " + variable;
    status done;
    if (const auto* s = find_setting(&setting::env, variable)) {
      done = into.set(*s, parse_text(s->target.type, text), from);
    } else if (const auto* scope = scope_of_variable(variable)) {
      done = into.set_property(*scope, property_from_env(*scope, variable), text, from);
    } else {
      return fail("unknown environment variable " + variable);
    }
    if (!done) return done;
  }
  return {};
}

// One flag of the command line with its value: `--name value`, `--name=value`, a switch
// (`--exactly-once`, `--no-dedup`) or `-X property=value`.
struct flag_use {
  std::string name;
  std::optional<std::string> value;  // none: a switch given bare
};

bool takes_value(std::string_view name) {
  if (name == config_flag || find_scope(&property_scope::flag, name) != nullptr) return true;
  const auto* s = find_setting(&setting::flag, name);
  return s != nullptr && s->target.type != kind::boolean;
}

// Whether a flag is one of the settings' flags a command takes (--config is every command's).
bool takes_setting_flag(command reader, std::string_view name) {
  if (name == config_flag) return true;
  if (find_scope(&property_scope::flag, name) != nullptr) return takes_properties(reader);
  const auto* s = find_setting(&setting::flag, name);
  return s != nullptr && takes_flag(reader, *s);
}

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
    if (arg == "-X") {
      if (!takes_properties(spec.reads)) return fail("unknown flag -X");
      if (i + 1 == args.size()) return fail("flag -X needs a value: -X property=value");
      line.flags.push_back({arg, args[++i]});
      continue;
    }
    if (!arg.starts_with("--")) return fail("unexpected argument " + arg);
    const auto eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    std::optional<std::string> value;
    if (eq != std::string::npos) value = arg.substr(eq + 1);
    if (const auto* own = find_option(spec, name)) {
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
    if (!takes_setting_flag(spec.reads, name)) return fail("unknown flag " + name);
    if (!value && takes_value(name)) {
      if (i + 1 == args.size()) return fail("flag " + name + " needs a value");
      value = args[++i];
    }
    line.flags.push_back({name, std::move(value)});
  }
  for (const auto& own : spec.options)
    if (own.required && !line.options.contains(own.flag)) return fail(std::string(own.flag) + " is required");
  return line;
}

status apply_flag(loader& into, const flag_use& flag) {
  if (flag.name == config_flag) return {};  // chose the file already
  if (const auto* scope = find_scope(&property_scope::flag, flag.name)) {
    const std::string name(scope->flag);
    const auto eq = flag.value->find('=');
    if (eq == std::string::npos || eq == 0)
      return fail("flag " + name + " " + *flag.value + ": expected property=value");
    return into.set_property(*scope, flag.value->substr(0, eq), flag.value->substr(eq + 1),
                             "flag " + name + " " + flag.value->substr(0, eq));
  }
  const setting& s = *find_setting(&setting::flag, flag.name);
  const origin from = "flag " + flag.name;
  if (!flag.value) return into.set(s, value(switch_value(s)), from);
  // `--exactly-once=false` reads well; `--no-dedup=true` would be a double negation.
  if (s.target.type == kind::boolean && !switch_value(s)) return fail(from + " takes no value");
  return into.set(s, parse_text(s.target.type, *flag.value), from);
}

// The file named by --config, else BROADSHEET_CONFIG, else sources.file; empty: none.
std::string config_file(const config_sources& sources, const std::vector<flag_use>& flags) {
  std::string file = sources.file;
  if (const auto it = sources.env.find(std::string(config_env)); it != sources.env.end() && !it->second.empty())
    file = it->second;
  for (const auto& flag : flags)
    if (flag.name == config_flag) file = *flag.value;
  return file;
}

std::string host_name() {
  std::array<char, HOST_NAME_MAX + 1> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "broadsheet";
  return name.data();
}

// The four topics must differ: a worker reading its own output would loop forever.
status check_topics(const worker_config& config, const loader& loaded) {
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
  loader into(config);
  if (const auto file = config_file(sources, flags); !file.empty()) {
    if (auto read = file_reader(into, file).read(); !read) return fail(read.error());
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