"""The messages a newcomer meets (issue #18): a missing espeak-ng, an
unwritable cache, a front matter over the limit, ``check`` on an article,
``-q``, missing files, repeated diagnostics, examples in ``--help``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from a11ypress.cli import EXIT_DEPENDENCY, main

ROOT = Path(__file__).resolve().parent.parent

# espeak-ng cannot be uninstalled for a test: the interpreter is started with
# the dynamic loader refusing it, which is what pyttsx3 meets without it.
_NO_ESPEAK = """
import ctypes, sys
real = ctypes.cdll.LoadLibrary
def refuse(name, *a, **k):
    if "espeak" in str(name):
        raise OSError(f"{name}: cannot open shared object file: No such file or directory")
    return real(name, *a, **k)
ctypes.cdll.LoadLibrary = refuse
from a11ypress.cli import main
main(sys.argv[1:])
"""


def _run_without_espeak(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.environ.get("A11YPRESS_SRC") or str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-c", _NO_ESPEAK, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_missing_espeak_names_the_package(tmp_path: Path) -> None:
    """It said "internal error, please report it" with exit code 1."""
    (tmp_path / "a.md").write_text("# A\n\nText.\n")
    article = str(tmp_path / "a.md")
    proc = _run_without_espeak("build", article, "--to", "audio", "-o", str(tmp_path))
    assert proc.returncode == EXIT_DEPENDENCY, proc.stderr
    assert "internal error" not in proc.stderr
    assert "needs espeak-ng" in proc.stderr and "apt-get install espeak-ng" in proc.stderr
    voices = _run_without_espeak("voices")
    assert voices.returncode == EXIT_DEPENDENCY and "espeak-ng" in voices.stderr


def test_unwritable_cache_dir_is_named(tmp_path: Path) -> None:
    """It was reported as a failure to write the MP3."""
    (tmp_path / "a.md").write_text("# A\n\nText.\n")
    (tmp_path / "file").write_text("not a folder")
    cache = tmp_path / "file" / "cache"
    res = CliRunner().invoke(
        main,
        ["build", "-q", str(tmp_path / "a.md"), "--to", "audio", "-o", str(tmp_path / "o"),
         "--cache-dir", str(cache)],
    )
    assert res.exit_code == 1, res.output
    assert f"cannot write the speech cache folder {cache}" in res.stderr, res.stderr
    assert "[cache-unwritable]" in res.stderr and "a.mp3" not in res.stderr


def test_front_matter_over_the_limit_says_the_article_fails(tmp_path: Path) -> None:
    """It said "front matter ignored", yet the article was not converted."""
    big = tmp_path / "big.md"
    big.write_text("---\ntitle: T\nx: '" + "a" * 300_000 + "'\n---\n\nBody.\n")
    res = CliRunner().invoke(main, ["build", "-q", str(big), "-o", str(tmp_path / "o")])
    assert res.exit_code == 1
    assert "ignored" not in res.stderr
    assert f"{big}:1: error: front matter rejected, article not converted:" in res.stderr
    assert not (tmp_path / "o" / "big.epub").exists()


def test_check_on_an_article_explains_what_check_checks(tmp_path: Path) -> None:
    """It said only "NO-REPORT"."""
    article = tmp_path / "a.md"
    article.write_text("# A\n")
    res = CliRunner().invoke(main, ["check", str(article)])
    assert res.exit_code == 1
    assert "NO-REPORT" not in res.output
    assert "not an EPUB or PDF file" in res.stderr and "a11ypress build" in res.stderr


def test_quiet_hides_the_progress_label(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n\nText.\n")
    quiet = CliRunner().invoke(main, ["build", "-q", str(tmp_path / "a.md"), "-o", str(tmp_path)])
    assert quiet.exit_code == 0 and "Converting" not in quiet.stderr
    loud = CliRunner().invoke(main, ["build", str(tmp_path / "a.md"), "-o", str(tmp_path)])
    assert "Converting" in loud.stderr


@pytest.mark.parametrize("command", ["build", "inspect", "speech", "check"])
def test_a_missing_file_exits_1_in_every_command(tmp_path: Path, command: str) -> None:
    """It exited 1 in build but 2 in inspect."""
    missing = tmp_path / ("nothere.epub" if command == "check" else "nothere.md")
    args = [command, str(missing)] + (["-o", str(tmp_path)] if command == "build" else [])
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1, res.output
    assert str(missing) in res.stderr
    assert "No such file" in res.stderr or "no such file" in res.stderr


def test_each_info_diagnostic_is_printed_once(tmp_path: Path) -> None:
    """``make run`` printed each info diagnostic once per format."""
    article = tmp_path / "a.md"
    article.write_text("# A\n\n![a remote chart](https://example.org/c.png)\n")
    res = CliRunner().invoke(
        main, ["build", str(article), "--to", "epub,pdf,json", "-o", str(tmp_path / "o")]
    )
    assert res.exit_code == 0, res.stderr
    lines = [line for line in res.stderr.splitlines() if "[image-remote]" in line]
    assert len(lines) == 1, res.stderr


@pytest.mark.parametrize("command", [None, "build", "inspect", "speech", "check", "voices"])
def test_every_help_has_examples(command: str | None) -> None:
    res = CliRunner().invoke(main, [*([command] if command else []), "--help"])
    assert res.exit_code == 0
    assert "Examples:" in res.stdout
    assert f"a11ypress {command or 'build'} " in res.stdout
