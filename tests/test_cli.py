"""Command line: inspect, outline, vocabulary overrides, digest builds, help."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from click.testing import CliRunner

from a11ypress.cli import main
from conftest import SAMPLES


def test_inspect_outline_is_a_heading_tree() -> None:
    long_read = next(p for p in SAMPLES if p.name == "long-read.md")
    res = CliRunner().invoke(main, ["inspect", str(long_read), "--outline"])
    assert res.exit_code == 0, res.stderr
    tree = json.loads(res.stdout)
    assert tree and tree[0]["level"] == 1 and tree[0]["children"]


def test_inspect_positions() -> None:
    res = CliRunner().invoke(main, ["inspect", str(SAMPLES[0]), "--positions"])
    data = json.loads(res.stdout)
    assert all("line" in b for b in data["children"])


def test_inspect_raw_shows_components_as_written(tmp_path: Path) -> None:
    src = tmp_path / "a.md"
    src.write_text(
        "---\ntitle: Raw\n---\n::Tip{.wide}\nHi [x](javascript:go()).\n::\n\n:read-more{to=/x}\n"
    )
    res = CliRunner().invoke(main, ["inspect", str(src), "--raw", "--positions"])
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["front_matter"] == {"title": "Raw"}
    tip, more = data["children"]
    assert (tip["type"], tip["name"], tip["props"], tip["line"]) == (
        "Component",
        "tip",
        {"class": "wide"},
        4,
    )
    assert (more["type"], more["name"], more["props"]) == ("Component", "read-more", {"to": "/x"})
    assert "a.md:5: warning: link to a javascript: URL is shown as its text only" in res.stderr
    # the resolved model maps the same components through the vocabulary
    resolved = json.loads(CliRunner().invoke(main, ["inspect", str(src)]).stdout)
    assert [b["type"] for b in resolved["children"]] == ["Callout", "LinkCard"]
    bad = CliRunner().invoke(main, ["inspect", str(src), "--raw", "--outline"])
    assert bad.exit_code == 2


def test_user_vocabulary_overrides_and_extends(tmp_path: Path) -> None:
    src = tmp_path / "a.md"
    src.write_text("::pro-tip\nUse it.\n::\n\n::ad-banner\nBuy now.\n::\n\n::tip\nHidden?\n::\n")
    vocab = tmp_path / "v.yaml"
    vocab.write_text(
        "pro-tip: {role: callout, label: Pro tip}\nad-banner: ignore\ntip: {role: container}\n"
    )
    res = CliRunner().invoke(main, ["inspect", str(src), "--components", str(vocab)])
    assert res.exit_code == 0, res.stderr
    kids = json.loads(res.stdout)["children"]
    assert kids[0]["type"] == "Callout" and kids[0]["label"] == "Pro tip"
    assert [k["type"] for k in kids] == ["Callout", "Component"]
    assert "Buy now" not in res.stdout


def test_bad_vocabulary_is_a_usage_error(tmp_path: Path) -> None:
    src = tmp_path / "a.md"
    src.write_text("x\n")
    vocab = tmp_path / "v.yaml"
    vocab.write_text("tip: {role: nonsense}\n")
    res = CliRunner().invoke(main, ["inspect", str(src), "--components", str(vocab)])
    assert res.exit_code == 2
    assert "v.yaml" in res.stderr


def test_digest_in_date_order(tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = CliRunner().invoke(
        main,
        [
            "build",
            *map(str, SAMPLES),
            "-o",
            str(out),
            "--digest",
            "My Digest",
            "--sort",
            "date",
            "--assets",
            str(SAMPLES[0].parent / "assets"),
            "-q",
        ],
    )
    assert res.exit_code == 0, res.stderr
    assert res.stdout.strip() == str(out / "my-digest.epub")
    with zipfile.ZipFile(out / "my-digest.epub") as z:
        chapters = sorted(n for n in z.namelist() if n.startswith("EPUB/text/ch"))
        assert len(chapters) == len(SAMPLES)
        opf = z.read("EPUB/content.opf").decode()
    assert "<dc:title>My Digest</dc:title>" in opf


def test_help_lists_commands() -> None:
    res = CliRunner().invoke(main, ["--help"])
    assert res.exit_code == 0
    for cmd in ("build", "inspect", "check"):
        assert cmd in res.stdout
