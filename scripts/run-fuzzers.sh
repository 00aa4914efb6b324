#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR for SECONDS each, starting from the fixture pages.
# A crash, leak, timeout or sanitizer report fails the run (libFuzzer exits non-zero) and leaves
# the reproducer in BUILD_DIR/fuzz-artifacts/.
# usage: run-fuzzers.sh BUILD_DIR SECONDS
set -euo pipefail
build=$1
seconds=$2
root=$(cd "$(dirname "$0")/.." && pwd)
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"

text_corpus="$build/corpus/text"
record_corpus="$build/corpus/record"
mkdir -p "$text_corpus" "$record_corpus"
cp "$root"/tests/data/pages/*.txt "$text_corpus"/
split -l 1 -d "$root/tests/data/sample_pages.jsonl" "$record_corpus/sample-"
for page in "$root"/tests/data/pages/*.txt; do
  /usr/bin/python3 -c 'import json,sys; print(json.dumps({"page_id": sys.argv[1], "text": open(sys.argv[1], encoding="utf-8").read()}, ensure_ascii=False))' \
    "$page" > "$record_corpus/$(basename "$page" .txt).json"
done

# Dedup bytes: valid signature records and a small index snapshot, made by the binary itself.
dedup_corpus="$build/corpus/dedup"
mkdir -p "$dedup_corpus"
if [ -x "$build/tests/fuzz/make_dedup_corpus" ]; then "$build/tests/fuzz/make_dedup_corpus" "$dedup_corpus"; fi

status=0
for target in fuzz_page_record:record fuzz_page_text:text fuzz_dedup_bytes:dedup fuzz_dedup_text:text; do
  name=${target%%:*}
  corpus="$build/corpus/${target##*:}"
  echo "== $name for ${seconds}s"
  if ! "$build/tests/fuzz/$name" "$corpus" -max_total_time="$seconds" -max_len=200000 -timeout=10 \
       -rss_limit_mb=4096 -artifact_prefix="$artifacts/$name-" -print_final_stats=1 2>&1 | tail -n 25; then
    echo "== $name FAILED: reproducer in $artifacts"
    status=1
  fi
done
exit $status
