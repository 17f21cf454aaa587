"""Batches on several cores: one task per article (a11ypress.tasks), run in
worker processes, give the same files and diagnostics as a serial build."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import a11ypress
from a11ypress import tasks
from a11ypress.pipeline import BuildResult
from a11ypress.tasks import CRASH_ARTICLE_ENV, ArticleTask, close_executors, run_article
from conftest import ASSETS, ROOT, SAMPLES


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _build(inputs: list[Path], out: Path, jobs: int, formats: str) -> BuildResult:
    return a11ypress.build(inputs, formats=formats, out=out, assets=ASSETS, jobs=jobs)


def _lines(result: BuildResult) -> list[str]:
    return [d.format() for d in result.diagnostics]


def test_parallel_build_is_byte_identical(tmp_path: Path) -> None:
    """Every file (the manifest too) and every diagnostic, in order, as a
    serial build gives them; a broken article among good ones fails alone."""
    broken = tmp_path / "broken.md"
    broken.write_bytes(b"# Broken\n\n\xff\xfe not UTF-8\n")
    inputs = [*SAMPLES[:3], broken, tmp_path / "missing.md", *SAMPLES[3:]]
    one = _build(inputs, tmp_path / "one", 1, "epub,pdf,json")
    two = _build(inputs, tmp_path / "two", 2, "epub,pdf,json")
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    assert "a11ypress-build.json" in _files(tmp_path / "two")
    assert _lines(one) == _lines(two)
    assert one.failed == two.failed == [str(broken), str(tmp_path / "missing.md")]
    assert two.articles == len(SAMPLES)
    assert [p.name for p in two.outputs] == [p.name for p in one.outputs]
    codes = [d.code for d in two.diagnostics if d.file == str(broken)]
    assert codes == ["not-utf8"]


def test_worker_crash_fails_its_article_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that dies converting an article: that article is reported
    (``worker-crashed``), the others are built, and the build does not hang."""
    close_executors()  # the workers must see the variable
    monkeypatch.setenv(CRASH_ARTICLE_ENV, SAMPLES[1].name)
    monkeypatch.setattr(tasks, "LIGHT_BATCH", 0)  # even JSON only
    try:
        result = _build(SAMPLES[:4], tmp_path / "out", 2, "json")
    finally:
        close_executors()
    assert result.failed == [str(SAMPLES[1])]
    crashed = [d for d in result.diagnostics if d.code == "worker-crashed"]
    assert [d.file for d in crashed] == [str(SAMPLES[1])]
    built = sorted(p.name for p in (tmp_path / "out").glob("*.json"))
    expected = sorted(p.stem + ".json" for p in SAMPLES[:4] if p != SAMPLES[1])
    assert built == sorted([*expected, "a11ypress-build.json"])


def test_pool_is_kept_for_the_next_build(tmp_path: Path) -> None:
    """The Python API in a loop (a build hook's long-running process): the
    second build reuses the first one's warm worker processes."""
    from a11ypress.options import BuildOptions
    from a11ypress.tasks import executor_for

    options = BuildOptions(formats=("pdf",), jobs=2)
    first = executor_for(options, 10)
    _build(SAMPLES[:3], tmp_path / "a", 2, "pdf")
    _build(SAMPLES[3:6], tmp_path / "b", 2, "pdf")
    assert executor_for(options, 10) is first
    assert executor_for(BuildOptions(formats=("epub",), jobs=2), 10).__class__.__name__ == (
        "InlineExecutor"
    )


def test_task_and_outcome_pickle(tmp_path: Path) -> None:
    """A task and its outcome cross process boundaries (pickle round trip)."""
    from a11ypress.components import builtin_vocabulary
    from a11ypress.export import ExportOptions
    from a11ypress.options import BuildOptions

    path = SAMPLES[0]
    task = ArticleTask(
        path=path,
        source=path.read_bytes(),
        stem=path.stem,
        formats=("json", "epub"),
        export=ExportOptions(assets=ASSETS, sources=(path,)),
        options=BuildOptions(),
        vocab=builtin_vocabulary(),
        keep_document=True,
    )
    assert pickle.loads(pickle.dumps(task)) == task
    outcome = run_article(task)
    assert not outcome.failed and [f.name for f in outcome.formats] == ["json", "epub"]
    assert [n for f in outcome.formats for n, _ in f.files] == [
        path.stem + ".json",
        path.stem + ".epub",
    ]
    again = pickle.loads(pickle.dumps(outcome))
    assert again.formats == outcome.formats and again.model == outcome.model


def test_cli_import_is_light() -> None:
    """Importing the CLI loads neither WeasyPrint, nor the speech stack, nor
    the EPUB and PDF exporters: each command imports what it needs."""
    heavy = ["weasyprint", "pyttsx3", "lameenc", "a11ypress.export.pdf", "a11ypress.export.epub"]
    code = f"import sys, a11ypress.cli\nprint([m for m in {heavy!r} if m in sys.modules])\n"
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "[]"
