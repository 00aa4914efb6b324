#include "worker/command_line.h"

#include <array>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace broadsheet::worker {
namespace {

TEST(command_line, process_environment_holds_the_variables) {
  ::setenv("BROADSHEET_CONFIG_TEST_PROBE", "a=b", 1);
  const auto env = process_environment();
  ::unsetenv("BROADSHEET_CONFIG_TEST_PROBE");
  ASSERT_TRUE(env.contains("BROADSHEET_CONFIG_TEST_PROBE"));
  EXPECT_EQ(env.at("BROADSHEET_CONFIG_TEST_PROBE"), "a=b");
}

// A command with options of its own, beside the settings' flags of `replay`.
std::string bad_spec(std::string_view value) { return value == "bad" ? "not a spec" : ""; }
constexpr std::array own_options{
    command_option{"--from", "SPEC", "where to start", true, bad_spec},
    command_option{"--group", "G", "the command's own group"},
    command_option{"--pretty", "", "a switch"},
};
constexpr command_spec replay_like{command::replay, "replay-like",
                                   "usage: broadsheet replay-like --from SPEC\n\nWhat it does.\n", own_options};

TEST(command_line, own_options_are_told_apart_from_the_settings_flags) {
  // when
  const auto line = parse_command_line(
      replay_like, {"--from", "beginning", "--threshold=0.5", "--pretty", "--group", "g", "-X", "acks=1"},
      {{"BROADSHEET_HASHES", "64"}});
  // then
  ASSERT_TRUE(line) << line.error();
  const std::map<std::string, std::string, std::less<>> expected{
      {"--from", "beginning"}, {"--group", "g"}, {"--pretty", ""}};
  EXPECT_EQ(line->options, expected);
  EXPECT_DOUBLE_EQ(line->config.dedup_options.threshold, 0.5);
  EXPECT_EQ(line->config.dedup_options.num_hashes, 64u);
  EXPECT_EQ(line->config.group_id, "broadsheet");  // --group was the command's, not kafka.group_id
  EXPECT_EQ(line->config.kafka_properties.size(), 1u);
  EXPECT_TRUE(line->operands.empty());
}

TEST(command_line, operands_are_taken_only_by_a_command_that_has_them) {
  constexpr command_spec with_files{command::process, "files", "usage: broadsheet files [FILE...]\n\n", {}, true};
  const auto line = parse_command_line(with_files, {"a.jsonl", "-", "--max-line-bytes", "5", "b.txt"}, {});
  ASSERT_TRUE(line) << line.error();
  EXPECT_EQ(line->operands, (std::vector<std::string>{"a.jsonl", "-", "b.txt"}));
  EXPECT_EQ(line->config.pipeline.clean.max_line_bytes, 5u);
  EXPECT_EQ(parse_command_line(replay_like, {"--from", "end", "a.jsonl"}, {}).error(), "unexpected argument a.jsonl");
}

TEST(command_line, an_unknown_flag_is_reported_before_a_missing_option) {
  const auto error = [](std::vector<std::string> args) {
    const auto line = parse_command_line(replay_like, args, {});
    return line ? "" : line.error();
  };
  EXPECT_EQ(error({"--bogus"}), "unknown flag --bogus");
  EXPECT_EQ(error({}), "--from is required");
  EXPECT_EQ(error({"--from", "bad"}), "flag --from: not a spec");
  EXPECT_EQ(error({"--from"}), "flag --from needs a value");
  EXPECT_EQ(error({"--from=end", "--pretty=yes"}), "flag --pretty takes no value");
  EXPECT_EQ(error({"--from=end", "--hashes", "4"}), "flag --hashes: must be between 16 and 1024");
}

TEST(command_line, help_lists_the_own_options_then_the_settings_the_command_reads) {
  const auto help = command_help(replay_like);
  EXPECT_TRUE(help.starts_with("usage: broadsheet replay-like --from SPEC\n\nWhat it does.\n\noptions:\n")) << help;
  EXPECT_NE(help.find("\n  --from SPEC"), std::string::npos) << help;
  EXPECT_NE(help.find("\n  --help, -h"), std::string::npos) << help;
  EXPECT_NE(help.find("\n  --threshold X"), std::string::npos) << help;
  EXPECT_EQ(help.find("BROADSHEET_GROUP_ID"), std::string::npos) << help;
}

TEST(command_line, usage_error_names_the_command_and_its_usage) {
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(usage_error(replay_like, "unknown flag --bogus"), exit_usage);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "broadsheet replay-like: unknown flag --bogus\n"
            "usage: broadsheet replay-like --from SPEC\n"
            "(broadsheet replay-like --help lists every option)\n");
}

}  // namespace
}  // namespace broadsheet::worker
