#include "pipeline/result.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace broadsheet::pipeline {
namespace {

TEST(result, every_reason_code_has_its_own_name) {
  std::set<std::string> names;
  for (int c = static_cast<int>(errc::empty_record); c <= static_cast<int>(errc::no_content); ++c) {
    const std::string name(to_string(static_cast<errc>(c)));
    EXPECT_NE(name, "unknown");
    EXPECT_TRUE(names.insert(name).second) << name << " twice";
  }
  EXPECT_EQ(names.size(), error_names.size());
  EXPECT_EQ(to_string(static_cast<errc>(error_names.size())), "unknown");
}

TEST(result, fail_carries_code_and_message) {
  const result<int> r = fail(errc::wrong_type, "page_id must be a string");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::wrong_type);
  EXPECT_EQ(r.error().message, "page_id must be a string");
}

}  // namespace
}  // namespace broadsheet::pipeline
