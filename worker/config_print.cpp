#include "worker/config_print.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <type_traits>
#include <variant>

#include "pipeline/article_json.h"
#include "worker/config_settings.h"

namespace broadsheet::worker {

namespace {

constexpr std::array<std::string_view, 7> secret_markers{
    "password", "secret", "sasl.oauthbearer.config", "ssl.key.pem", "ssl_key", "key.password", "token"};

bool is_secret_property(std::string_view name) {
  return std::any_of(secret_markers.begin(), secret_markers.end(),
                     [&](std::string_view marker) { return name.find(marker) != std::string_view::npos; });
}

// A TOML basic string: JSON's escapes are TOML's, except that TOML also forbids a raw DEL.
std::string toml_string(std::string_view text) {
  std::string out;
  pipeline::append_json_string(out, text);
  for (std::size_t at = out.find('\x7f'); at != std::string::npos; at = out.find('\x7f', at))
    out.replace(at, 1, "\\u007f");
  return out;
}

std::string toml_literal(const value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using type = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<type, bool>) {
          return x ? "true" : "false";
        } else if constexpr (std::is_same_v<type, std::int64_t>) {
          return std::to_string(x);
        } else if constexpr (std::is_same_v<type, double>) {
          std::array<char, 32> digits{};
          const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), x).ptr;
          std::string text(digits.data(), end);
          // The shortest form of 20.0 is "20", which TOML would read as an integer.
          if (text.find_first_of(".e") == std::string::npos) text += ".0";
          return text;
        } else {
          return toml_string(x);
        }
      },
      v);
}

constexpr std::string_view masked = "\"********\"";

// A key that TOML reads as one key even when it holds dots.
std::string toml_key(std::string_view name) {
  const bool bare = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
  return bare && !name.empty() ? std::string(name) : toml_string(name);
}

std::string metavar(kind k) {
  switch (k) {
    case kind::boolean: return "";
    case kind::integer: return " N";
    case kind::real: return " X";
    case kind::text: return " TEXT";
  }
  return "";
}

}  // namespace

std::string help_line(std::string flag, std::string_view help, std::string_view details) {
  constexpr std::size_t width = 32;
  flag.insert(0, "  ");
  flag.resize(std::max(width, flag.size() + 2), ' ');
  flag += help;
  if (!details.empty()) flag.append(" [").append(details).append("]");
  return flag + "\n";
}

std::string print_config(const worker_config& config) {
  std::string out = "# broadsheet configuration: defaults, TOML file, BROADSHEET_* variables and flags applied.\n";
  std::string_view section;
  for (const auto& s : settings()) {
    if (section_of(s.key) != section) {
      section = section_of(s.key);
      out.append("\n[").append(section).append("]\n");
    }
    out.append("# ").append(s.help).append("\n");
    out.append(name_in_section(s.key)).append(" = ");
    out.append(s.secret ? std::string(masked) : toml_literal(s.target.get(config))).append("\n");
  }
  for (const auto& scope : property_scopes()) {
    const property_list& list = config.*scope.list;
    if (&scope != &property_scopes().front() && list.empty()) continue;  // the shared table always
    out.append("\n[").append(scope.key).append("]\n# librdkafka properties passed through unchanged: ");
    out.append(scope.meaning).append("\n");
    for (const auto& [name, v] : list)
      out.append(toml_key(name)).append(" = ").append(is_secret_property(name) ? masked : toml_string(v)).append("\n");
  }
  return out;
}

std::string config_flags_help(command reader) {
  const worker_config defaults = defaults_for(reader);
  std::string out = help_line(std::string(config_flag) + " PATH", "TOML configuration file", config_env);
  for (const auto& s : settings()) {
    if (!takes_flag(reader, s)) continue;
    std::string details = std::string(s.env) + ", " + std::string(s.key);
    if (!s.secret) details += " = " + toml_literal(s.target.get(defaults));
    out += help_line(std::string(s.flag) + metavar(s.target.type), s.help, details);
  }
  for (const auto& scope : property_scopes())
    if (takes_properties(reader))
      out += help_line(std::string(scope.flag) + " PROPERTY=VALUE", std::string(scope.meaning) + ", repeatable",
                       std::string(scope.env_prefix) + "<PROPERTY with _ for .>, [" + std::string(scope.key) + "]");
  return out;
}

std::string config_reference_markdown() {
  const worker_config defaults;
  std::string out = "| TOML key | environment | flag | default | meaning |\n|---|---|---|---|---|\n";
  for (const auto& s : settings()) {
    const std::string value = s.secret ? "(secret)" : toml_literal(s.target.get(defaults));
    out += "| `" + std::string(s.key) + "` | `" + std::string(s.env) + "` | `" + std::string(s.flag) + "` | `" + value +
           "` | " + std::string(s.help) + " |\n";
  }
  for (const auto& scope : property_scopes())
    out += "| `" + std::string(scope.key) + ".<name>` | `" + std::string(scope.env_prefix) + "<NAME>` | `" +
           std::string(scope.flag) + " name=value` | | " + std::string(scope.meaning) +
           " (`.` → `_` in the variable) |\n";
  return out;
}

}  // namespace broadsheet::worker
