#!/usr/bin/env bash
# Runs `broadsheet process` over the fixture pages (and the seed pages when present) and
# validates every output record against config/schema/article.schema.json.
# usage: check_output.sh SOURCE_DIR [SEEDS_DIR]   (env: BROADSHEET, PYTHON)
set -euo pipefail
src=$1
seeds=${2:-}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
inputs=("$src"/tests/data/pages/*.txt "$src"/tests/data/sample_pages.jsonl)
if [ -n "$seeds" ] && [ -d "$seeds" ]; then inputs+=("$seeds"/*.txt); fi
"${BROADSHEET:?}" process "${inputs[@]}" > "$out"
"${PYTHON:-python3}" "$src"/tests/schema/validate_jsonl.py "$src"/config/schema/article.schema.json "$out"
