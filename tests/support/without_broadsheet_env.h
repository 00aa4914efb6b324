#pragma once
// Unsets the BROADSHEET_* variables of the test's own environment (BROADSHEET_TEST_LOGS, say)
// for the lifetime of the object, so that a command reading the process environment sees none of
// them, and puts them back. Header-only, for test executables.

#include <cstdlib>
#include <map>
#include <string>

#include "worker/command_line.h"

namespace broadsheet::testing {

class without_broadsheet_env {
 public:
  without_broadsheet_env() {
    for (const auto& [name, text] : worker::process_environment()) {
      if (!name.starts_with("BROADSHEET_")) continue;
      saved_.emplace(name, text);
      ::unsetenv(name.c_str());
    }
  }
  ~without_broadsheet_env() {
    for (const auto& [name, text] : saved_) ::setenv(name.c_str(), text.c_str(), 1);
  }
  without_broadsheet_env(const without_broadsheet_env&) = delete;
  without_broadsheet_env& operator=(const without_broadsheet_env&) = delete;

 private:
  std::map<std::string, std::string> saved_;
};

}  // namespace broadsheet::testing
