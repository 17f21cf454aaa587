"""Deterministic generator of MDC articles for benchmarks."""

from __future__ import annotations

import random
import re
from pathlib import Path

WORDS = [
    "access",
    "reader",
    "screen",
    "book",
    "chapter",
    "figure",
    "table",
    "voice",
    "print",
    "page",
    "light",
    "garden",
    "river",
    "signal",
    "market",
    "design",
    "system",
    "article",
    "heading",
    "paragraph",
    "story",
    "summary",
    "window",
    "harbour",
    "morning",
    "evening",
    "library",
    "station",
    "letter",
    "number",
    "colour",
    "pattern",
    "method",
    "result",
]


def _sentence(rng: random.Random, n: int = 12) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _para(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.randint(6, 18)) for _ in range(rng.randint(2, 5)))


def article(i: int) -> str:
    """One article of roughly 500-900 words using the common MDC features."""
    rng = random.Random(i)
    out = [
        "---",
        f'title: "Article {i}: {_sentence(rng, 5)}"',
        f"description: {_sentence(rng)}",
        f"date: 2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "authors:\n  - name: Bench Writer",
        "tags: [bench, sample]",
        "---",
        "",
        "::element-img\n---\nsrc: /images/a.webp\nalt: " + _sentence(rng, 8) + "\n---\n::",
        "",
        f"::element-h1\nArticle {i}\n::",
    ]
    for s in range(rng.randint(3, 5)):
        out.append(f"\n## {_sentence(rng, 4)}\n")
        out.append(_para(rng) + f" See [the docs](https://example.org/{i}/{s}).")
        out.append("")
        out.append(f"::element-p\n{_para(rng)} :badge[new]{{color=green}} [span]{{.x}}\n::\n")
        kind = rng.choice(["tip", "note", "warning"])
        out.append(f"::{kind}\n#title\n{_sentence(rng, 4)}\n#default\n{_para(rng)}\n::\n")
        out.append("- " + _sentence(rng) + "\n- **" + _sentence(rng, 4) + "**{.b}\n")
        out.append("```ts [file.ts] {1-2}\nconst a = 1;\nconst b = 2;\n```\n")
        out.append("| a | b |\n|---|---|\n| " + _sentence(rng, 3) + " | 2 |\n")
    out.append("::meta-tags\n---\nkeywords: a, b, c\nurl: https://example.org\n---\n::\n")
    return "\n".join(out)


def plain_markdown(mdc: str) -> str:
    """The same article as plain Markdown (for tools that do not read MDC):
    front matter kept, component fences, YAML props, slot lines and props dropped."""
    out: list[str] = []
    lines = mdc.split("\n")
    i = 0
    in_front = lines[:1] == ["---"]
    if in_front:
        end = lines.index("---", 1)
        out.extend(lines[: end + 1])
        i = end + 1
    in_props = after_opener = False
    for line in lines[i:]:
        if in_props:
            in_props = line != "---"
            continue
        if line == "---" and after_opener:
            in_props = True
            continue
        after_opener = line.startswith("::") and len(line) > 2 and line[2:3].isalpha()
        if line.startswith("::") or (line.startswith("#") and line[1:2].isalpha()):
            continue
        out.append(re.sub(r"\{[^}\n]*\}", "", re.sub(r":[a-z-]+\[([^]]*)\]", r"\1", line)))
    return "\n".join(out)


def corpus(n: int) -> list[str]:
    """``n`` articles."""
    return [article(i) for i in range(n)]


def write_corpus(folder: Path, n: int) -> list[Path]:
    """The first ``n`` articles written into ``folder`` (made if need be) as
    ``a000.md``, ``a001.md``...; their paths, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        f = folder / f"a{i:03d}.md"
        f.write_text(article(i), "utf-8")
        files.append(f)
    return files
