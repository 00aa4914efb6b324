#pragma once
// The near-duplicate index's state and operations (struct dedup_index::impl): dedup.cpp decides
// with it, dedup_snapshot.cpp saves and loads it. Internal to pipeline/dedup*.cpp.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "pipeline/article.h"
#include "pipeline/dedup.h"
#include "pipeline/internal/hash.h"
#include "pipeline/internal/table_memory.h"

namespace broadsheet::pipeline {

namespace internal {

__extension__ using u128 = unsigned __int128;

// One bit per cell of a 64-byte bucket (15 cells, then the meta cell, which is left out): set
// where (cell & mask) == value. Four 128-bit compares where SSE2 is there (every x86-64), instead
// of fifteen unpredictable branches.
inline unsigned match_cells(const std::uint32_t* cells, std::uint32_t mask, std::uint32_t value) noexcept {
  unsigned bits = 0;
#if defined(__SSE2__)
  const __m128i m = _mm_set1_epi32(static_cast<int>(mask)), v = _mm_set1_epi32(static_cast<int>(value));
  const auto eq = [&](int q) {
    const __m128i c = _mm_load_si128(reinterpret_cast<const __m128i*>(cells) + q);
    return _mm_cmpeq_epi32(_mm_and_si128(c, m), v);
  };
  // The four 0/-1 lane masks narrowed to sixteen bytes in cell order (signed saturation keeps
  // 0 and -1), then one movemask.
  const __m128i bytes = _mm_packs_epi16(_mm_packs_epi32(eq(0), eq(1)), _mm_packs_epi32(eq(2), eq(3)));
  bits = static_cast<unsigned>(_mm_movemask_epi8(bytes));
#else
  for (int i = 0; i < 16; ++i) bits |= static_cast<unsigned>((cells[i] & mask) == value) << i;
#endif
  return bits & 0x7FFFu;
}

}  // namespace internal

using internal::match_cells;
using internal::mix64;
using internal::none;
using internal::slot_map;
using internal::table;
using internal::u128;

// --- the index --------------------------------------------------------------------------------------

struct dedup_index::impl {
  struct entry {
    std::uint64_t content_hash = 0;
    std::int32_t event_day = 0;
    std::uint32_t page = none;
    std::uint32_t ordinal = 0;
    std::uint32_t cluster = none;
    std::uint32_t next = none;  // next member of its cluster (a circular list)
    std::uint32_t generation = 0;
    float similarity = std::numeric_limits<float>::quiet_NaN();  // with the canonical; NaN: none
    std::uint16_t revision = 0;
    // One byte for the four, so that an entry stays 40 bytes.
    bool alive : 1 = false;
    // Long enough to be linked (a normalised body of min_chars or more, never empty): only such
    // an entry is in the content map, so a short one is never found, and never looks.
    bool linkable : 1 = false;
    bool indexed : 1 = false;   // linkable and signed: it can be a near-duplicate
    bool in_bands : 1 = false;  // has cells in the band tables (not when an exact twin has them)
  };
  static_assert(sizeof(entry) == 40);
  struct cluster {
    std::int32_t event_day = 0;  // the canonical's order key
    std::uint32_t page = none;
    std::uint32_t ordinal = 0;
    std::uint32_t canonical = none;  // its slot, none once evicted
    std::uint32_t head = none;       // a member
    std::uint32_t size = 0;
  };
  struct page_rec {
    std::string id;
    std::uint32_t refs = 0;
  };
  struct age_item {
    std::uint32_t slot, generation;
  };
  // Slots by event day, for eviction oldest first: O(1) to add, O(1) to take the oldest.
  struct day_bucket {
    std::vector<age_item> items;
    std::size_t next = 0;  // items before it are taken
  };
  struct band_table {
    table<std::uint32_t> cells;  // buckets × 16, 64-byte aligned
    std::size_t buckets = 0, count = 0;
  };

  dedup_options options;
  lsh_params lsh;
  int k = 0;
  int slot_bits = 24;  // see fit_slots
  std::uint32_t slot_mask = 0x00FFFFFFu;
  std::vector<entry> entries;
  std::vector<std::uint16_t> sigs;  // k per slot: the high 16 bits of each MinHash value
  std::vector<std::uint32_t> free_slots;
  std::vector<cluster> clusters;
  std::vector<std::uint32_t> free_clusters;
  std::deque<page_rec> pages;
  std::unordered_map<std::string_view, std::uint32_t> page_index;
  std::vector<std::uint32_t> free_pages;
  slot_map ids;       // (page << 32 | ordinal) → its slot
  slot_map contents;  // content hash → a slot with that content
  std::vector<band_table> bands;
  std::map<std::int32_t, day_bucket> by_day;
  std::vector<std::uint32_t> visited;  // query stamp per slot
  std::uint32_t stamp = 0;
  std::int32_t newest_day = std::numeric_limits<std::int32_t>::min();
  std::size_t alive = 0, indexed = 0, cluster_count = 0, evicted = 0;
  std::vector<std::uint64_t> band_hashes_;             // of the signature being indexed or queried
  std::uint32_t hashed_ = none;                        // the slot whose hashes band_hashes_ holds, or incoming
  static constexpr std::uint32_t incoming = none - 1;  // never a slot: hashes of incoming_
  std::vector<std::uint16_t> incoming_;                // the signature add() is adding
  std::vector<std::uint32_t> near_;                    // add()'s neighbours, kept for its capacity
  struct candidate {
    std::uint32_t slot, band;
  };
  std::vector<candidate> candidates_;  // cells matching the bands of the slot index() last inserted
  std::size_t hot_band_skips = 0;      // band insertions skipped for a hot key (see place)

  explicit impl(dedup_options o) : options(o) {
    const minhasher m(minhash_options{.num_hashes = options.num_hashes});
    k = m.num_hashes();
    options.num_hashes = k;
    lsh = choose_lsh_params(options.threshold, k, options.min_recall);
    bands.resize(static_cast<std::size_t>(lsh.bands));
    options.capacity = std::min<std::size_t>(options.capacity, max_slots - 1);
    fit_slots(options.capacity + 1);  // at most capacity + 1 articles are held at once
  }

  // --- pages ---
  std::uint32_t intern(std::string_view id) {
    if (auto it = page_index.find(id); it != page_index.end()) {
      ++pages[it->second].refs;
      return it->second;
    }
    std::uint32_t p;
    if (!free_pages.empty()) {
      p = free_pages.back();
      free_pages.pop_back();
      pages[p].id.assign(id);
    } else {
      p = static_cast<std::uint32_t>(pages.size());
      pages.push_back(page_rec{std::string(id), 0});
    }
    pages[p].refs = 1;
    page_index.emplace(pages[p].id, p);
    return p;
  }
  void release(std::uint32_t p) {
    if (--pages[p].refs == 0) {
      page_index.erase(pages[p].id);
      pages[p].id.clear();
      pages[p].id.shrink_to_fit();
      free_pages.push_back(p);
    }
  }

  static std::uint64_t id_key(std::uint32_t page, std::uint32_t ordinal) {
    return (static_cast<std::uint64_t>(page) << 32) | ordinal;
  }
  std::uint32_t article_slot(std::uint32_t page, std::uint32_t ordinal) const {
    return ids.find(id_key(page, ordinal),
                    [&](std::uint32_t s) { return entries[s].page == page && entries[s].ordinal == ordinal; });
  }
  std::uint32_t content_slot(std::uint64_t hash) const {
    return contents.find(hash, [&](std::uint32_t s) { return entries[s].content_hash == hash; });
  }

  // --- order keys and ids ---
  bool key_less(std::int32_t day_a, std::uint32_t page_a, std::uint32_t ord_a, std::int32_t day_b, std::uint32_t page_b,
                std::uint32_t ord_b) const {
    if (day_a != day_b) return day_a < day_b;
    if (page_a != page_b) {
      const int c = pages[page_a].id.compare(pages[page_b].id);
      if (c != 0) return c < 0;
    }
    return ord_a < ord_b;
  }
  std::string article_id_of(std::uint32_t page, std::uint32_t ordinal) const {
    return make_article_id(pages[page].id, static_cast<int>(ordinal));
  }

  // --- signatures and bands ---
  const std::uint16_t* sig(std::uint32_t slot) const { return sigs.data() + static_cast<std::size_t>(slot) * k; }
  // Four 16-bit rows at a time into one mixing round. Band hashes live only in memory (the
  // tables are rebuilt on load), so they may change between versions.
  std::uint64_t band_hash(const std::uint16_t* s, int band) const {
    std::uint64_t h = 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(band + 1);
    const std::uint16_t* row = s + static_cast<std::ptrdiff_t>(band) * lsh.rows;
    int r = 0;
    for (; r + 4 <= lsh.rows; r += 4) {  // a fixed-size copy: one load (a variable one was a byte loop)
      std::uint64_t word;
      std::memcpy(&word, row + r, sizeof word);
      h = mix64(h ^ word);
    }
    if (r < lsh.rows) {  // the last rows, zero-padded
      std::uint64_t word = 0;
      std::memcpy(&word, row + r, sizeof(std::uint16_t) * static_cast<std::size_t>(lsh.rows - r));
      h = mix64(h ^ word);
    }
    return h;
  }
  bool band_equal(const std::uint16_t* a, const std::uint16_t* b, int band) const {
    const std::size_t at = static_cast<std::size_t>(band) * lsh.rows;
    for (int r = 0; r < lsh.rows; ++r) {
      if (a[at + r] != b[at + r]) return false;
    }
    return true;
  }
  double similarity(std::uint32_t a, std::uint32_t b) const {
    if (entries[a].content_hash == entries[b].content_hash) return 1.0;
    if (!entries[a].indexed || !entries[b].indexed) return 0.0;
    const std::uint16_t *x = sig(a), *y = sig(b);
    int equal = 0;
    for (int i = 0; i < k; ++i) equal += x[i] == y[i];
    return static_cast<double>(equal) / k;
  }

  // Band tables: buckets of one cache line, 15 cells and a spill count. A cell holds a slot in
  // its low slot_bits and, above it, a fingerprint of the band hash (as many bits as the slots
  // leave: 12 at the default capacity of 1,000,000), so a probe rejects other bands without
  // reading their signatures. An entry lives in its home bucket or, when that is full, in the
  // next one (counted in the home bucket's spill count). Deleting clears a cell: no tombstones,
  // so a table at steady size is never rebuilt; tables are rebuilt only to grow. (Leaving
  // evicted cells behind and rebuilding at 70 % load was measured: the rebuilds, 1.4 s for a
  // million articles every 400,000 additions, cost four times the erasures they save.)
  static constexpr std::uint32_t max_slots = 0x00FFFFFDu;  // slots fit in 24 bits, away from none
  static constexpr std::size_t bucket_cells = 15;          // + 1 spill count = 64 bytes

  // Sizes the cell layout for slots below `slots`: slot_bits = bits of slots + 1, at most 24.
  void fit_slots(std::size_t slots) {
    slot_bits = std::min(24, std::max(1, static_cast<int>(std::bit_width(slots + 1))));
    slot_mask = (std::uint32_t{1} << slot_bits) - 1;
  }
  // The fingerprint of h, in place above the slot bits. Never all ones, so that no cell of an
  // entry equals `none` and a fingerprint never matches an empty cell.
  std::uint32_t fingerprint(std::uint64_t h) const {
    const std::uint32_t f = static_cast<std::uint32_t>(h) << slot_bits;
    return (f | slot_mask) == none ? f ^ (slot_mask + 1) : f;
  }
  std::uint32_t cell(std::uint64_t h, std::uint32_t slot) const { return fingerprint(h) | slot; }
  std::uint32_t cell_slot(std::uint32_t c) const { return c & slot_mask; }
  static std::size_t home(const band_table& t, std::uint64_t h) {
    return static_cast<std::size_t>((static_cast<u128>(h) * t.buckets) >> 64);
  }
  static std::size_t wrap(const band_table& t, std::size_t b) { return b < t.buckets ? b : b - t.buckets; }
  static std::uint32_t* bucket(band_table& t, std::size_t b) { return t.cells.data() + b * 16; }
  static const std::uint32_t* bucket(const band_table& t, std::size_t b) { return t.cells.data() + b * 16; }

  // A bucket's meta cell: how many entries homed here live in later buckets (low 24 bits) and
  // how far the furthest of them is (high 8 bits).
  static std::uint32_t spill_count(std::uint32_t meta) { return meta & 0x00FFFFFFu; }
  static std::size_t spill_reach(std::uint32_t meta) { return meta >> 24; }

  // Puts slot into the first bucket with room from its home on; false when none within 255
  // buckets (the table must grow). With a query, also calls seen(other) for every cell already
  // in the bucket run that matches h: the query of an article reads the buckets its insertion
  // reads, so both are one pass (measured: 10 % of an addition's time went to locating them
  // twice). Without one, it stops at the free cell: a hot band key's run can be 255 buckets.
  struct no_query {
    void operator()(std::uint32_t) const noexcept {}
  };
  template <class F = no_query>
  bool band_insert(band_table& t, std::uint64_t h, std::uint32_t slot, F&& seen = {}) const {
    constexpr bool query = !std::is_same_v<std::decay_t<F>, no_query>;
    const std::size_t b = home(t, h);
    const std::size_t reach = query ? spill_reach(bucket(t, b)[bucket_cells]) : 0;
    const std::uint32_t f = fingerprint(h);
    bool placed = false;
    for (std::size_t step = 0; step < std::min<std::size_t>(256, t.buckets); ++step) {
      std::uint32_t* cells = bucket(t, wrap(t, b + step));
      if (query && step <= reach) {
        for (unsigned m = match_cells(cells, ~slot_mask, f); m != 0; m &= m - 1)
          seen(cell_slot(cells[std::countr_zero(m)]));
      }
      if (!placed) {
        if (const unsigned free = match_cells(cells, ~0u, none); free != 0) {
          cells[std::countr_zero(free)] = f | slot;
          if (step > 0) {
            std::uint32_t& meta = bucket(t, b)[bucket_cells];
            meta = static_cast<std::uint32_t>(std::max(spill_reach(meta), step) << 24) | (spill_count(meta) + 1);
          }
          ++t.count;
          placed = true;
        }
      }
      if (placed && step >= reach) return true;
    }
    return placed;
  }
  // Slot's cell for h in its bucket run, and how many buckets past the home bucket it is; null
  // when it is not there.
  static std::uint32_t* find_cell(band_table& t, std::uint64_t h, std::uint32_t c, std::size_t& step) {
    const std::size_t b = home(t, h);
    const std::size_t reach = spill_reach(bucket(t, b)[bucket_cells]);
    for (step = 0; step <= reach; ++step) {
      std::uint32_t* cells = bucket(t, wrap(t, b + step));
      if (const unsigned found = match_cells(cells, ~0u, c); found != 0) return cells + std::countr_zero(found);
    }
    return nullptr;
  }
  // Gives slot's cell for h to heir (the same fingerprint, so it stays where it is).
  void band_rename(band_table& t, std::uint64_t h, std::uint32_t slot, std::uint32_t heir) const {
    std::size_t step = 0;
    if (std::uint32_t* c = find_cell(t, h, cell(h, slot), step)) *c = cell(h, heir);
  }
  void band_erase(band_table& t, std::uint64_t h, std::uint32_t slot) const {
    std::size_t step = 0;
    std::uint32_t* c = find_cell(t, h, cell(h, slot), step);
    if (c == nullptr) return;
    *c = none;
    if (step > 0) {
      std::uint32_t& meta = bucket(t, home(t, h))[bucket_cells];
      const std::uint32_t left = spill_count(meta) - 1;
      meta = left == 0 ? 0 : (meta & 0xFF000000u) | left;
    }
    --t.count;
  }
  // Rebuilds every band table with room for `want` entries at half load, from the live slots.
  // Grows again if some bucket run still overflows. The slots' band hashes are computed and
  // their buckets prefetched `ahead` slots before they are inserted, so that the insertions'
  // cache misses overlap (a rebuild of 1,000,000 articles makes 32,000,000 random insertions).
  void rebuild_bands(std::size_t want) {
    std::vector<std::uint32_t> live;
    live.reserve(indexed);
    for (std::uint32_t s = 0; s < entries.size(); ++s) {
      if (entries[s].alive && entries[s].in_bands) live.push_back(s);
    }
    constexpr std::size_t ahead = 4;
    const auto nb = static_cast<std::size_t>(lsh.bands);
    std::vector<std::uint64_t> ring((ahead + 1) * nb);
    std::size_t buckets = std::max<std::size_t>(4, (want * 2 + bucket_cells - 1) / bucket_cells);
    while (true) {
      for (auto& t : bands) {
        table<std::uint32_t>().swap(t.cells);  // before allocating the next: one generation at a time
        t.buckets = buckets;
        t.cells.assign(buckets * 16, none);
        for (std::size_t b = 0; b < buckets; ++b) t.cells[b * 16 + bucket_cells] = 0;
        t.count = 0;
      }
      bool overflow = false;
      for (std::size_t i = 0; i < live.size() + ahead && !overflow; ++i) {
        if (i < live.size()) {
          std::uint64_t* h = ring.data() + (i % (ahead + 1)) * nb;
          for (std::size_t b = 0; b < nb; ++b) {
            h[b] = band_hash(sig(live[i]), static_cast<int>(b));
            __builtin_prefetch(bucket(bands[b], home(bands[b], h[b])), 1);
          }
        }
        if (i < ahead) continue;
        const std::size_t j = i - ahead;
        const std::uint64_t* h = ring.data() + (j % (ahead + 1)) * nb;
        for (std::size_t b = 0; b < nb && !overflow; ++b) overflow = !place(bands[b], h[b], live[j]);
      }
      if (!overflow) return;
      buckets = buckets * 5 / 4 + 1;
    }
  }
  // Band hashes of a slot's signature into band_hashes_, with the first cache line of each
  // probe prefetched: the bands' cache misses overlap instead of following one another.
  void band_hashes(std::uint32_t slot) {
    if (hashed_ == slot) return;
    hashed_ = slot;
    band_hashes_of(sig(slot));
  }
  void band_hashes_of(const std::uint16_t* s) {
    band_hashes_.resize(static_cast<std::size_t>(lsh.bands));
    for (int b = 0; b < lsh.bands; ++b) {
      band_hashes_[b] = band_hash(s, b);
      const band_table& t = bands[b];
      if (t.buckets > 0) __builtin_prefetch(bucket(t, home(t, band_hashes_[b])));
    }
  }

  void index(std::uint32_t slot) {
    entry& e = entries[slot];
    if (!e.linkable) return;
    const std::uint32_t twin = content_slot(e.content_hash);
    if (twin == none) contents.insert(e.content_hash, slot);
    if (!e.indexed) return;
    // An exact twin in the bands stands for this slot there: a query that finds it finds their
    // cluster, and it hands its cells over when it goes (unindex). Cells for every copy made a
    // text reprinted hundreds of times a hot key in every band, whose runs each insertion and
    // rebuild walked (13 % of the samples of a deduplicating run on the fixture input).
    if (twin != none && twin != slot && entries[twin].in_bands && same_signature(twin, slot)) return;
    // Candidates are collected unless an exact twin answers the query (see neighbours).
    const bool query = twin == none || twin == slot;
    const auto collect = [&](std::uint32_t c, int b) {
      candidates_.push_back(candidate{c, static_cast<std::uint32_t>(b)});
    };
    if (past_growth_point(bands.front().count + 1)) {
      // Past 70 % load: double the tables (to 35 %), at least 1,024 articles' worth. Doubling,
      // not growing to 50 %, halves the insertions spent on rebuilds while an index fills
      // (measured: 40 % of the deciding time of a worker's first 12,000 articles went to
      // rebuilds at ×1.4). Tables that would not reach 70 % again before the index is full are
      // sized for the capacity at once, so that a full index runs at 50 % load. (Capping the
      // doubling at the capacity instead left a full index at whatever load the last doubling
      // gave: 58 % at 1,000,000, where spilled entries then slowed additions by 10 %.)
      rebuild_bands(tables_for(indexed + 1));
    }
    band_hashes(slot);
    candidates_.clear();
    for (int b = 0; b < lsh.bands; ++b) {
      if (query ? place(bands[b], band_hashes_[b], slot, [&](std::uint32_t c) { collect(c, b); })
                : place(bands[b], band_hashes_[b], slot)) {
        continue;
      }
      // The probe range is full: grow every table (strictly), then insert all bands again.
      for (int done = 0; done < b; ++done) band_erase(bands[done], band_hashes_[done], slot);
      rebuild_bands(bands[b].buckets * bucket_cells * 5 / 8 + 1);
      band_hashes(slot);
      candidates_.clear();
      b = -1;
    }
    e.in_bands = true;
    ++indexed;
  }
  // The articles' worth of band tables the growth rule gives when `n` need room.
  std::size_t tables_for(std::size_t n) const {
    const std::size_t want = std::max<std::size_t>(n * 7 / 5, 1024);
    return want * 7 / 5 >= options.capacity ? std::max(n, options.capacity + 1) : want;
  }
  // Room for `articles` (at most the capacity): band tables as the growth rule would leave them
  // once they hold that many, maps, entries and signatures, so that filling the index (a
  // restore) neither rebuilds the tables on the way nor copies growing arrays.
  void reserve(std::size_t articles) {
    const std::size_t n = std::min(articles, options.capacity);
    if (n <= alive) return;
    entries.reserve(n);
    sigs.reserve(n * static_cast<std::size_t>(k));
    visited.reserve(n);
    ids.reserve(n);
    contents.reserve(n);
    if (past_growth_point(n)) rebuild_bands(tables_for(n));
  }
  // Whether n entries would load the tables past 70 %, where they grow.
  bool past_growth_point(std::size_t n) const { return n * 10 > bands.front().buckets * bucket_cells * 7; }
  bool same_signature(std::uint32_t a, std::uint32_t b) const {
    return std::memcmp(sig(a), sig(b), static_cast<std::size_t>(k) * sizeof(std::uint16_t)) == 0;
  }
  // Inserts, or skips a band whose key is hot: when a lightly loaded table has no free cell
  // within the probe range, thousands of entries share this band key (one text reprinted
  // thousands of times). The slot stays findable through its other bands, its content hash, and
  // the entries already there; growing could not help. False only when the table needs to grow.
  template <class F = no_query>
  bool place(band_table& t, std::uint64_t h, std::uint32_t slot, F&& seen = {}) {
    if (band_insert(t, h, slot, std::forward<F>(seen))) return true;
    if (t.count * 2 < t.buckets * bucket_cells) {
      ++hot_band_skips;
      return true;
    }
    return false;
  }
  void unindex(std::uint32_t slot) {
    entry& e = entries[slot];
    if (!e.linkable) return;
    if (e.in_bands) band_hashes(slot);  // first: it starts loading the buckets
    std::uint32_t heir = none;
    if (content_slot(e.content_hash) == slot) {
      contents.erase(e.content_hash, slot);
      // Keep exact matching for the rest of the cluster: another member with the same content.
      for (std::uint32_t m = e.next; m != slot && m != none; m = entries[m].next) {
        if (entries[m].content_hash == e.content_hash) {
          contents.insert(e.content_hash, m);
          heir = m;
          break;
        }
      }
    }
    if (!e.in_bands) return;
    e.in_bands = false;
    --indexed;
    if (heir != none && entries[heir].indexed && !entries[heir].in_bands && same_signature(heir, slot)) {
      // The twin takes the cells over: the same band hashes, so the same cells with its slot.
      for (int b = 0; b < lsh.bands; ++b) band_rename(bands[b], band_hashes_[b], slot, heir);
      entries[heir].in_bands = true;
      ++indexed;
      return;
    }
    for (int b = 0; b < lsh.bands; ++b) band_erase(bands[b], band_hashes_[b], slot);
  }

  // Alive slots whose similarity with slot reaches the threshold (exact duplicates included).
  // Called right after index(slot), which collected the band candidates unless an exact twin
  // answers the query (the same content_slot lookup as below).
  void neighbours(std::uint32_t slot, std::vector<std::uint32_t>& out) {
    out.clear();
    if (++stamp == 0) {
      std::fill(visited.begin(), visited.end(), 0);
      stamp = 1;
    }
    visited[slot] = stamp;
    const entry& e = entries[slot];
    if (!e.linkable) return;
    if (const std::uint32_t same = content_slot(e.content_hash); same != none && visited[same] != stamp) {
      visited[same] = stamp;
      out.push_back(same);
      // An exact twin's cluster already holds every neighbour of this text (links are made
      // both ways when each arrives), so the LSH query would only find the same cluster again:
      // a text reprinted thousands of times costs one lookup, not thousands of verifications.
      return;
    }
    if (!e.indexed) return;
    const std::uint16_t* q = sig(slot);
    for (const auto [c, band] : candidates_) {
      if (visited[c] == stamp || !band_equal(q, sig(c), static_cast<int>(band))) continue;
      visited[c] = stamp;
      if (similarity(slot, c) >= options.threshold) out.push_back(c);
    }
  }

  // --- clusters ---
  std::uint32_t new_cluster(std::uint32_t slot) {
    std::uint32_t c;
    if (!free_clusters.empty()) {
      c = free_clusters.back();
      free_clusters.pop_back();
    } else {
      c = static_cast<std::uint32_t>(clusters.size());
      clusters.emplace_back();
    }
    const entry& e = entries[slot];
    ++pages[e.page].refs;
    clusters[c] = cluster{e.event_day, e.page, e.ordinal, slot, slot, 1};
    entries[slot].cluster = c;
    entries[slot].next = slot;
    ++cluster_count;
    return c;
  }
  void free_cluster(std::uint32_t c) {
    release(clusters[c].page);
    clusters[c] = cluster{};
    free_clusters.push_back(c);
    --cluster_count;
  }
  bool cluster_less(std::uint32_t a, std::uint32_t b) const {
    const cluster &x = clusters[a], &y = clusters[b];
    return key_less(x.event_day, x.page, x.ordinal, y.event_day, y.page, y.ordinal);
  }

  dedup_verdict verdict_of(std::uint32_t slot) const {
    const entry& e = entries[slot];
    const cluster& c = clusters[e.cluster];
    dedup_verdict v;
    v.revision = e.revision;
    if (c.canonical == slot) return v;
    v.duplicate_of = article_id_of(c.page, c.ordinal);
    if (!std::isnan(e.similarity)) v.similarity = std::round(static_cast<double>(e.similarity) * 10000) / 10000;
    return v;
  }

  // Merges the clusters of slot and its neighbours under the smallest canonical; members whose
  // canonical changed (other than slot) are corrected.
  void link(std::uint32_t slot, const std::vector<std::uint32_t>& near, std::vector<dedup_correction>& corrections) {
    if (near.empty()) return;
    std::vector<std::uint32_t> involved{entries[slot].cluster};
    for (std::uint32_t n : near) {
      const std::uint32_t c = entries[n].cluster;
      if (std::find(involved.begin(), involved.end(), c) == involved.end()) involved.push_back(c);
    }
    if (involved.size() == 1) return;
    const std::uint32_t winner = *std::min_element(
        involved.begin(), involved.end(), [&](std::uint32_t a, std::uint32_t b) { return cluster_less(a, b); });
    cluster& w = clusters[winner];
    std::vector<std::uint32_t> moved;
    for (std::uint32_t c : involved) {
      if (c == winner) continue;
      cluster& l = clusters[c];
      std::uint32_t m = l.head;
      do {
        entries[m].cluster = winner;
        moved.push_back(m);
        m = entries[m].next;
      } while (m != l.head);
      // Splice the two circular lists.
      std::swap(entries[w.head].next, entries[l.head].next);
      w.size += l.size;
      free_cluster(c);
    }
    for (std::uint32_t m : moved) {
      entry& e = entries[m];
      if (w.canonical != none) e.similarity = static_cast<float>(similarity(m, w.canonical));
      if (m == slot) continue;
      ++e.revision;
      corrections.push_back(dedup_correction{article_id_of(e.page, e.ordinal), verdict_of(m)});
    }
  }

  // --- slots and eviction ---
  std::uint32_t alloc_slot() {
    std::uint32_t s;
    if (!free_slots.empty()) {
      s = free_slots.back();
      free_slots.pop_back();
    } else {
      s = static_cast<std::uint32_t>(entries.size());
      entries.emplace_back();
      sigs.resize(sigs.size() + static_cast<std::size_t>(k));
      visited.push_back(0);
    }
    return s;
  }

  void evict(std::uint32_t slot) {
    entry& e = entries[slot];
    contents.prefetch(e.content_hash);
    ids.prefetch(id_key(e.page, e.ordinal));
    __builtin_prefetch(&clusters[e.cluster]);
    __builtin_prefetch(&pages[e.page]);
    unindex(slot);
    ids.erase(id_key(e.page, e.ordinal), slot);
    cluster& c = clusters[e.cluster];
    if (c.size == 1) {
      free_cluster(e.cluster);
    } else {
      std::uint32_t prev = slot;
      while (entries[prev].next != slot) prev = entries[prev].next;
      entries[prev].next = e.next;
      if (c.head == slot) c.head = e.next;
      if (c.canonical == slot) c.canonical = none;
      --c.size;
    }
    release(e.page);
    const std::uint32_t generation = e.generation + 1;
    e = entry{};
    e.generation = generation;
    free_slots.push_back(slot);
    --alive;
    ++evicted;
  }

  void evict_old() {
    while (!by_day.empty()) {
      auto oldest = by_day.begin();
      day_bucket& bucket = oldest->second;
      if (bucket.next == bucket.items.size()) {
        by_day.erase(oldest);
        continue;
      }
      const age_item top = bucket.items[bucket.next];
      const entry& e = entries[top.slot];
      if (!e.alive || e.generation != top.generation) {
        ++bucket.next;
        continue;
      }
      const bool over_capacity = alive > options.capacity;
      const bool too_old =
          static_cast<std::int64_t>(oldest->first) < static_cast<std::int64_t>(newest_day) - options.horizon_days;
      if (!over_capacity && !too_old) break;
      ++bucket.next;
      evict(top.slot);
    }
  }

  void remember_age(std::uint32_t slot) {
    by_day[entries[slot].event_day].items.push_back(age_item{slot, entries[slot].generation});
  }

  // The slot the next eviction will most likely take (a hint: it may be stale or not old enough).
  std::uint32_t likely_evictee() const {
    if (alive < options.capacity || by_day.empty()) return none;
    const day_bucket& oldest = by_day.begin()->second;
    return oldest.next < oldest.items.size() ? oldest.items[oldest.next].slot : none;
  }

  dedup_outcome add(const signature_record& rec) {
    dedup_outcome out;
    // Short texts collide (two unrelated 20-character items can be identical, and every
    // title-only item has the empty body): below min_chars a text is not linked at all.
    const bool linkable =
        rec.normalized_chars > 0 && rec.normalized_chars >= static_cast<std::uint32_t>(options.min_chars);
    const bool signed_ok = linkable && rec.signature.size() == static_cast<std::size_t>(k);
    // An addition at 1,000,000 articles misses the cache about 80 times: its own and its
    // evictee's buckets, map cells, entry and signature. Everything whose address is known now
    // starts loading now, so that the misses overlap instead of following one another.
    if (signed_ok) {
      incoming_.resize(static_cast<std::size_t>(k));
      for (int i = 0; i < k; ++i) incoming_[i] = static_cast<std::uint16_t>(rec.signature[i] >> 16);
      band_hashes_of(incoming_.data());
      hashed_ = incoming;
    }
    contents.prefetch(rec.content_hash);
    if (const std::uint32_t ev = likely_evictee(); ev != none) {
      __builtin_prefetch(&entries[ev]);
      const auto* s = reinterpret_cast<const char*>(sig(ev));
      for (std::size_t at = 0; at < static_cast<std::size_t>(k) * sizeof(std::uint16_t); at += 64) {
        __builtin_prefetch(s + at);
      }
    }
    std::uint32_t page = intern(rec.key.page_id);
    const auto ordinal = static_cast<std::uint32_t>(rec.key.ordinal);
    ids.prefetch(id_key(page, ordinal));
    std::uint32_t slot = article_slot(page, ordinal);
    std::optional<dedup_verdict> before;
    if (slot != none) {
      release(page);  // the entry already holds a reference
      entry& e = entries[slot];
      if (e.content_hash == rec.content_hash && e.event_day == rec.key.event_day) {
        out.verdict = verdict_of(slot);  // a replay: same decision, nothing to correct
        return out;
      }
      before = verdict_of(slot);
      unindex(slot);
      e.content_hash = rec.content_hash;
      e.event_day = rec.key.event_day;
      e.linkable = linkable;
      e.indexed = signed_ok;
    } else {
      slot = alloc_slot();
      entry& e = entries[slot];
      e.content_hash = rec.content_hash;
      e.event_day = rec.key.event_day;
      e.page = page;
      e.ordinal = ordinal;
      e.alive = true;
      e.linkable = linkable;
      e.indexed = signed_ok;
      ids.insert(id_key(page, ordinal), slot);
      new_cluster(slot);
      remember_age(slot);
      ++alive;
    }
    if (signed_ok) {
      std::copy(incoming_.begin(), incoming_.end(), sigs.begin() + static_cast<std::ptrdiff_t>(slot) * k);
      hashed_ = hashed_ == incoming ? slot : none;  // unindexing an earlier version rehashes
    }
    newest_day = std::max(newest_day, rec.key.event_day);
    index(slot);
    neighbours(slot, near_);
    link(slot, near_, out.corrections);
    entry& e = entries[slot];
    const cluster& c = clusters[e.cluster];
    if (c.canonical == slot) {
      e.similarity = std::numeric_limits<float>::quiet_NaN();
    } else if (c.canonical != none) {
      e.similarity = static_cast<float>(similarity(slot, c.canonical));
    } else if (std::isnan(e.similarity)) {
      double best = 0;
      for (std::uint32_t n : near_) best = std::max(best, similarity(slot, n));
      e.similarity = static_cast<float>(best);
    }
    out.verdict = verdict_of(slot);
    if (before && (before->duplicate_of != out.verdict.duplicate_of || before->similarity != out.verdict.similarity)) {
      ++e.revision;
      out.verdict.revision = e.revision;
    }
    evict_old();
    return out;
  }

  std::size_t age_bytes() const {
    std::size_t n = 0;
    for (const auto& [day, b] : by_day) n += b.items.capacity() * sizeof(age_item) + 64;
    return n;
  }

  std::size_t memory_bytes() const {
    std::size_t n = entries.capacity() * sizeof(entry) + sigs.capacity() * sizeof(std::uint16_t) +
                    free_slots.capacity() * 4 + clusters.capacity() * sizeof(cluster) + free_clusters.capacity() * 4 +
                    visited.capacity() * 4 + ids.memory_bytes() + contents.memory_bytes() + age_bytes();
    for (const auto& b : bands) n += b.buckets * 64;
    for (const auto& p : pages) n += sizeof(page_rec) + p.id.capacity();
    n += page_index.size() * (sizeof(std::string_view) + sizeof(std::uint32_t) + 2 * sizeof(void*)) +
         page_index.bucket_count() * sizeof(void*);
    return n;
  }
};

}  // namespace broadsheet::pipeline
