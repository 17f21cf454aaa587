"""Batch: broken articles among many; the others are produced, a summary
names the failures on stderr, the exit code is 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile import all_formats, build, outputs, produced

from a11ypress import export
from a11ypress.diagnostics import DiagnosticSink
from a11ypress.export import ExportOptions
from a11ypress.model import Document

GOOD = "# Good {n}\n\nFine text {n}.\n"


def _batch(folder: Path) -> tuple[list[Path], list[Path]]:
    folder.mkdir()
    good = []
    for n in range(6):
        p = folder / f"good{n}.md"
        p.write_text(GOOD.format(n=n))
        good.append(p)
    bad = {
        "bad-yaml.md": b"---\ntitle: [oops\n---\nText\n",
        "bomb.md": b"---\na: &a [*a]\n---\nText\n",
        "latin1.md": b"# caf\xe9\n",
        "dir.md": None,
    }
    broken = []
    for name, data in bad.items():
        p = folder / name
        if data is None:
            p.mkdir()
        else:
            p.write_bytes(data)
        broken.append(p)
    broken.append(folder / "missing.md")
    return good, broken


@pytest.mark.parametrize("fmt", all_formats())
def test_one_broken_among_many(tmp_path: Path, fmt: str) -> None:
    good, broken = _batch(tmp_path / "in")
    order = [
        good[0],
        broken[0],
        good[1],
        broken[1],
        good[2],
        broken[2],
        good[3],
        broken[3],
        good[4],
        broken[4],
        good[5],
    ]
    out = tmp_path / "out"
    res = build(*order, "--to", fmt, "-o", out)
    assert res.exit_code == 1
    ext = export.formats()[fmt][0]
    assert produced(out) == sorted(
        name for g in good for name in outputs(g.stem, fmt)
    )
    assert res.stdout.split() == [str(out / f"{g.stem}{ext}") for g in good]
    summary = res.stderr.strip().splitlines()[-1]
    assert summary == (
        f"a11ypress: {len(broken)} failed (of {len(order)} input(s)): "
        + ", ".join(map(str, broken))
    )
    for b in broken:
        assert f"{b}" in res.stderr


def test_a_crashing_exporter_does_not_stop_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, _ = _batch(tmp_path / "in")
    real = export.formats

    def crash(doc: Document, out: Path, options: ExportOptions, sink: DiagnosticSink) -> None:
        if "Good 2" in str(doc):
            raise RuntimeError("boom")
        real()["json"][1](doc, out, options, sink)

    patched = lambda: {**real(), "json": (".json", crash)}  # noqa: E731
    monkeypatch.setattr("a11ypress.pipeline.formats", patched)
    monkeypatch.setattr("a11ypress.tasks.formats", patched)
    # --jobs 1: the articles are converted in this process, which is patched
    res = build(*good, "--to", "json", "-o", tmp_path / "out", "--jobs", "1")
    assert res.exit_code == 1
    assert f"{good[2]}: error: internal error, please report it: RuntimeError: boom" in res.stderr
    assert len(produced(tmp_path / "out")) == 5
    assert res.stderr.strip().endswith(f"1 failed (of 6 input(s)): {good[2]}")


def test_a_crashing_parser_does_not_stop_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, _ = _batch(tmp_path / "in")
    import a11ypress.document as document

    real = document.parse_text

    def crash(text: str, path: str | None = None, **kw: object) -> object:
        if "Good 3" in text:
            raise ValueError("parser bug")
        return real(text, path, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(document, "parse_text", crash)
    res = build(*good, "--to", "json", "-o", tmp_path / "out", "--jobs", "1")
    assert res.exit_code == 1
    assert f"{good[3]}: error: internal error, please report it: ValueError" in res.stderr
    assert len(produced(tmp_path / "out")) == 5


def test_digest_with_broken_articles(tmp_path: Path) -> None:
    good, broken = _batch(tmp_path / "in")
    res = build(*good, *broken, "--digest", "All", "-o", tmp_path / "out")
    assert res.exit_code == 1
    assert produced(tmp_path / "out") == ["all.epub"]
    assert f"{len(broken)} failed" in res.stderr
