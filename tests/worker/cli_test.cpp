#include "worker/cli.h"

#include <gtest/gtest.h>

namespace broadsheet::worker {
namespace {

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

}  // namespace
}  // namespace broadsheet::worker
