#include "worker/cli.h"

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/scratch_dir.h"
#include "tests/support/without_broadsheet_env.h"

namespace broadsheet::worker {
namespace {

using testing::scratch_dir;
using testing::without_broadsheet_env;

TEST(cli, exits_with_2_for_usage_errors_and_0_for_help) {
  char prog[] = "broadsheet", process[] = "process", bogus[] = "--bogus", help[] = "--help", nothing[] = "frobnicate";
  char* bad_option[] = {prog, process, bogus, nullptr};
  EXPECT_EQ(run_cli(3, bad_option), 2);
  char* unknown[] = {prog, nothing, nullptr};
  EXPECT_EQ(run_cli(2, unknown), 2);
  char* no_command[] = {prog, nullptr};
  EXPECT_EQ(run_cli(1, no_command), 2);
  char* ask_help[] = {prog, help, nullptr};
  EXPECT_EQ(run_cli(2, ask_help), 0);
}

TEST(cli, rejects_bad_limit_values) {
  char prog[] = "broadsheet", process[] = "process", opt[] = "--max-line-bytes", zero[] = "0", word[] = "many";
  char* zero_limit[] = {prog, process, opt, zero, nullptr};
  EXPECT_EQ(run_cli(4, zero_limit), 2);
  char* word_limit[] = {prog, process, opt, word, nullptr};
  EXPECT_EQ(run_cli(4, word_limit), 2);
  char* missing[] = {prog, process, opt, nullptr};
  EXPECT_EQ(run_cli(3, missing), 2);
  char threshold[] = "--threshold", too_big[] = "1.5";
  char* bad_threshold[] = {prog, process, threshold, too_big, nullptr};
  EXPECT_EQ(run_cli(4, bad_threshold), 2);
}

// `broadsheet ARGS…` through run_cli, with what it wrote.
struct cli_result {
  int status;
  std::string out;
  std::string err;
};

cli_result broadsheet(std::vector<std::string> args) {
  args.insert(args.begin(), "broadsheet");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const int status = run_cli(static_cast<int>(args.size()), argv.data());
  cli_result result{status, ::testing::internal::GetCapturedStdout(), ::testing::internal::GetCapturedStderr()};
  return result;
}

std::string first_sample_page() {
  std::ifstream in(std::string(BROADSHEET_TEST_DATA) + "/sample_pages.jsonl");
  std::string line;
  std::getline(in, line);
  return line + "\n";
}

// `process --hashes 4` ran while `run --hashes 4` was refused: two parsers with two ranges.
TEST(cli, every_command_refuses_a_setting_outside_its_range) {
  without_broadsheet_env clean;
  scratch_dir dir;
  const auto empty = dir.write("empty.jsonl", "");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", "--hashes", "4"}, {"replay", "--from", "beginning", "--hashes", "4"},
        {"config", "--check", "--hashes", "4"}, {"process", "--hashes", "4", empty}}) {
    const auto result = broadsheet(args);
    EXPECT_EQ(result.status, 2) << args[0];
    EXPECT_NE(result.err.find("flag --hashes: must be between 16 and 1024"), std::string::npos)
        << args[0] << ": " << result.err;
  }
}

// `process` refused --config, so the production configuration could not be tried offline.
TEST(cli, process_reads_the_configuration_file_and_variables) {
  without_broadsheet_env clean;
  // given
  scratch_dir dir;
  const auto pages = dir.write("pages.jsonl", first_sample_page());
  const auto small = dir.write("small.toml", "[pipeline]\nmax_record_bytes = 100\n");
  // when
  const auto limited = broadsheet({"process", "--config", small, pages});
  const auto shipped = broadsheet({"process", "--config", std::string(BROADSHEET_SOURCE_DIR) + "/config/broadsheet.toml", pages});
  // then
  EXPECT_EQ(limited.status, 0) << limited.err;
  EXPECT_NE(limited.err.find("record_too_large"), std::string::npos) << limited.err;
  EXPECT_EQ(limited.out, "");
  EXPECT_EQ(shipped.status, 0) << shipped.err;
  EXPECT_NE(shipped.out.find("\"article_id\""), std::string::npos) << shipped.err;
}

// `replay --from yesterday` started the embedded broker, then failed with status 1.
TEST(cli, replay_refuses_a_bad_offset_spec_before_starting_a_broker) {
  without_broadsheet_env clean;
  for (const std::vector<std::string>& args : {std::vector<std::string>{"replay", "--from", "yesterday"},
                                               {"replay", "--from", "beginning", "--to", "tomorrow"},
                                               {"replay", "--from=0:x"}}) {
    const auto result = broadsheet(args);
    EXPECT_EQ(result.status, 2) << args.back() << ": " << result.err;
    EXPECT_NE(result.err.find("bad offset spec"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("embedded broker"), std::string::npos) << result.err;
  }
  const auto missing = broadsheet({"replay"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("--from"), std::string::npos) << missing.err;
  const auto lookup = broadsheet({"replay", "--from", "beginning", "--time-lookup", "guess"});
  EXPECT_EQ(lookup.status, 2);
  EXPECT_NE(lookup.err.find("--time-lookup"), std::string::npos) << lookup.err;
}

// `broker --help` listed every setting of the worker, though the broker reads five of them.
TEST(cli, broker_help_lists_only_the_broker_flags) {
  without_broadsheet_env clean;
  const auto help = broadsheet({"broker", "--help"});
  EXPECT_EQ(help.status, 0);
  for (const auto* flag : {"--partitions N", "--log-level", "--log-format", "--input-topic", "--dlq-topic", "--config"})
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag << " in\n" << help.out;
  for (const auto* flag : {"--threads", "--brokers", "--hashes", "-X", "--metrics-port"})
    EXPECT_EQ(help.out.find(flag), std::string::npos) << flag << " in\n" << help.out;
  const auto refused = broadsheet({"broker", "--threads", "2"});
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("broadsheet broker: unknown flag --threads"), std::string::npos) << refused.err;
}

TEST(cli, every_command_answers_help_and_refuses_an_unknown_flag_the_same_way) {
  without_broadsheet_env clean;
  for (const std::string command : {"run", "replay", "broker", "process", "config"}) {
    const auto help = broadsheet({command, "--help"});
    EXPECT_EQ(help.status, 0) << command;
    EXPECT_TRUE(help.out.starts_with("usage: broadsheet " + command)) << help.out;
    const auto bogus = broadsheet({command, "--bogus"});
    EXPECT_EQ(bogus.status, 2) << command;
    EXPECT_TRUE(bogus.err.starts_with("broadsheet " + command + ": unknown flag --bogus")) << bogus.err;
  }
}

}  // namespace
}  // namespace broadsheet::worker
