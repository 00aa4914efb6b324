#pragma once
// The near-duplicate index's arrays: memory for tables read at random places, and slot_map, an
// open-addressing map from a 64-bit key to a slot. Internal to pipeline/dedup*.cpp.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "pipeline/internal/hash.h"

namespace broadsheet::pipeline::internal {

// Memory for the arrays an addition reads at random places (band tables, slot maps, entries,
// signatures), cache-line aligned. Arrays of 2 MiB or more are mapped afresh, aligned to 2 MiB
// and marked for transparent huge pages: at 1,000,000 articles they hold 600 MB, and with 4 KiB
// pages nearly every random read is a TLB miss too, whose page walk (two-dimensional in a
// virtual machine) delays the read and can drop a prefetch. Measured on dedup/add_1M: the two
// slot maps moved from vectors to this memory took an addition from 3.2 to 2.6 µs. (Memory from
// malloc would often be pages already faulted in as 4 KiB ones, which the advice no longer
// changes.)
constexpr std::size_t huge_page = 2u << 20;

// Cache-line aligned memory of at least `bytes` (mapped with huge-page advice from huge_page on);
// throws std::bad_alloc when there is none.
void* map_table(std::size_t bytes);
void unmap_table(void* p, std::size_t bytes) noexcept;

template <class T>
struct table_allocator {
  using value_type = T;
  table_allocator() = default;
  template <class U>
  table_allocator(const table_allocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(map_table(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { unmap_table(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const table_allocator<U>&) const noexcept {
    return true;
  }
};
template <class T>
using table = std::vector<T, table_allocator<T>>;

constexpr std::uint32_t none = 0xFFFFFFFFu;

// Slots found by a 64-bit key that their own entry holds (an article's id, a content hash):
// open addressing, linear probing, backward-shift deletion, at most half full. A cell is 8
// bytes, a 32-bit tag of the key's hash and the slot: a lookup usually reads one cache line (keys
// and values in two arrays read two), and a map costs 16 bytes per article, not 24. The cells do
// not hold the key, so a tag match is confirmed by the caller's `holds(slot)`. (At 1,000,000
// articles the two maps' four lookups per addition, each a cache miss, took a quarter of its time.)
class slot_map {
 public:
  template <class Holds>
  [[nodiscard]] std::uint32_t find(std::uint64_t key, Holds&& holds) const {
    if (size_ == 0) return none;
    const std::uint32_t t = tag(key);
    for (std::size_t i = home(t);; i = (i + 1) & mask_) {
      if (cells_[i] == empty) return none;
      if (cell_tag(cells_[i]) == t && holds(cell_slot(cells_[i]))) return cell_slot(cells_[i]);
    }
  }
  // Adds slot under key; the caller has made sure the key is not there yet.
  void insert(std::uint64_t key, std::uint32_t slot) {
    if ((count_ + 1) * 2 > size_) grow();
    place(static_cast<std::uint64_t>(tag(key)) << 32 | slot);
    ++count_;
  }
  // Room for n keys without growing.
  void reserve(std::size_t n) {
    while (n * 2 > size_) grow();
  }
  void erase(std::uint64_t key, std::uint32_t slot) noexcept {
    if (size_ == 0) return;
    const std::uint64_t c = static_cast<std::uint64_t>(tag(key)) << 32 | slot;
    std::size_t i = home(tag(key));
    while (true) {
      if (cells_[i] == empty) return;
      if (cells_[i] == c) break;
      i = (i + 1) & mask_;
    }
    // Backward shift: pull later members of the probe run into the hole.
    for (std::size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      if (cells_[j] == empty) break;
      if (((j - home(cell_tag(cells_[j]))) & mask_) >= ((j - i) & mask_)) {
        cells_[i] = cells_[j];
        i = j;
      }
    }
    cells_[i] = empty;
    --count_;
  }
  // Starts loading key's home cell (a hint; see dedup_index::impl::add).
  void prefetch(std::uint64_t key) const noexcept {
    if (size_ != 0) __builtin_prefetch(&cells_[home(tag(key))]);
  }
  [[nodiscard]] std::size_t memory_bytes() const noexcept { return size_ * sizeof(std::uint64_t); }

 private:
  static constexpr std::uint64_t empty = ~std::uint64_t{0};  // slot `none`: never a real cell
  static std::uint32_t tag(std::uint64_t key) noexcept { return static_cast<std::uint32_t>(mix64(key) >> 32); }
  static std::uint32_t cell_tag(std::uint64_t c) noexcept { return static_cast<std::uint32_t>(c >> 32); }
  static std::uint32_t cell_slot(std::uint64_t c) noexcept { return static_cast<std::uint32_t>(c); }
  // The tag's high bits pick the home cell, so a cell's home is known without its key.
  [[nodiscard]] std::size_t home(std::uint32_t t) const noexcept {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(t) * size_) >> 32);
  }
  void place(std::uint64_t c) noexcept {
    std::size_t i = home(cell_tag(c));
    while (cells_[i] != empty) i = (i + 1) & mask_;
    cells_[i] = c;
  }
  void grow() {
    table<std::uint64_t> old(std::max<std::size_t>(16, size_ * 2), empty);
    old.swap(cells_);
    size_ = cells_.size();
    mask_ = size_ - 1;
    for (std::uint64_t c : old) {
      if (c != empty) place(c);
    }
  }
  table<std::uint64_t> cells_;
  std::size_t size_ = 0, mask_ = 0, count_ = 0;
};

}  // namespace broadsheet::pipeline::internal
