#!/usr/bin/env python3
"""Fits the segmenter's evidence weights to the development set by coordinate search.

usage: scripts/fit-weights.py BINARY [--dev DIR] [--rounds N]

BINARY is a broadsheet built with -DBROADSHEET_TUNABLE_WEIGHTS=ON (make fit-weights builds one):
it reads its weights from the file SEGMENTER_WEIGHTS names. Each step multiplies one weight
(x0.4, x0.85, x1.15, x1.6; a weight near zero moves by 0.15 or 0.5) and is kept only when the
segmentation F1 of the whole set rises and neither half of the pages (odd, even) falls: a
step that helps one half at the other's cost fits the pages, not the layout. Prints each step
kept and, at the end, the weights that changed; it writes nothing. The development set is not in
the repository: without it the script says so and exits 0.
"""
import argparse
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER = os.path.join(ROOT, "pipeline", "internal", "segmenter_weights.h")


def default_weights():
    text = open(HEADER, encoding="utf-8").read()
    return {name: float(value) for name, value in re.findall(r"^\s*double (\w+) = ([-0-9.]+);", text, re.M)}


class DevSet:
    """The development pages, their truth, and the segmentation score of a run, page by page."""

    def __init__(self, dev):
        sys.path.insert(0, dev)
        import score  # the development set's own scorer: its matching decides what is found

        self.score = score
        truth = json.load(gzip.open(os.path.join(dev, "truth.json.gz")))
        self.pages = {p["page_id"]: p for p in truth["pages"]}
        self.texts = {
            pid: [score.Text(score.article_text(it["body"]) if it["kind"] == "article" else score.norm(it["body"]))
                  for it in p["items"]]
            for pid, p in self.pages.items()
        }
        self.articles = {pid: sum(it["kind"] == "article" for it in p["items"]) for pid, p in self.pages.items()}
        self.input = tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False).name
        with gzip.open(os.path.join(dev, "pages.jsonl.gz"), "rb") as src, open(self.input, "wb") as dst:
            dst.write(src.read())
        self.cache = {}

    def page(self, pid, preds):
        """(articles found, predictions counted) on one page, as score.py counts them."""
        key = hashlib.md5(json.dumps([(r.get("kind"), r.get("paragraphs")) for r in preds]).encode()).hexdigest()
        if key in self.cache:
            return self.cache[key]
        S, items, truth = self.score, self.pages[pid]["items"], self.texts[pid]
        pred = [S.Text(S.article_text("\n".join(r.get("paragraphs") or []))) for r in preds]
        pairs = []
        for i, t in enumerate(truth):
            for j, p in enumerate(pred):
                ct = S.covered(t, p)
                if ct:
                    cp = S.covered(p, t)
                    if min(ct, cp) >= max(10, 0.15 * min(t.n, p.n)):
                        pairs.append((-min(ct, cp), i, j, ct, cp))
        pairs.sort()
        t_match, p_match = {}, {}
        for _, i, j, ct, cp in pairs:
            if i not in t_match and j not in p_match:
                t_match[i], p_match[j] = (j, ct, cp), i
        found = 0
        for i, it in enumerate(items):
            if it["kind"] == "article" and i in t_match:
                j, ct, cp = t_match[i]
                found += truth[i].n and ct / truth[i].n >= 0.9 and (pred[j].n - cp) / truth[i].n <= 0.1
        counted = sum(1 for j, r in enumerate(preds)
                      if not (items[p_match[j]]["kind"] == "photo" if j in p_match else r.get("kind") == "photo"))
        self.cache[key] = (int(found), counted)
        return self.cache[key]

    def run(self, binary, weights):
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("".join(f"{k} {v}\n" for k, v in weights.items()))
        env = dict(os.environ, SEGMENTER_WEIGHTS=f.name)
        out = subprocess.run([binary, "process", self.input], env=env, capture_output=True, text=True, check=True)
        os.unlink(f.name)
        latest, order = {}, []
        for line in out.stdout.splitlines():
            r = json.loads(line)
            aid = r.get("article_id")
            if aid not in latest:
                order.append(aid)
            if aid not in latest or (r.get("revision") or 0) >= (latest[aid].get("revision") or 0):
                latest[aid] = r
        by_page = {}
        for aid in order:
            by_page.setdefault(latest[aid].get("page_id"), []).append(latest[aid])
        return {pid: self.page(pid, by_page.get(pid, [])) for pid in self.pages}

    def f1(self, per_page, pids):
        found = sum(per_page[p][0] for p in pids)
        counted = sum(per_page[p][1] for p in pids)
        articles = sum(self.articles[p] for p in pids)
        precision, recall = found / counted if counted else 0, found / articles
        return 2 * precision * recall / (precision + recall) if precision + recall else 0


def steps(value):
    if abs(value) >= 0.5:
        return [value * 1.15, value * 0.85, value * 1.6, value * 0.4]
    return [value + 0.15, value - 0.15, value + 0.5, value - 0.5]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--dev", default=os.path.join(ROOT, "..", "shared", "eval-dev"))
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    if not os.path.exists(os.path.join(args.dev, "truth.json.gz")):
        print(f"fit-weights: no development set at {args.dev} (it is not part of the repository): nothing to fit")
        return
    dev = DevSet(args.dev)
    pids = sorted(dev.pages)
    halves = (pids[0::2], pids[1::2])
    start = default_weights()
    weights = dict(start)
    per_page = dev.run(args.binary, weights)
    best = (dev.f1(per_page, pids), *(dev.f1(per_page, h) for h in halves))
    print(f"start: seg F1 {best[0]:.4f} (halves {best[1]:.4f} {best[2]:.4f})", flush=True)
    if dev.run(args.binary, dict(weights, bias=weights["bias"] + 5)) == per_page:
        sys.exit(f"fit-weights: {args.binary} does not read SEGMENTER_WEIGHTS (build it with -DBROADSHEET_TUNABLE_WEIGHTS=ON)")
    for rnd in range(args.rounds):
        kept = 0
        for name in list(weights):
            for value in steps(weights[name]):
                trial = dict(weights, **{name: round(value, 4)})
                per_page = dev.run(args.binary, trial)
                score = (dev.f1(per_page, pids), *(dev.f1(per_page, h) for h in halves))
                if score[0] > best[0] + 0.0004 and score[1] >= best[1] - 0.0002 and score[2] >= best[2] - 0.0002:
                    print(f"{name}: {weights[name]} -> {trial[name]}  seg F1 {best[0]:.4f} -> {score[0]:.4f} "
                          f"(halves {score[1]:.4f} {score[2]:.4f})", flush=True)
                    weights, best, kept = trial, score, kept + 1
                    break
        print(f"round {rnd + 1}: {kept} step(s) kept, seg F1 {best[0]:.4f}", flush=True)
        if not kept:
            break
    changed = {k: v for k, v in weights.items() if v != start[k]}
    print("changed weights:", changed if changed else "none")
    os.unlink(dev.input)


if __name__ == "__main__":
    main()
