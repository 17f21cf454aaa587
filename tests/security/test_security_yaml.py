"""YAML: alias bombs, unsafe tags and oversized blocks, in front matter and props."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hostile import bounded, build

from a11ypress.document import parse_text
from a11ypress.mdc.yamlsafe import MAX_YAML_CHARS

#: Nine levels of nine-fold aliases: 9**9 (387 million) strings once expanded.
BOMB = "".join(
    f"{k}: &{k} [" + ",".join([f"*{p}"] * 9 if p else ['"lol"'] * 9) + "]\n"
    for p, k in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)
#: An alias cycle (a list that contains itself).
CYCLE = "a: &a [*a]\n"


@pytest.mark.parametrize("yaml", [BOMB, CYCLE], ids=["bomb", "cycle"])
def test_alias_bomb_in_front_matter(yaml: str) -> None:
    t0 = time.perf_counter()
    loaded = parse_text(f"---\n{yaml}---\n# Title\n\nBody.\n", "fm.md")
    assert time.perf_counter() - t0 < 5
    assert loaded.failed
    d = loaded.diagnostics[0]
    assert d.format().startswith(f"fm.md:1: error: {REJECTED}:"), d.format()
    assert d.code == "bad-front-matter"


@pytest.mark.parametrize("yaml", [BOMB, CYCLE], ids=["bomb", "cycle"])
def test_alias_bomb_in_component_props(yaml: str) -> None:
    src = f"# T\n\n::note\n---\n{yaml}---\nBody words.\n::\n"
    t0 = time.perf_counter()
    loaded = parse_text(src, "props.md")
    assert time.perf_counter() - t0 < 5
    assert not loaded.failed  # the component is kept, its props are not
    assert any(
        d.code == "bad-props-yaml" and d.format().startswith("props.md:3:")
        for d in loaded.diagnostics
    ), [d.format() for d in loaded.diagnostics]

#: How a front matter that cannot be used is reported (the article fails).
REJECTED = "front matter rejected, article not converted"


def test_alias_bomb_is_bounded_in_memory() -> None:
    src = f"---\n{BOMB}---\nx\n"
    code = f"""
from a11ypress.document import parse_text
loaded = parse_text({src!r}, "fm.md")
result["codes"] = [d.code for d in loaded.diagnostics]
"""
    r = bounded(code)
    assert "bad-front-matter" in r["codes"]  # type: ignore[operator]
    assert r["seconds"] < 5 and r["rss_mb"] < 300, r


UNSAFE = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:builtins.object {{}}",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
    "!custom {{a: 1}}",
]


@pytest.mark.parametrize("tag", UNSAFE)
def test_unsafe_tags_are_refused_and_never_run(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    value = tag.format(marker=marker)
    fm = parse_text(f"---\ntitle: {value}\n---\nBody.\n", "tag.md")
    assert fm.failed
    assert fm.diagnostics[0].format().startswith(f"tag.md:2: error: {REJECTED}")
    props = parse_text(f"::note\n---\nx: {value}\n---\nBody.\n::\n", "tag.md")
    assert any(d.code == "bad-props-yaml" for d in props.diagnostics)
    assert not marker.exists()


def test_50mb_front_matter_is_refused(tmp_path: Path) -> None:
    article = tmp_path / "fm50.md"
    line = b"key: " + b"x" * 1019 + b"\n"
    with article.open("wb") as fh:
        fh.write(b"---\n" + line * (50 * 1024) + b"---\n# T\n")
    res = build(article, "--to", "json", "-o", tmp_path / "out")
    assert res.exit_code == 1
    assert f"{article}: error: article is" in res.stderr
    assert "[too-large]" in res.stderr
    assert not (tmp_path / "out" / "fm50.json").exists()


def test_front_matter_over_the_yaml_limit_is_refused_in_bounded_time() -> None:
    yaml = "".join(f"k{i}: {'v' * 90}\n" for i in range(MAX_YAML_CHARS // 50))  # ~1.3 MB
    code = f"""
from a11ypress.document import parse_text
loaded = parse_text("---\\n" + {yaml!r} + "---\\n# T\\n\\nBody.\\n", "big-fm.md")
result["first"] = loaded.diagnostics[0].format()
result["body"] = "Body." in str(loaded.document)
"""
    r = bounded(code)
    assert str(r["first"]).startswith(f"big-fm.md:1: error: {REJECTED}: YAML block is")
    assert "too large" in str(r["first"])
    assert r["body"]
    assert r["seconds"] < 10 and r["rss_mb"] < 500, r
