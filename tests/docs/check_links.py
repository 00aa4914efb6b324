"""The documentation stands on its own: README.md and docs/*.md (and every other Markdown file the
repository tracks) refer to nothing a user of the repository does not have. Fails on
- a mention of ../shared/, ARCHITECTURE.md, STYLE.md or DEDUP-NOTES (the project's private notes
  and data, outside the repository);
- a Markdown link to a file or folder that is not in the repository (web links are not followed;
  #anchors of README.md's own headings are checked);
- a path in backquotes under one of the repository's top folders (`deploy/k8s/configmap.yaml`)
  that does not exist.
usage: check_links.py SOURCE_DIR"""

import re
import subprocess
import sys
from pathlib import Path

FORBIDDEN = [(re.compile(r"\.\./shared\b"), "../shared (outside the repository)"),
             (re.compile(r"\bARCHITECTURE\.md\b"), "ARCHITECTURE.md (not in the repository)"),
             (re.compile(r"\bSTYLE\.md\b"), "STYLE.md (not in the repository)"),
             (re.compile(r"DEDUP-NOTES", re.I), "DEDUP-NOTES (not in the repository)")]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
CODE = re.compile(r"`([^`\n]+)`")


def anchors(text):
    """GitHub's anchors of a Markdown file's headings."""
    found = set()
    for heading in re.findall(r"(?m)^#{1,6}\s+(.+?)\s*$", text):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


def problems(root, path):
    text = path.read_text(encoding="utf-8")
    where = path.relative_to(root)
    # Build trees (build, build-bench, build-sanitize, …) are not the repository's folders.
    top = {p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "build"))}
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for pattern, why in FORBIDDEN:
            if pattern.search(line):
                found.append(f"{where}:{number}: refers to {why}")
        for target in LINK.findall(line):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                continue
            file, _, anchor = target.partition("#")
            if not file:
                if anchor and anchor not in anchors(text):
                    found.append(f"{where}:{number}: no heading for #{anchor}")
                continue
            if not (path.parent / file).exists():
                found.append(f"{where}:{number}: link to {file}, which is not in the repository")
        for code in CODE.findall(line):
            candidate = code.split()[0] if code.split() else ""
            first = candidate.split("/")[0]
            if "/" not in candidate or first not in top or any(c in candidate for c in "*?<>{}$"):
                continue
            if not (root / candidate.rstrip(":,.")).exists():
                found.append(f"{where}:{number}: `{candidate}` is not in the repository")
    return found


def main():
    root = Path(sys.argv[1]).resolve()
    listed = subprocess.run(["git", "-C", str(root), "ls-files", "*.md"], capture_output=True, text=True)
    files = [root / f for f in listed.stdout.split()] if listed.returncode == 0 else []
    if not files:  # not a git checkout (an exported tree): the Markdown files on disk
        files = [p for p in root.rglob("*.md") if "build" not in p.relative_to(root).parts[:1]
                 and "node_modules" not in p.parts]
    files = [f for f in files if f.exists()]
    for required in (root / "README.md",):
        if required not in files:
            sys.exit(f"{required} is missing")
    found = [p for f in files for p in problems(root, f)]
    for p in found:
        print(p)
    print(f"{len(files)} Markdown files checked, {len(found)} problems")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
