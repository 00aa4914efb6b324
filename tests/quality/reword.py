#!/usr/bin/env python3
"""Writes a copy of the development set with its furniture worded otherwise.

Usage: reword.py EVAL_DEV_DIR OUTDIR [SEED]

The development set measures the segmenter on pages nobody in the project wrote, but every page
of it is printed with one set of banners, section and column labels, end marks, editor-line
fields, byline roles and dateline places. Other papers print other ones. A segmenter that learnt
this set's strings instead of its layout scores well here and badly there; this copy tells the
two apart. It keeps every page's layout and articles and rewrites, in the page text and in the
truth alike:

- section and column labels and banners: other words of the same length;
- end marks: another ornament;
- editor-line fields ("编辑:" and the like): other field names, the names after them kept;
- the role before the names of a byline or a photo credit: another role of a paper's staff;
- the place of a dateline ("本报某地电"): another place of as many characters.

The new words are the first two ideographs of the set's own titles, so a label starts as a
word does (never with a particle that would read as a wrapped line's end), and other new
ideographs are drawn from those titles too. The same SEED gives the same copy. Writes OUTDIR/pages.jsonl and OUTDIR/truth.json.gz, then prints
what it rewrote and what it could not find in the page text (a furniture line the page wraps).
"""
import collections
import gzip
import json
import os
import random
import re
import sys

# Roles a paper's staff sign with, in place of the set's own.
REPORTER_ROLES = ["本报特派记者", "本报见习记者", "本报融媒体记者", "本报全媒体记者", "本报实习生", "本报驻站记者",
                  "特约记者", "记者"]
CORRESPONDENT_ROLES = ["本报特约通讯员", "本报见习通讯员", "通讯员"]
ORNAMENTS = ["◆ ◆ ◆", "■ ■ ■", "※ ※ ※", "● ● ●", "☆ ☆ ☆", "◇◇◇", "❖", "⁂"]
IDEOGRAPH = re.compile(r"[\u4e00-\u9fff]")
DATELINE = re.compile(r"(本报|新华社|中新社)([\u4e00-\u9fff]{2,6}?)((?:\d{1,4}年)?\d{1,2}月\d{1,2}日)?电")
EDITOR_FIELD = re.compile(r"^([■□\s]*)([\u4e00-\u9fff]+)([:：].*)$")


class Rewording:
    def __init__(self, seed, titles):
        self.rng = random.Random(seed)
        self.pool = [c for t in titles for c in t if IDEOGRAPH.match(c)]
        self.words = [t[:2] for t in titles if len(t) >= 2 and IDEOGRAPH.match(t[0]) and IDEOGRAPH.match(t[1])]
        self.labels, self.fields, self.marks, self.places = {}, {}, {}, {}

    def ideographs(self, n):
        return "".join(self.rng.choice(self.pool) for _ in range(n))

    def phrase(self, n):
        """About n ideographs of two-character words: 2 to 3 characters, one word, and so on."""
        words = "".join(self.rng.choice(self.words) for _ in range(max(1, n // 2)))
        return words + (self.ideographs(1) if n % 2 else "")

    def label(self, text):
        if text not in self.labels:
            if text.startswith("——"):  # a banner keeps its dashes and the spaces between its phrases
                inner = text.strip("— ").split(" ")
                self.labels[text] = "—— " + " ".join(self.phrase(len(p)) for p in inner) + " ——"
            else:  # as long as the label it stands for: the set's labels are what a label's length is
                self.labels[text] = " ".join(self.phrase(len(p)) for p in text.split(" "))
        return self.labels[text]

    def editor_field(self, text):
        m = EDITOR_FIELD.match(text)
        if not m:
            return None
        if m.group(2) not in self.fields:
            self.fields[m.group(2)] = self.ideographs(self.rng.choice([2, 2, 3, 4]))
        return m.group(1) + self.fields[m.group(2)] + m.group(3)

    def end_mark(self, text):
        if text not in self.marks:
            self.marks[text] = self.rng.choice(ORNAMENTS)
        return self.marks[text]

    def role(self, text):
        for own, others in (("本报记者", REPORTER_ROLES), ("本报通讯员", CORRESPONDENT_ROLES)):
            if text.startswith(own):
                return self.rng.choice(others) + text[len(own):]
        return None

    def dateline(self, m):
        if m.group(0) not in self.places:
            # as long as the place it stands for: a hard-wrapped page keeps its line widths
            self.places[m.group(0)] = (m.group(1) + self.ideographs(len(m.group(2))) +
                                       (m.group(3) or "") + "电")
        return self.places[m.group(0)]


def replace_lines(text, old, new):
    """Replaces old where it is a whole line (spaces around it kept); returns the text and a count."""
    pattern = re.compile(r"(?m)^([ \t\u3000]*)" + re.escape(old) + r"([ \t\u3000]*)$")
    return pattern.subn(lambda m: m.group(1) + new + m.group(2), text)


def reword_page(page, truth_page, w, counts):
    text = page["text"]
    for item in truth_page["furniture"]:
        old, cat = item["text"], item["cat"]
        if cat in ("section", "column", "banner"):
            new = w.label(old)
        elif cat == "endmark":
            new = w.end_mark(old)
        elif cat == "editor":
            new = w.editor_field(old)
        elif cat in ("byline", "photo_credit"):
            new = w.role(old)
        else:
            new = None
        if new is None or new == old:
            continue
        if cat in ("editor", "photo_credit"):  # printed inside a longer line
            found = text.count(old)
            text = text.replace(old, new)
        else:
            text, found = replace_lines(text, old, new)
        counts[(cat, "rewritten" if found else "not found")] += 1
        if found:
            item["text"] = new
            for article in truth_page["items"]:
                for field in ("title", "kicker", "subtitle"):
                    if article.get(field) == old:
                        article[field] = new
    # In the order of the text, not of a set's hashes: the words drawn for each must not change
    # from one run to the next (Python seeds its string hashes afresh per process).
    datelines = dict.fromkeys(m.group(0) for m in DATELINE.finditer(text) if m.group(2)[:2] not in ("记者", "通讯"))
    for old in datelines:
        new = w.dateline(DATELINE.fullmatch(old))
        text = text.replace(old, new)
        counts[("dateline place", "rewritten")] += 1
        for article in truth_page["items"]:
            for field in ("title", "kicker", "subtitle", "body"):
                if article.get(field):
                    article[field] = article[field].replace(old, new)
    page["text"] = text


def arguments(argv, usage):
    """EVAL_DEV_DIR, OUTDIR and SEED (1 when not given) from argv; prints usage and returns None if they do not fit."""
    if len(argv) not in (3, 4):
        print(usage, file=sys.stderr)
        return None
    return argv[1], argv[2], int(argv[3]) if len(argv) == 4 else 1


def main(argv):
    args = arguments(argv, __doc__)
    if args is None:
        return 2
    eval_dev, outdir, seed = args
    with gzip.open(os.path.join(eval_dev, "truth.json.gz"), "rt", encoding="utf-8") as f:
        truth = json.load(f)
    with gzip.open(os.path.join(eval_dev, "pages.jsonl.gz"), "rt", encoding="utf-8") as f:
        pages = [json.loads(line) for line in f if line.strip()]
    w = Rewording(seed, [a.get("title", "") for p in truth["pages"] for a in p["items"]])
    counts = collections.Counter()
    truth_of = {p["page_id"]: p for p in truth["pages"]}
    for page in pages:
        if page.get("page_id") in truth_of:
            reword_page(page, truth_of[page["page_id"]], w, counts)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "pages.jsonl"), "w", encoding="utf-8") as f:
        for page in pages:
            f.write(json.dumps(page, ensure_ascii=False) + "\n")
    with gzip.open(os.path.join(outdir, "truth.json.gz"), "wt", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False)
    for (what, outcome), n in sorted(counts.items()):
        print("%-16s %-10s %5d" % (what, outcome, n))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
