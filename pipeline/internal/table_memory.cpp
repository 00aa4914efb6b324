#include "pipeline/internal/table_memory.h"

#include <cstdint>
#include <cstdlib>
#include <new>

#include <sys/mman.h>

namespace broadsheet::pipeline::internal {

void* map_table(std::size_t bytes) {
  if (bytes < huge_page) {
    void* p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  bytes = (bytes + huge_page - 1) / huge_page * huge_page;
  void* raw = ::mmap(nullptr, bytes + huge_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  // Keep the 2 MiB-aligned part; unmap the rest around it.
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + huge_page - 1) / huge_page * huge_page;
  if (aligned > start) (void)::munmap(raw, aligned - start);
  if (const std::size_t tail = start + huge_page - aligned; tail > 0) {
    (void)::munmap(reinterpret_cast<void*>(aligned + bytes), tail);
  }
  auto* p = reinterpret_cast<void*>(aligned);
  (void)::madvise(p, bytes, MADV_HUGEPAGE);  // advice only: failure is harmless
  return p;
}

void unmap_table(void* p, std::size_t bytes) noexcept {
  if (bytes < huge_page) {
    std::free(p);
  } else {
    (void)::munmap(p, (bytes + huge_page - 1) / huge_page * huge_page);
  }
}

}  // namespace broadsheet::pipeline::internal
