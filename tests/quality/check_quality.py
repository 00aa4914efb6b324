#!/usr/bin/env python3
"""Runs the development set through broadsheet and checks its scores against committed limits.

Usage: check_quality.py BROADSHEET EVAL_DEV_DIR LIMITS_JSON OUTDIR [--reworded SEED]

EVAL_DEV_DIR is ../shared/eval-dev: real pages with their truth and a scorer, which are not part
of the repository. Its run.sh writes its outputs to OUTDIR (pred.jsonl, score.txt,
diagnose.txt: what to open when this fails); the last line of score.txt is one JSON object
with every metric. With --reworded, the pages and truth scored are reword.py's copy of the set
with its furniture worded otherwise (written to OUTDIR too), through the same steps as run.sh.

LIMITS_JSON holds {"floors": {metric: value}, "ceilings": {metric: value}}. A metric is a key of
that JSON object, or a dotted path into it ("by_style.S0.seg_f1"). Every style the scorer
reports must have a seg_f1 floor, so a new style cannot pass unguarded.

Prints every metric beside its limit. Exit status: 0 all within their limits, 1 some not (or a
metric missing), 2 usage error or the run failed, 77 (CTest's SKIP_RETURN_CODE) when there is no
development set.
"""
import json
import os
import subprocess
import sys

SKIP = 77


def lookup(scores, path):
    value = scores
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value if isinstance(value, (int, float)) else None


def score_reworded(binary, eval_dev, outdir, seed):
    """run.sh's steps on reword.py's copy of the set: process, latest revisions, score, diagnose.
    Returns None, or what failed."""
    here = os.path.dirname(os.path.abspath(__file__))
    out = lambda name: os.path.join(outdir, name)
    truth = out("truth.json.gz")
    steps = [
        ([sys.executable, os.path.join(here, "reword.py"), eval_dev, outdir, str(seed)], None, None),
        ([binary, "process", out("pages.jsonl")], None, out("raw.jsonl")),
        ([sys.executable, os.path.join(eval_dev, "latest_revision.py")], out("raw.jsonl"), out("pred.jsonl")),
        ([sys.executable, os.path.join(eval_dev, "score.py"), "--truth", truth, "--pred", out("pred.jsonl"),
          "--per-page", out("per_page.jsonl")], None, out("score.txt")),
        ([sys.executable, os.path.join(eval_dev, "diagnose.py"), "--truth", truth, "--pred", out("pred.jsonl")], None,
         out("diagnose.txt")),
    ]
    for command, stdin_path, stdout_path in steps:
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        stdout = open(stdout_path, "wb") if stdout_path else None
        try:
            run = subprocess.run(command, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, check=False)
        finally:
            for f in (stdin, stdout):
                if f not in (None, subprocess.DEVNULL):
                    f.close()
        if run.returncode != 0:
            return "%s exited with status %d: %s" % (" ".join(command[:2]), run.returncode,
                                                     run.stderr.decode("utf-8", "replace")[-2000:])
    return None


def main(argv):
    args = argv[1:]
    seed = None
    if len(args) == 6 and args[4] == "--reworded":
        seed = int(args[5])
        args = args[:4]
    if len(args) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    binary, eval_dev, limits_path, outdir = args
    run_sh = os.path.join(eval_dev, "run.sh")
    if not os.access(run_sh, os.X_OK):
        print("SKIP: no development set at %s (it is not part of the repository)" % eval_dev)
        return SKIP
    with open(limits_path, encoding="utf-8") as f:
        limits = json.load(f)

    if seed is None:
        run = subprocess.run([run_sh, binary, outdir], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, check=False)
        if run.returncode != 0:
            print(run.stdout)
            print("%s exited with status %d" % (run_sh, run.returncode))
            return 2
    else:
        os.makedirs(outdir, exist_ok=True)
        failure = score_reworded(binary, eval_dev, outdir, seed)
        if failure:
            print(failure)
            return 2
    with open(os.path.join(outdir, "score.txt"), encoding="utf-8") as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    scores = json.loads(lines[-1])

    failed = []
    floors, ceilings = limits.get("floors", {}), limits.get("ceilings", {})
    for style in sorted(scores.get("by_style", {})):
        if "by_style.%s.seg_f1" % style not in floors:
            failed.append("by_style.%s.seg_f1 has no floor in %s" % (style, limits_path))
    checks = [(m, v, ">=") for m, v in floors.items()] + [(m, v, "<=") for m, v in ceilings.items()]
    width = max(len(m) for m, _, _ in checks)
    for metric, limit, op in checks:
        value = lookup(scores, metric)
        if value is None:
            failed.append("%s is not in the scores" % metric)
            print("%-*s  missing   %s %s" % (width, metric, op, limit))
            continue
        ok = value >= limit if op == ">=" else value <= limit
        print("%-*s  %8.4f  %s %-8s %s" % (width, metric, value, op, limit, "ok" if ok else "FAILED"))
        if not ok:
            failed.append("%s %.4f, %s %s" % (metric, value, "floor" if op == ">=" else "ceiling", limit))
    if failed:
        print("\nOutside the limits of %s:\n  %s" % (limits_path, "\n  ".join(failed)))
        print("What was missed and why: %s" % os.path.join(outdir, "diagnose.txt"))
        return 1
    print("\nall %d metrics within their limits (outputs in %s)" % (len(checks), outdir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
