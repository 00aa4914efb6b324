#include "worker/config_command.h"

#include <string>

#include <gtest/gtest.h>

#include "tests/support/without_broadsheet_env.h"

namespace broadsheet::worker {
namespace {

using testing::without_broadsheet_env;

TEST(config_command, config_command_exit_status) {
  without_broadsheet_env clean;
  char print[] = "--print", check[] = "--check", bogus[] = "--bogus", help[] = "--help";
  char* check_only[] = {check, nullptr};
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(config_main(1, check_only), 0);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "configuration ok\n");

  char* print_only[] = {print, nullptr};
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(config_main(1, print_only), 0);
  EXPECT_NE(::testing::internal::GetCapturedStdout().find("[kafka.properties]"), std::string::npos);

  char* both[] = {print, check, nullptr};
  char* neither[] = {nullptr};
  char* bad_flag[] = {check, bogus, nullptr};
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(config_main(2, both), 2);
  EXPECT_EQ(config_main(0, neither), 2);
  EXPECT_EQ(config_main(2, bad_flag), 2);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("broadsheet config: unknown flag --bogus"),
            std::string::npos);

  char* ask_help[] = {help, nullptr};
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(config_main(1, ask_help), 0);
  EXPECT_NE(::testing::internal::GetCapturedStdout().find("BROADSHEET_THRESHOLD"), std::string::npos);
}

// `config --check` builds the three clients' configurations as `run` does (librdkafka checks
// some properties only when a client is created) without connecting to anything.
TEST(config_command, check_builds_the_clients_as_run_does) {
  without_broadsheet_env clean;
  char check[] = "--check", x1[] = "-X", p1[] = "security.protocol=SASL_SSL", x2[] = "-X",
       p2[] = "sasl.mechanism=BOGUS";
  char* bogus[] = {check, x1, p1, x2, p2, nullptr};
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(config_main(5, bogus), 2);
  const std::string out = ::testing::internal::GetCapturedStdout();
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(out.find("configuration ok"), std::string::npos) << out;
  EXPECT_NE(err.find("BOGUS"), std::string::npos) << err;

  // PLAIN needs a user name and a password: librdkafka says so only when the client is made.
  char q1[] = "sasl.mechanism=PLAIN", x3[] = "-X", q2[] = "sasl.username=u", x4[] = "-X", q3[] = "sasl.password=p";
  char* plain_without_user[] = {check, x1, p1, x2, q1, nullptr};
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(config_main(5, plain_without_user), 2);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("sasl.username"), std::string::npos);
  char* plain[] = {check, x1, p1, x2, q1, x3, q2, x4, q3, nullptr};
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(config_main(9, plain), 0);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "configuration ok\n");
}

}  // namespace
}  // namespace broadsheet::worker
