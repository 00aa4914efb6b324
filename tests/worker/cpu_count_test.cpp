#include "worker/cpu_count.h"

#include <thread>

#include <gtest/gtest.h>

#include "tests/support/scratch_dir.h"

namespace broadsheet::worker {
namespace {

using testing::scratch_dir;

// A machine of 8 cores, all in the affinity mask, unless a test says otherwise.
cpu_facts eight_cores(const scratch_dir& root) { return {.cgroup_root = root.path(), .hardware = 8, .affinity = 8}; }

TEST(cpu_count, threads_zero_counts_the_container_cpu_limit_not_the_machine_cores) {
  // given: a cgroup v2 limit of 2 CPUs (docker --cpus=2, a Kubernetes limit of "2")
  const scratch_dir root;
  root.write("cpu.max", "200000 100000\n");
  // when / then
  EXPECT_EQ(usable_cpu_count(eight_cores(root)), 2u);
}

TEST(cpu_count, cgroup_v2_quota_rounds_up_to_whole_cpus_and_max_is_no_limit) {
  const scratch_dir root;
  const struct {
    const char* cpu_max;
    unsigned cpus;
  } cases[] = {{"150000 100000\n", 2}, {"25000 100000\n", 1}, {"50000 50000\n", 1}, {"max 100000\n", 8}};
  for (const auto& c : cases) {
    root.write("cpu.max", c.cpu_max);
    EXPECT_EQ(usable_cpu_count(eight_cores(root)), c.cpus) << c.cpu_max;
  }
}

TEST(cpu_count, cgroup_v1_quota_when_there_is_no_cpu_max) {
  const scratch_dir root;
  const struct {
    const char* quota;
    unsigned cpus;
  } cases[] = {{"300000\n", 3}, {"250000\n", 3}, {"-1\n", 8}};
  root.write("cpu/cpu.cfs_period_us", "100000\n");
  for (const auto& c : cases) {
    root.write("cpu/cpu.cfs_quota_us", c.quota);
    EXPECT_EQ(usable_cpu_count(eight_cores(root)), c.cpus) << c.quota;
  }
}

TEST(cpu_count, cgroup_v2_decides_when_both_versions_have_files) {
  const scratch_dir root;
  root.write("cpu.max", "max 100000\n");
  root.write("cpu/cpu.cfs_quota_us", "100000\n");
  root.write("cpu/cpu.cfs_period_us", "100000\n");
  EXPECT_EQ(usable_cpu_count(eight_cores(root)), 8u);
}

TEST(cpu_count, without_cgroup_files_the_cores_count) {
  const scratch_dir root;
  EXPECT_EQ(usable_cpu_count(eight_cores(root)), 8u);
}

TEST(cpu_count, a_malformed_file_counts_as_absent) {
  const scratch_dir root;
  root.write("cpu.max", "lots 100000\n");
  root.write("cpu/cpu.cfs_quota_us", "200000\n");
  root.write("cpu/cpu.cfs_period_us", "0\n");
  EXPECT_EQ(usable_cpu_count(eight_cores(root)), 8u);
}

TEST(cpu_count, the_affinity_mask_caps_the_quota_and_the_cores) {
  // given: taskset or a cpuset allows 3 of the 8 cores
  const scratch_dir root;
  auto facts = eight_cores(root);
  facts.affinity = 3;
  // when / then
  EXPECT_EQ(usable_cpu_count(facts), 3u);
  root.write("cpu.max", "400000 100000\n");
  EXPECT_EQ(usable_cpu_count(facts), 3u);
  root.write("cpu.max", "200000 100000\n");
  EXPECT_EQ(usable_cpu_count(facts), 2u);
}

TEST(cpu_count, unknown_cores_fall_back_to_the_affinity_mask_then_to_one) {
  const scratch_dir root;
  EXPECT_EQ(usable_cpu_count({.cgroup_root = root.path(), .hardware = 0, .affinity = 4}), 4u);
  EXPECT_EQ(usable_cpu_count({.cgroup_root = root.path(), .hardware = 0, .affinity = 0}), 1u);
}

TEST(cpu_count, this_process_may_use_at_least_one_cpu_and_no_more_than_the_machine_has) {
  const unsigned cpus = usable_cpu_count();
  const unsigned cores = std::thread::hardware_concurrency();
  EXPECT_GE(cpus, 1u);
  EXPECT_LE(cpus, cores > 0 ? cores : cpus);
}

}  // namespace
}  // namespace broadsheet::worker
