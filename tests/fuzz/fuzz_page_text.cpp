// Fuzzes clean, reflow and segment on raw page text (a .txt page): the layout heuristics see
// arbitrary lines, bytes and blank-line patterns here, without the JSON layer in front.
#include <cstddef>
#include <cstdint>
#include <string>

#include "pipeline/article_json.h"
#include "pipeline/page_processor.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static broadsheet::pipeline::page_processor processor;
  broadsheet::pipeline::page_record page;
  page.page_id = "fuzz";
  page.text.assign(reinterpret_cast<const char*>(data), size);
  auto result = processor.process(page);
  if (result) {
    std::string out;
    for (const auto& a : *result) broadsheet::pipeline::append_article_json(out, a);
  }
  return 0;
}
