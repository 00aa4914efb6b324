// dedup_index's snapshot: save() and load(), the index's image on disk.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "pipeline/dedup.h"
#include "pipeline/internal/binary_io.h"
#include "pipeline/internal/dedup_index_impl.h"

namespace broadsheet::pipeline {

using internal::binary_reader;
using internal::binary_writer;
using internal::checksum64;

namespace {

constexpr std::string_view snapshot_magic = "BSDXIDX1";
// Format 2 tells an entry too short to be linked from one linked by its content alone (each
// entry's byte of links); format 1, written when short texts were still linked by their content,
// did not, and is refused.
constexpr std::uint32_t snapshot_format_version = 2;

}  // namespace

std::string dedup_index::save() const {
  const impl& x = *impl_;
  std::string out;
  binary_writer w(out);
  w.put_bytes(snapshot_magic);
  w.put(snapshot_format_version);
  w.put(signature_scheme_version);
  w.put(static_cast<std::uint32_t>(x.k));
  w.put(static_cast<std::uint32_t>(x.options.shingles.unit));
  w.put(static_cast<std::uint32_t>(x.options.shingles.n));
  w.put(default_minhash_seed);
  w.put(x.options.threshold);
  w.put(static_cast<std::uint32_t>(x.options.min_chars));
  w.put(x.newest_day);
  w.put(static_cast<std::uint64_t>(x.evicted));
  // Pages, clusters and entries, renumbered densely.
  std::vector<std::uint32_t> page_no(x.pages.size(), none), cluster_no(x.clusters.size(), none);
  std::vector<std::uint32_t> page_list, cluster_list, entry_list;
  auto use_page = [&](std::uint32_t p) {
    if (page_no[p] == none) {
      page_no[p] = static_cast<std::uint32_t>(page_list.size());
      page_list.push_back(p);
    }
  };
  for (std::uint32_t s = 0; s < x.entries.size(); ++s) {
    const auto& e = x.entries[s];
    if (!e.alive) continue;
    entry_list.push_back(s);
    use_page(e.page);
    if (cluster_no[e.cluster] == none) {
      cluster_no[e.cluster] = static_cast<std::uint32_t>(cluster_list.size());
      cluster_list.push_back(e.cluster);
      use_page(x.clusters[e.cluster].page);
    }
  }
  std::vector<std::uint32_t> entry_no(x.entries.size(), none);
  for (std::uint32_t i = 0; i < entry_list.size(); ++i) entry_no[entry_list[i]] = i;
  w.put(static_cast<std::uint32_t>(page_list.size()));
  for (std::uint32_t p : page_list) w.put_string16(x.pages[p].id);
  w.put(static_cast<std::uint32_t>(cluster_list.size()));
  for (std::uint32_t c : cluster_list) {
    const auto& cl = x.clusters[c];
    w.put(cl.event_day);
    w.put(page_no[cl.page]);
    w.put(cl.ordinal);
    w.put(cl.canonical == none ? none : entry_no[cl.canonical]);
  }
  w.put(static_cast<std::uint32_t>(entry_list.size()));
  for (std::uint32_t s : entry_list) {
    const auto& e = x.entries[s];
    w.put(e.content_hash);
    w.put(e.event_day);
    w.put(page_no[e.page]);
    w.put(e.ordinal);
    w.put(cluster_no[e.cluster]);
    w.put(e.similarity);
    w.put(e.revision);
    // Links: 0 none (too short), 1 by content only, 2 by content and signature (which follows).
    w.put(static_cast<std::uint8_t>(e.linkable + e.indexed));
    if (e.indexed) {
      for (int i = 0; i < x.k; ++i) w.put(x.sig(s)[i]);
    }
  }
  w.put(checksum64(out));
  return out;
}

result<dedup_index> dedup_index::load(std::string_view image, dedup_options options) {
  const auto bad = [](std::string what) { return fail(errc::invalid_field, "index snapshot: " + std::move(what)); };
  if (image.size() < snapshot_magic.size() + 8) return bad("truncated");
  std::uint64_t stored = 0;
  std::memcpy(&stored, image.data() + image.size() - 8, 8);
  if (image.substr(0, snapshot_magic.size()) != snapshot_magic) return bad("not a broadsheet index snapshot");
  if (checksum64(image.substr(0, image.size() - 8)) != stored) return bad("checksum mismatch (corrupt or truncated)");
  binary_reader r(image.substr(snapshot_magic.size(), image.size() - 8 - snapshot_magic.size()));

  std::uint32_t version = 0, scheme = 0, k = 0, unit = 0, n = 0, min_chars = 0;
  std::uint64_t seed = 0, evicted = 0;
  double threshold = 0;
  std::int32_t newest_day = 0;
  if (!r.get(version) || !r.get(scheme) || !r.get(k) || !r.get(unit) || !r.get(n) || !r.get(seed) ||
      !r.get(threshold) || !r.get(min_chars) || !r.get(newest_day) || !r.get(evicted)) {
    return bad("truncated header");
  }
  if (version != snapshot_format_version) return bad("format " + std::to_string(version) + " unsupported");
  dedup_index index(options);
  impl& x = *index.impl_;
  if (scheme != signature_scheme_version || seed != default_minhash_seed) return bad("other signature scheme");
  if (k != static_cast<std::uint32_t>(x.k) || unit != static_cast<std::uint32_t>(options.shingles.unit) ||
      n != static_cast<std::uint32_t>(options.shingles.n) || threshold != options.threshold ||
      min_chars != static_cast<std::uint32_t>(options.min_chars)) {
    return bad("built with other parameters (hashes " + std::to_string(k) + ", shingle n " + std::to_string(n) +
               ", threshold " + std::to_string(threshold) + ")");
  }
  std::uint32_t page_count = 0, cluster_count = 0, entry_count = 0;
  if (!r.get(page_count) || page_count > r.remaining() / 2) return bad("truncated pages");
  std::vector<std::uint32_t> pages(page_count);
  for (auto& p : pages) {
    std::string id;
    if (!r.get_string16(id)) return bad("truncated pages");
    p = x.intern(id);  // one reference held by the loader, dropped at the end
  }
  if (!r.get(cluster_count) || cluster_count > r.remaining() / 16) return bad("truncated clusters");
  struct loaded_cluster {
    std::int32_t day;
    std::uint32_t page, ordinal, canonical;
  };
  std::vector<loaded_cluster> loaded(cluster_count);
  for (auto& c : loaded) {
    if (!r.get(c.day) || !r.get(c.page) || !r.get(c.ordinal) || !r.get(c.canonical)) return bad("truncated clusters");
    if (c.page >= page_count) return bad("cluster names a page that is not there");
  }
  if (!r.get(entry_count) || entry_count > r.remaining() / 31) return bad("truncated entries");
  std::vector<std::uint32_t> cluster_slot(cluster_count, none);
  for (std::uint32_t c = 0; c < cluster_count; ++c) {
    cluster_slot[c] = static_cast<std::uint32_t>(x.clusters.size());
    x.clusters.push_back(impl::cluster{loaded[c].day, pages[loaded[c].page], loaded[c].ordinal, none, none, 0});
    ++x.pages[pages[loaded[c].page]].refs;
    ++x.cluster_count;
  }
  for (std::uint32_t i = 0; i < entry_count; ++i) {
    std::uint64_t content = 0;
    std::int32_t day = 0;
    std::uint32_t page = 0, ordinal = 0, cluster = 0;
    float similarity = 0;
    std::uint16_t revision = 0;
    std::uint8_t links = 0;
    if (!r.get(content) || !r.get(day) || !r.get(page) || !r.get(ordinal) || !r.get(cluster) || !r.get(similarity) ||
        !r.get(revision) || !r.get(links)) {
      return bad("truncated entries");
    }
    if (page >= page_count || cluster >= cluster_count || links > 2) return bad("entry out of range");
    if (x.article_slot(pages[page], ordinal) != none) return bad("an article twice");
    const std::uint32_t slot = x.alloc_slot();
    impl::entry& e = x.entries[slot];
    e = impl::entry{content,  day,  pages[page], ordinal,   cluster_slot[cluster], none, 0, similarity,
                    revision, true, links >= 1,  links == 2};
    ++x.pages[e.page].refs;
    if (e.indexed) {
      for (int j = 0; j < x.k; ++j) {
        if (!r.get(x.sigs[static_cast<std::size_t>(slot) * x.k + j])) return bad("truncated signatures");
      }
    }
    impl::cluster& c = x.clusters[e.cluster];
    if (c.head == none) {
      c.head = slot;
      e.next = slot;
    } else {
      e.next = x.entries[c.head].next;
      x.entries[c.head].next = slot;
    }
    ++c.size;
    if (loaded[cluster].canonical == i) c.canonical = slot;
    x.ids.insert(impl::id_key(e.page, e.ordinal), slot);
    x.remember_age(slot);
    ++x.alive;
  }
  if (r.remaining() != 0) return bad("trailing bytes");
  // A snapshot from an index with a larger capacity may hold more slots than this one's cells
  // were sized for; the next addition evicts down to the capacity.
  x.fit_slots(std::max(x.options.capacity + 1, x.entries.size()));
  for (std::uint32_t s = 0; s < x.entries.size(); ++s) x.index(s);
  for (std::uint32_t p : pages) x.release(p);
  for (const auto& c : x.clusters) {
    if (c.size == 0) return bad("a cluster without members");
  }
  x.newest_day = newest_day;
  x.evicted = evicted;
  return index;
}

}  // namespace broadsheet::pipeline
