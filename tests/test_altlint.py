"""Alt-text lint: one fixture per rule (tests/fixtures/altlint/<rule>.md, whose
front matter says which lines are flagged), a fixture of alt texts that must not
be flagged, and the warnings as a build reports them (once, for every format)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

from a11ypress import model as m
from a11ypress.cli import main
from a11ypress.document import load, parse_text
from a11ypress.transforms.altlint import HINTS, MAX_ALT, lint_alt_text
from conftest import ROOT, SAMPLES

FIXTURES = ROOT / "tests" / "fixtures" / "altlint"
CASES = sorted(FIXTURES.glob("*.md"))


def test_every_rule_has_a_fixture() -> None:
    assert {p.stem for p in CASES} == set(HINTS) | {"clean"}


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_fixture(path: Path) -> None:
    loaded = load(path)
    expect = loaded.document.metadata.extra["lint"]
    assert isinstance(expect, dict)
    found = lint_alt_text(loaded.document)
    assert [(f.rule, f.line) for f in found] == [(expect["rule"], n) for n in expect["lines"]]
    warnings = [d for d in loaded.diagnostics if d.code in HINTS]
    assert [(d.code, d.line) for d in warnings] == [(f.rule, f.line) for f in found]
    for d in warnings:
        assert d.file == str(path)
        assert d.message.endswith(HINTS[d.code])


def test_long_alt_with_a_long_description_is_fine() -> None:
    doc = parse_text(f"![{'x ' * MAX_ALT}](a.png)\n").document
    fig = doc.children[0]
    assert isinstance(fig, m.Figure)
    assert [f.rule for f in lint_alt_text(doc)] == ["alt-too-long"]
    described = dataclasses.replace(fig.image, long_description="All the figures.")
    doc = dataclasses.replace(doc, children=(dataclasses.replace(fig, image=described),))
    assert lint_alt_text(doc) == []


def test_samples_are_clean() -> None:
    for path in SAMPLES:
        assert lint_alt_text(load(path).document) == [], path.name


def test_build_reports_each_warning_once_with_file_line_and_hint(tmp_path: Path) -> None:
    src = FIXTURES / "alt-file-name.md"
    res = CliRunner().invoke(
        main, ["build", str(src), "--to", "epub,json", "-o", str(tmp_path), "--strict", "-q"]
    )
    assert res.exit_code == 3, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if "[alt-file-name]" in ln]
    assert [ln.split(": warning")[0] for ln in lines] == [f"{src}:{n}" for n in (6, 8, 10, 12, 14)]
    assert all(HINTS["alt-file-name"] in ln for ln in lines)
