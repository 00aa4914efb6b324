// Writes a starting corpus for fuzz_dedup_bytes: a few signature records and a snapshot.
#include <fstream>
#include <string>

#include "pipeline/article.h"
#include "pipeline/dedup.h"

using namespace broadsheet::pipeline;

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const std::string dir = argv[1];
  dedup_options o;
  signer s(o);
  dedup_index index(o);
  const char* bodies[] = {"临河县召开春耕生产推进会，部署全县春耕备耕工作，要求各乡镇抓紧抓实农资储备和农机检修，确保不误农时。",
                          "北岭区三座城市书房投入使用，市民可凭身份证免费借阅图书，每天早八点半至晚九点开放，设有自习区。",
                          "短讯。"};
  int n = 0;
  for (const char* body : bodies) {
    const order_key key{20000 + n, "fuzz-page", ++n};
    const auto rec = s.sign(make_article_id(key.page_id, key.ordinal), key, body);
    index.add(rec);
    std::ofstream(dir + "/record-" + std::to_string(n), std::ios::binary) << rec.encode();
  }
  std::ofstream(dir + "/snapshot", std::ios::binary) << index.save();
  return 0;
}
