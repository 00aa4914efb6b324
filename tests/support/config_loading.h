#pragma once
// Loading `run`'s configuration from flags, variables and a file in one call, for the tests of
// the configuration's modules. Header-only, for test executables.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "worker/config.h"

namespace broadsheet::testing {

inline tl::expected<worker::worker_config, std::string> load(std::vector<std::string> args,
                                                             std::map<std::string, std::string> env = {},
                                                             std::string file = {}) {
  return worker::load_config(worker::config_sources{std::move(file), std::move(env), std::move(args)});
}

// The error of a load that must fail ("" when it succeeded, which then fails the test).
inline std::string error_of(const tl::expected<worker::worker_config, std::string>& loaded) {
  EXPECT_FALSE(loaded.has_value());
  return loaded ? "" : loaded.error();
}

}  // namespace broadsheet::testing
