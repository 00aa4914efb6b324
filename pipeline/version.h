#pragma once
#include <string_view>

namespace broadsheet::pipeline {
// Written into every article record; bumped whenever the output for the same input can change.
// The value comes from CMakeLists.txt's project(VERSION …).
inline constexpr std::string_view pipeline_version = BROADSHEET_VERSION;
}  // namespace broadsheet::pipeline
