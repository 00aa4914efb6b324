#!/usr/bin/env python3
"""Tests of sampling_spread.py on pages made up here: the F1 it resamples is the scorer's, and its
spread is none where every page is alike and narrows as the pages grow in number."""
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sampling_spread  # noqa: E402


def page(style, true_articles, recovered, counted):
    return {"style": style, "true_articles": true_articles, "recovered": recovered, "pred_counted": counted}


class SamplingSpreadTest(unittest.TestCase):
    def test_f1_pools_the_pages_counts_as_the_scorer_does(self):
        pages = [page("S0", 4, 3, 5), page("S1", 6, 6, 6)]
        precision, recall = 9 / 11, 9 / 10
        self.assertAlmostEqual(sampling_spread.seg_f1(pages), 2 * precision * recall / (precision + recall))
        self.assertEqual(sampling_spread.seg_f1([page("S0", 3, 0, 0)]), 0.0)

    def test_pages_all_alike_have_no_spread(self):
        f1, sd, p5, p1 = sampling_spread.spread([page("S0", 5, 4, 5)] * 40, 200, random.Random(1))
        self.assertAlmostEqual(sd, 0.0)
        self.assertAlmostEqual(p5, f1)
        self.assertAlmostEqual(p1, f1)

    def test_spread_narrows_with_more_pages_and_its_percentiles_fall_below_the_f1(self):
        pages = [page("S0", 5, 5, 5), page("S0", 5, 2, 6), page("S0", 4, 4, 4), page("S0", 6, 3, 5)] * 10
        f1, sd, p5, p1 = sampling_spread.spread(pages, 1000, random.Random(2))
        _, sd_more, _, _ = sampling_spread.spread(pages * 4, 1000, random.Random(2))
        self.assertGreater(sd, 0.0)
        self.assertLess(sd_more, sd * 0.7)  # four times the pages: about half the spread
        self.assertLess(p1, p5)
        self.assertLess(p5, f1)


if __name__ == "__main__":
    unittest.main()
