#include "worker/cpu_count.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <thread>

#include <sched.h>

namespace broadsheet::worker {

namespace {

namespace fs = std::filesystem;

// A quota of `quota` microseconds per `period`: a limit of that many CPUs.
struct cpu_quota {
  std::int64_t quota;
  std::int64_t period;
};

// The whole number at the start of a one-line file; nullopt when it is missing or malformed.
std::optional<std::int64_t> read_number(const fs::path& file) {
  std::ifstream in(file);
  std::int64_t n = 0;
  if (!(in >> n)) return std::nullopt;
  return n;
}

// A cgroup version's CPU quota: nullopt when its files are absent or malformed (the next source
// decides), a quota of 0 when they say there is no limit.
std::optional<cpu_quota> cgroup_v2_quota(const fs::path& root) {
  std::ifstream in(root / "cpu.max");
  std::string quota;
  std::int64_t period = 0;
  if (!(in >> quota >> period) || period <= 0) return std::nullopt;
  if (quota == "max") return cpu_quota{0, period};
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(quota.data(), quota.data() + quota.size(), n);
  if (ec != std::errc() || end != quota.data() + quota.size() || n <= 0) return std::nullopt;
  return cpu_quota{n, period};
}

std::optional<cpu_quota> cgroup_v1_quota(const fs::path& root) {
  const auto quota = read_number(root / "cpu" / "cpu.cfs_quota_us");
  const auto period = read_number(root / "cpu" / "cpu.cfs_period_us");
  if (!quota || !period || *period <= 0) return std::nullopt;
  if (*quota == -1) return cpu_quota{0, *period};
  if (*quota <= 0) return std::nullopt;
  return cpu_quota{*quota, *period};
}

unsigned affinity_cpu_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;  // more CPUs than a cpu_set_t holds
  return static_cast<unsigned>(CPU_COUNT(&set));
}

}  // namespace

unsigned usable_cpu_count(const cpu_facts& facts) {
  auto quota = cgroup_v2_quota(facts.cgroup_root);
  if (!quota) quota = cgroup_v1_quota(facts.cgroup_root);
  std::int64_t cpus = facts.hardware;
  if (quota && quota->quota > 0) cpus = (quota->quota + quota->period - 1) / quota->period;
  if (facts.affinity > 0 && (cpus == 0 || cpus > facts.affinity)) cpus = facts.affinity;
  return static_cast<unsigned>(std::max<std::int64_t>(cpus, 1));
}

unsigned usable_cpu_count() {
  return usable_cpu_count({.hardware = std::thread::hardware_concurrency(), .affinity = affinity_cpu_count()});
}

}  // namespace broadsheet::worker
