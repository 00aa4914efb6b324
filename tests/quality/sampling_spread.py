#!/usr/bin/env python3
"""How far the development set's segmentation F1 carries to other pages laid out the same way.

Usage: sampling_spread.py PER_PAGE_JSONL [--draws N] [--seed S]

PER_PAGE_JSONL is the per_page.jsonl that the development set's run.sh writes beside score.txt:
one line per page with its style, its true articles, the articles recovered and the predictions
counted. The set is one draw of pages; another draw of as many pages, made the same way from
other articles, scores differently even if nothing learnt from this one were wrong. This
resamples the pages (with replacement, N times, within each style for the style's figure) and
prints, overall and per style, the F1 of the set, the standard deviation of the resampled F1
and its 5th and 1st percentiles: the figure another such draw would fall below one time in
twenty, and one time in a hundred. It leaves out what a bootstrap cannot see: the weights and
rules were fitted to these pages, so a new draw is more likely to score below the set than above.
Python 3 standard library only.
"""
import argparse
import json
import random
import statistics


def seg_f1(pages):
    recovered = sum(p["recovered"] for p in pages)
    counted = sum(p["pred_counted"] for p in pages)
    articles = sum(p["true_articles"] for p in pages)
    precision = recovered / counted if counted else 0.0
    recall = recovered / articles if articles else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def spread(pages, draws, rng):
    """(F1, standard deviation, 5th percentile, 1st percentile) over resampled draws of pages."""
    scores = sorted(seg_f1(rng.choices(pages, k=len(pages))) for _ in range(draws))
    return seg_f1(pages), statistics.pstdev(scores), scores[draws // 20], scores[draws // 100]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("per_page")
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with open(args.per_page, encoding="utf-8") as f:
        pages = [json.loads(line) for line in f if line.strip()]
    rng = random.Random(args.seed)
    groups = [("all", pages)] + [(s, [p for p in pages if p.get("style") == s])
                                 for s in sorted({p.get("style") for p in pages if p.get("style")})]
    print(f"segmentation F1 over {args.draws} resampled draws of the pages (sampling_spread.py):")
    print("          pages   F1      sd      5%      1%")
    for name, group in groups:
        f1, sd, p5, p1 = spread(group, args.draws, rng)
        print(f"{name:<8}{len(group):>7}   {f1:.4f}  {sd:.4f}  {p5:.4f}  {p1:.4f}")


if __name__ == "__main__":
    main()
