// Fuzzes the two parsers of dedup bytes that come from outside: signature records (read back
// from the articles.signatures topic) and index snapshots (read from disk). Either must come
// back as a value or an error: never a crash, a hang, a huge allocation or a sanitizer report.
// Valid inputs are made from the data so that the fuzzer also mutates real images.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pipeline/article.h"
#include "pipeline/dedup.h"

using namespace broadsheet::pipeline;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto rec = signature_record::decode(bytes)) {
    static dedup_index index;
    (void)index.add(*rec);
  }
  if (auto loaded = dedup_index::load(bytes, dedup_options{})) {
    (void)loaded->stats();
    (void)loaded->save();
  }
  return 0;
}
