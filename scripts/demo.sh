#!/usr/bin/env bash
# make demo: runs the pipeline over the project's sample pages (our own writing, in
# tests/data/pages and tests/data/sample_pages.jsonl) and shows the articles readably.
# usage: demo.sh BROADSHEET_BINARY
set -euo pipefail
bin=${1:-build/broadsheet}
root=$(cd "$(dirname "$0")/.." && pwd)
pages=(
  "$root/tests/data/sample_pages.jsonl"
  "$root/tests/data/pages/01_hardwrap_titles_after.txt"
  "$root/tests/data/pages/07_page_furniture.txt"
  "$root/tests/data/pages/12_long_feature_photos.txt"
  "$root/tests/data/pages/16_notice_lists.txt"
)
cat <<TXT
broadsheet demo: cleaning, segmenting and de-duplicating ${#pages[@]} sample inputs (no Kafka yet:
the worker comes with its own issue). Raw page → articles, each with kind, headline, bylines and
the repaired paragraphs; a story reprinted on a later page is shown as "duplicate of" the first.
JSON for machines: $bin process FILE...

TXT
"$bin" process --pretty "${pages[@]}"
articles=$("$bin" process "${pages[@]}" | wc -l)
duplicates=$("$bin" process "${pages[@]}" | grep -c '"duplicate_of":"' || true)
echo "== ${articles} records from ${#pages[@]} inputs, ${duplicates} marked as near-duplicates."
echo "== Every sample page: $bin process --pretty $root/tests/data/pages/*.txt"
