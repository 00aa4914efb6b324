#pragma once
// A directory of its own for the running GoogleTest test, under the system's temporary directory,
// emptied when made and removed afterwards. Header-only: only test executables (which link
// GoogleTest) include it.

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include <gtest/gtest.h>
#include <unistd.h>

namespace broadsheet::testing {

class scratch_dir {
 public:
  scratch_dir() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() / ("broadsheet-" + std::string(test->test_suite_name()) + "-" +
                                                      std::to_string(::getpid()) + "-" + test->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~scratch_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `text` to NAME (a relative path; its folders are made) and returns the file's path.
  std::string write(const std::string& name, const std::string& text) const {
    const auto file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

}  // namespace broadsheet::testing
