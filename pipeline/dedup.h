#pragma once
// Near-duplicate decisions (ARCHITECTURE.md, "Near-duplicate decisions").
//
// The order key of an article is (event day of its page, page_id, ordinal). Articles whose
// estimated Jaccard similarity reaches the threshold are linked; a cluster is a connected
// component of these links, and its canonical is the member with the smallest order key. Every
// other member has duplicate_of = the canonical and similarity = its estimated Jaccard with the
// canonical. Because the links between two articles do not depend on when either arrived, the
// final state is the same for every arrival order: when an article arrives that becomes a
// cluster's canonical, or joins two clusters, the members whose canonical changed get a
// correction (same article_id, revision + 1).
//
// signer turns an article into a signature_record (the compact record the worker publishes to
// articles.signatures); dedup_index holds records and decides. Texts shorter than min_chars
// after dedup normalisation, and empty ones, are never linked, not even to an identical text:
// short texts collide (two unrelated 20-character items can be identical, and every title-only
// item has the empty body).
//
// Bounded: at most `capacity` articles and `horizon_days` of event time; the oldest event day
// is evicted first. An evicted canonical keeps its place as its cluster's canonical while the
// cluster has members in the index.
//
// Neither class is thread-safe: one signer per thread; the index is owned by one thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/lsh.h"
#include "pipeline/minhash.h"
#include "pipeline/result.h"
#include "pipeline/shingles.h"

namespace broadsheet::pipeline {

struct order_key {
  std::int32_t event_day = 0;  // days since 1970-01-01 (edition_date, else fetched_at, else record time)
  std::string page_id;
  int ordinal = 0;
  auto operator<=>(const order_key&) const = default;
};

// Days since 1970-01-01 of "YYYY-MM-DD…" (the date part of edition_date or fetched_at), or
// nothing when s does not start with a valid date.
[[nodiscard]] std::optional<std::int32_t> event_day_of(std::string_view s) noexcept;

struct dedup_options {
  shingle_options shingles{};
  int num_hashes = 128;
  double threshold = 0.5;  // estimated Jaccard at or above which two articles are near-duplicates
  int min_chars = 50;      // shorter (and empty) normalised bodies are never linked
  std::size_t capacity = 1'000'000;  // articles held
  int horizon_days = 30;             // event days held behind the newest seen
  double min_recall = 0.85;          // LSH candidate probability required at the threshold (docs/design.md)
};

// What the index keeps of an article and what the worker publishes to articles.signatures.
struct signature_record {
  std::string article_id;
  order_key key;
  std::uint64_t content_hash = 0;       // hash of the dedup-normalised body: exact duplicates
  std::uint32_t normalized_chars = 0;   // length of the dedup-normalised body
  std::vector<std::uint32_t> signature; // MinHash; empty when normalized_chars < min_chars

  // A self-describing binary form (magic, format version, signature scheme, checksum). It keeps
  // the high 16 bits of each signature value, which is what an index compares: decoding gives
  // the values with their low 16 bits zero.
  [[nodiscard]] std::string encode() const;
  // Errors: invalid_field (bad magic, version, lengths or checksum).
  [[nodiscard]] static result<signature_record> decode(std::string_view bytes);
};

class signer {
 public:
  explicit signer(const dedup_options& options);
  [[nodiscard]] signature_record sign(std::string article_id, order_key key, std::string_view body);

 private:
  dedup_options options_;
  shingler shingler_;
  minhasher minhasher_;
  std::vector<std::uint64_t> shingles_;
};

struct dedup_verdict {
  std::optional<std::string> duplicate_of;  // article_id of the canonical, or nothing
  std::optional<double> similarity;         // estimated Jaccard with the canonical
  int revision = 0;
};

struct dedup_correction {
  std::string article_id;
  dedup_verdict verdict;  // the new state of that article (revision already incremented)
};

struct dedup_outcome {
  dedup_verdict verdict;                    // for the article just added
  std::vector<dedup_correction> corrections;  // earlier articles whose state changed
};

struct dedup_stats {
  std::size_t articles = 0, clusters = 0, indexed = 0, evicted = 0;
  std::size_t memory_bytes = 0;  // index structures, measured from their capacities
  double band_load = 0;          // entries / cells of a band table (0.5 when the index is full)
};

class dedup_index {
 public:
  explicit dedup_index(dedup_options options = {});
  ~dedup_index();
  dedup_index(dedup_index&&) noexcept;
  dedup_index& operator=(dedup_index&&) noexcept;

  // Adds (or, for an article_id already held, re-adds) a record and decides. A record of fewer
  // than min_chars normalised characters (or none) is held but never linked; a longer one whose
  // signature length differs from num_hashes is matched exactly only.
  dedup_outcome add(const signature_record& record);

  // Makes room for this many articles (at most the capacity) at once, for an index about to be
  // filled, as from the signatures topic at a worker's start: it then grows nothing on the way.
  void reserve(std::size_t articles);

  // The current state of an article held, or nothing.
  [[nodiscard]] std::optional<dedup_verdict> state_of(std::string_view article_id) const;

  [[nodiscard]] dedup_stats stats() const;
  [[nodiscard]] const dedup_options& options() const noexcept;
  [[nodiscard]] lsh_params bands() const noexcept;

  // Snapshot: a versioned binary image with a checksum. load refuses a corrupt, truncated or
  // incompatible image (other signature scheme, hashes, shingles or threshold) with
  // errc::invalid_field and a message; it never returns a half-loaded index.
  [[nodiscard]] std::string save() const;
  [[nodiscard]] static result<dedup_index> load(std::string_view image, dedup_options options);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace broadsheet::pipeline
