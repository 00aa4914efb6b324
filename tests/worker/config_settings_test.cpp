#include "worker/config_settings.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/config_loading.h"
#include "worker/config.h"

namespace broadsheet::worker {
namespace {

using testing::error_of;
using testing::load;

TEST(config_settings, rejects_values_out_of_range_naming_the_source) {
  // clang-format off
  const std::vector<std::string> bad = {
      "--threshold=0", "--threshold=1.5", "--threshold=nan", "--hashes=8", "--hashes=2048", "--shingle-size=0",
      "--shingle-size=17", "--threads=-1", "--threads=257", "--threads=many", "--metrics-port=-1",
      "--metrics-port=65536", "--max-inflight-bytes=1000", "--log-level=verbose", "--log-format=xml",
      "--partitions=0", "--partitions=257", "--shutdown-deadline=0", "--delivery-attempts=0", "--input-topic=",
      "--capacity=0", "--delivery-attempts=3000000000", "--max-json-depth=0", "--horizon-days=0"};
  // clang-format on
  for (const auto& arg : bad) {
    const auto message = error_of(load({arg}));
    EXPECT_NE(message.find("flag " + arg.substr(0, arg.find('='))), std::string::npos) << arg << ": " << message;
  }
  const auto from_env = error_of(load({}, {{"BROADSHEET_HASHES", "2048"}}));
  EXPECT_NE(from_env.find("environment variable BROADSHEET_HASHES: must be between 16 and 1024"), std::string::npos)
      << from_env;
  // The edges are fine.
  EXPECT_TRUE(load({"--threshold", "1", "--hashes", "16", "--metrics-port", "0", "--threads", "256",
                    "--max-inflight-bytes", "1048576", "--log-level", "trace", "--log-format", "json"}));
}

TEST(config_settings, propagated_headers_are_names_separated_by_commas) {
  EXPECT_EQ(load({})->propagate_headers, "traceparent,tracestate");
  EXPECT_EQ(load({"--propagate-headers="})->propagate_headers, "");
  EXPECT_EQ(load({"--propagate-headers=traceparent,x-request-id"})->propagate_headers, "traceparent,x-request-id");
  for (const auto* bad :
       {"--propagate-headers=traceparent, tracestate", "--propagate-headers=a,,b", "--propagate-headers=a,"})
    EXPECT_NE(error_of(load({bad})).find("flag --propagate-headers"), std::string::npos) << bad;
}

TEST(config_settings, every_key_variable_and_flag_names_one_setting) {
  for (const auto& s : settings()) {
    EXPECT_EQ(find_setting(&setting::key, s.key), &s) << s.key;
    EXPECT_EQ(find_setting(&setting::env, s.env), &s) << s.env;
    EXPECT_EQ(find_setting(&setting::flag, s.flag), &s) << s.flag;
    EXPECT_EQ(name_in_section(s.key).find('.'), std::string_view::npos) << s.key;
    EXPECT_TRUE(s.env.starts_with("BROADSHEET_")) << s.env;
    EXPECT_TRUE(s.flag.starts_with("--")) << s.flag;
  }
  EXPECT_EQ(find_setting(&setting::key, "dedup.treshold"), nullptr);
}

TEST(config_settings, a_value_is_checked_against_its_range_then_against_its_member) {
  const auto& hashes = *find_setting(&setting::key, "dedup.hashes");
  EXPECT_EQ(problem_with(hashes, std::int64_t{8}), "must be between 16 and 1024");
  EXPECT_EQ(problem_with(hashes, std::int64_t{16}), "");
  // The range says "at least 1"; the member, an int, says where it ends.
  const auto& attempts = *find_setting(&setting::key, "worker.delivery_attempts");
  EXPECT_EQ(problem_with(attempts, std::int64_t{3'000'000'000}), "must be at most 2147483647");
  const auto& deadline = *find_setting(&setting::key, "worker.shutdown_deadline_seconds");
  EXPECT_EQ(problem_with(deadline, std::numeric_limits<double>::infinity()), "must be a finite number");
  const auto& level = *find_setting(&setting::key, "log.level");
  EXPECT_EQ(problem_with(level, std::string("verbose")), "must be one of trace debug info warn error");
}

TEST(config_settings, a_switch_flag_sets_what_its_name_says) {
  EXPECT_TRUE(switch_value(*find_setting(&setting::flag, "--exactly-once")));
  EXPECT_FALSE(switch_value(*find_setting(&setting::flag, "--no-dedup")));
}

TEST(config_settings, each_command_takes_the_flags_of_the_settings_it_reads) {
  const auto takes = [](command reader, std::string_view flag) {
    return takes_flag(reader, *find_setting(&setting::flag, flag));
  };
  EXPECT_TRUE(takes(command::broker, "--partitions"));
  EXPECT_TRUE(takes(command::broker, "--dlq-topic"));
  EXPECT_FALSE(takes(command::broker, "--threads"));
  EXPECT_FALSE(takes(command::replay, "--group"));  // replay's own --group names its group
  EXPECT_TRUE(takes(command::process, "--max-line-bytes"));
  EXPECT_FALSE(takes(command::process, "--no-restore-index"));
  EXPECT_FALSE(takes(command::process, "--brokers"));
  EXPECT_TRUE(takes_properties(command::replay));
  EXPECT_FALSE(takes_properties(command::process));
  EXPECT_FALSE(takes_properties(command::broker));
}

TEST(config_settings, property_scopes_are_found_by_table_prefix_or_flag) {
  ASSERT_EQ(property_scopes().size(), 3u);
  EXPECT_EQ(property_scopes().front().flag, "-X");
  EXPECT_EQ(find_scope(&property_scope::key, "output.properties")->list, &worker_config::output_properties);
  EXPECT_EQ(find_scope(&property_scope::env_prefix, "BROADSHEET_INPUT_KAFKA_")->flag, "--input-property");
  EXPECT_EQ(find_scope(&property_scope::flag, "--property"), nullptr);
}

}  // namespace
}  // namespace broadsheet::worker
