// Fuzzes the whole pipeline from a Kafka record value: JSON parse, clean, reflow, segment,
// serialise. Any input must come back as items or as an error value: never a crash, a hang or a
// sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pipeline/article_json.h"
#include "pipeline/page_processor.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static broadsheet::pipeline::page_processor processor;
  auto result = processor.process_json(std::string_view(reinterpret_cast<const char*>(data), size));
  if (result) {
    std::string out;
    for (const auto& a : *result) broadsheet::pipeline::append_article_json(out, a);
  }
  return 0;
}
