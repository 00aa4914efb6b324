#!/usr/bin/env python3
"""Checks that reword.py writes the same copy of the development set every time for one seed.

Usage: check_reword_repeats.py EVAL_DEV_DIR OUTDIR [SEED]

Runs reword.py twice for SEED (1 when not given), in two Python processes whose string hashes are
seeded differently (PYTHONHASHSEED 1 and 2), into OUTDIR/hashseed-1 and OUTDIR/hashseed-2, and
compares the pages, the truth and the counts it printed. Anything that takes its order from a
set of strings changes between the two; that is how seed 1's copy once scored either side of a
floor of quality.reworded_development_set_meets_its_limits from one run to the next. The hash
seeds are fixed, not random, so that a failure here fails every time.

Exit status: 0 the same, 1 some differed (each named), 2 usage error or reword.py failed,
77 (CTest's SKIP_RETURN_CODE) when there is no development set.
"""
import gzip
import json
import os
import shutil
import subprocess
import sys

import reword

SKIP = 77
HASH_SEEDS = ("1", "2")


def write_copy(eval_dev, outdir, seed, hash_seed):
    """Runs reword.py under PYTHONHASHSEED=hash_seed; returns what it printed, or None if it failed."""
    shutil.rmtree(outdir, ignore_errors=True)
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    run = subprocess.run([sys.executable, os.path.abspath(reword.__file__), eval_dev, outdir, str(seed)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if run.returncode != 0:
        print("reword.py under PYTHONHASHSEED=%s exited with status %d: %s"
              % (hash_seed, run.returncode, run.stderr.decode("utf-8", "replace")[-2000:]))
        return None
    return run.stdout


def differing_pages(first, second):
    """Names the pages that differ between two lists of page records, at most five of them."""
    if len(first) != len(second):
        return "%d pages against %d" % (len(first), len(second))
    ids = [a.get("page_id", "#%d" % i) for i, (a, b) in enumerate(zip(first, second)) if a != b]
    if not ids:
        return "every page the same, something beside them not"
    shown = ", ".join(str(i) for i in ids[:5]) + (", …" if len(ids) > 5 else "")
    return "%d of %d pages differ (page_id %s)" % (len(ids), len(first), shown)


def read_outputs(outdir):
    """The pages and the truth as bytes; the truth decompressed, since gzip stamps the time it was written."""
    with open(os.path.join(outdir, "pages.jsonl"), "rb") as f:
        pages = f.read()
    with gzip.open(os.path.join(outdir, "truth.json.gz"), "rb") as f:
        truth = f.read()
    return pages, truth


def main(argv):
    args = reword.arguments(argv, __doc__)
    if args is None:
        return 2
    eval_dev, outdir, seed = args
    inputs = [os.path.join(eval_dev, name) for name in ("pages.jsonl.gz", "truth.json.gz")]
    if not all(os.path.isfile(path) for path in inputs):
        print("SKIP: no development set at %s (it is not part of the repository)" % eval_dev)
        return SKIP

    runs = []
    for hash_seed in HASH_SEEDS:
        run_dir = os.path.join(outdir, "hashseed-" + hash_seed)
        printed = write_copy(eval_dev, run_dir, seed, hash_seed)
        if printed is None:
            return 2
        runs.append((printed,) + read_outputs(run_dir))

    (printed_a, pages_a, truth_a), (printed_b, pages_b, truth_b) = runs
    differences = []
    if pages_a != pages_b:
        parse = lambda data: [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
        differences.append("pages.jsonl: " + differing_pages(parse(pages_a), parse(pages_b)))
    if truth_a != truth_b:
        pages_of = lambda data: json.loads(data.decode("utf-8")).get("pages", [])
        differences.append("truth.json.gz: " + differing_pages(pages_of(truth_a), pages_of(truth_b)))
    if printed_a != printed_b:
        differences.append("the counts it printed:\n%s\nagainst\n%s" % (printed_a.decode("utf-8").rstrip(),
                                                                         printed_b.decode("utf-8").rstrip()))
    where = "%s and %s" % tuple(os.path.join(outdir, "hashseed-" + h) for h in HASH_SEEDS)
    if differences:
        print("reword.py seed %d wrote a different copy under PYTHONHASHSEED=%s and =%s (%s):\n  %s"
              % (seed, HASH_SEEDS[0], HASH_SEEDS[1], where, "\n  ".join(differences)))
        return 1
    print("reword.py seed %d wrote the same copy under PYTHONHASHSEED=%s and =%s: pages.jsonl (%d bytes), "
          "truth.json.gz (%d bytes decompressed) and the counts it printed (%s)"
          % (seed, HASH_SEEDS[0], HASH_SEEDS[1], len(pages_a), len(truth_a), where))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
