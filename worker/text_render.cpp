#include "worker/text_render.h"

#include <cstdio>

namespace broadsheet::worker {

namespace {

void names(std::string& out, const char* label, const std::vector<std::string>& list) {
  if (list.empty()) return;
  out += "  ";
  out += label;
  for (std::size_t i = 0; i < list.size(); ++i) {
    out += i == 0 ? " " : "、";
    out += list[i];
  }
  out += "\n";
}

void field(std::string& out, const char* label, const std::optional<std::string>& v) {
  if (!v) return;
  out += "  ";
  out += label;
  out += " ";
  out += *v;
  out += "\n";
}

}  // namespace

void append_readable(std::string& out, const pipeline::article& a) {
  out += "══ ";
  out += a.page_id;
  out += " #" + std::to_string(a.ordinal) + " · ";
  out += pipeline::to_string(a.kind);
  out += " · ";
  out += a.article_id;
  if (a.duplicate_of) {
    out += " · duplicate of ";
    out += *a.duplicate_of;
  }
  out += "\n";
  field(out, "栏目", a.section);
  field(out, "引题", a.kicker);
  out += "  标题 ";
  out += a.title ? *a.title : std::string("(无)");
  out += "\n";
  field(out, "副题", a.subtitle);
  field(out, "电头", a.dateline);
  field(out, "上接", a.continued_from);
  names(out, "记者", a.names.reporters);
  names(out, "通讯员", a.names.correspondents);
  names(out, "摄影", a.names.photographers);
  names(out, "作者", a.names.authors);
  out += "  字数 " + std::to_string(a.char_count) + "\n";
  for (const auto& p : a.paragraphs) {
    out += "    ";
    out += p;
    out += "\n";
  }
  out += "\n";
}

void append_readable(std::string& out, const pipeline::dedup_correction& c) {
  out += "══ correction · ";
  out += c.article_id;
  out += " · revision " + std::to_string(c.verdict.revision);
  if (c.verdict.duplicate_of) {
    out += " · duplicate of ";
    out += *c.verdict.duplicate_of;
    if (c.verdict.similarity) {
      char similarity[16];
      std::snprintf(similarity, sizeof similarity, " (%.2f)", *c.verdict.similarity);
      out += similarity;
    }
  } else {
    out += " · no longer a duplicate";
  }
  out += "\n\n";
}

}  // namespace broadsheet::worker
