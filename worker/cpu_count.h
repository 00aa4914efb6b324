#pragma once
// How many CPUs this process may use, for `worker.threads = 0`: in a container that is its CPU
// limit, not the cores of the machine it runs on. Linux only. Reads a few small files and holds no
// state; any thread may call it.

#include <filesystem>

namespace broadsheet::worker {

// What usable_cpu_count decides from. A test points cgroup_root at a directory of its own.
struct cpu_facts {
  // The process's cgroup as a container sees it (cgroup namespace): cpu.max (v2) directly below
  // it, or cpu/cpu.cfs_quota_us and cpu/cpu.cfs_period_us (v1).
  std::filesystem::path cgroup_root = "/sys/fs/cgroup";
  unsigned hardware = 0;  // std::thread::hardware_concurrency(); 0: unknown
  unsigned affinity = 0;  // CPUs in the sched_getaffinity mask; 0: unknown
};

// The cgroup v2 CPU quota (cpu.max "QUOTA PERIOD"; "max …" is no limit), else the cgroup v1 one
// (cpu.cfs_quota_us / cpu.cfs_period_us; -1 is no limit), rounded up to whole CPUs; without a
// quota, `hardware`. Capped by `affinity` (which stands in for an unknown `hardware`); at least 1.
// An unreadable or malformed file counts as absent.
[[nodiscard]] unsigned usable_cpu_count(const cpu_facts& facts);

// usable_cpu_count for this process: /sys/fs/cgroup, hardware_concurrency and sched_getaffinity.
[[nodiscard]] unsigned usable_cpu_count();

}  // namespace broadsheet::worker
