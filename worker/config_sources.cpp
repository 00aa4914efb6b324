#include "worker/config_sources.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <regex>
#include <utility>

#include <toml++/toml.h>

namespace broadsheet::worker {

namespace {

tl::unexpected<std::string> fail(std::string message) { return tl::make_unexpected(std::move(message)); }

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

}  // namespace

// ---- Applying values, whatever their source ----

config_loader::config_loader(worker_config& config) : config_(config), scratch_(rd_kafka_conf_new()) {}

status config_loader::set(const setting& s, tl::expected<value, std::string> v, const origin& from) {
  if (!v) return fail(from + ": " + v.error());
  if (const auto problem = problem_with(s, *v); !problem.empty()) return fail(from + ": " + problem);
  s.target.set(config_, *v);
  origins_[s.key] = from;
  return {};
}

status config_loader::set_property(const property_scope& scope, const std::string& name, const std::string& v,
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
  const auto same = std::find_if(properties.begin(), properties.end(), [&](const auto& p) { return p.first == name; });
  if (same != properties.end()) {
    same->second = v;  // a later source wins, the property keeps its place
    return {};
  }
  properties.emplace_back(name, v);
  return {};
}

origin config_loader::origin_of(std::string_view key) const {
  const auto it = origins_.find(key);
  return it == origins_.end() ? "the default" : it->second;
}

// ---- The TOML file ----

namespace {

// One TOML file read into a loader; errors name the key and its line.
class file_reader {
 public:
  file_reader(config_loader& into, std::string path) : into_(into), path_(std::move(path)) {}

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

  config_loader& into_;
  std::string path_;
};

}  // namespace

status read_file(config_loader& into, const std::string& path) { return file_reader(into, path).read(); }

// ---- The environment ----

namespace {

constexpr std::string_view env_prefix = "BROADSHEET_";
// BROADSHEET_* variables that are not settings but are read elsewhere (not an error).
constexpr std::array<std::string_view, 1> other_env{config_env};

// BROADSHEET_KAFKA_SECURITY_PROTOCOL -> security.protocol
std::string property_from_env(const property_scope& scope, std::string_view variable) {
  std::string name(variable.substr(scope.env_prefix.size()));
  for (char& c : name) c = c == '_' ? '.' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

const property_scope* scope_of_variable(std::string_view variable) {
  for (const auto& scope : property_scopes())
    if (variable.starts_with(scope.env_prefix) && variable.size() > scope.env_prefix.size()) return &scope;
  return nullptr;
}

}  // namespace

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

status read_env(config_loader& into, const std::map<std::string, std::string>& env) {
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

// ---- The settings' flags ----

namespace {

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

}  // namespace

tl::expected<flag_use, std::string> read_setting_flag(const std::vector<std::string>& args, std::size_t& at,
                                                      command reader) {
  const std::string& arg = args[at];
  if (arg == "-X") {
    if (!takes_properties(reader)) return fail("unknown flag -X");
    if (at + 1 == args.size()) return fail("flag -X needs a value: -X property=value");
    return flag_use{arg, args[++at]};
  }
  if (!arg.starts_with("--")) return fail("unexpected argument " + arg);
  const auto eq = arg.find('=');
  const std::string name = arg.substr(0, eq);
  std::optional<std::string> value;
  if (eq != std::string::npos) value = arg.substr(eq + 1);
  if (!takes_setting_flag(reader, name)) return fail("unknown flag " + name);
  if (!value && takes_value(name)) {
    if (at + 1 == args.size()) return fail("flag " + name + " needs a value");
    value = args[++at];
  }
  return flag_use{name, std::move(value)};
}

status apply_flag(config_loader& into, const flag_use& flag) {
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

std::string config_file(const config_sources& sources, const std::vector<flag_use>& flags) {
  std::string file = sources.file;
  if (const auto it = sources.env.find(std::string(config_env)); it != sources.env.end() && !it->second.empty())
    file = it->second;
  for (const auto& flag : flags)
    if (flag.name == config_flag) file = *flag.value;
  return file;
}

}  // namespace broadsheet::worker
