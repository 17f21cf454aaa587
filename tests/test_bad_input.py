"""Bad input: clear diagnostics with file and line, batches go on, YAML is bounded."""

from __future__ import annotations

import time
from pathlib import Path

from click.testing import CliRunner

from a11ypress.cli import main
from a11ypress.document import parse_text
from a11ypress.mdc.yamlsafe import YamlProblem, load_mapping

BOMB = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
"""


def test_alias_bomb_refused_quickly() -> None:
    t0 = time.perf_counter()
    result = load_mapping(BOMB)
    assert isinstance(result, YamlProblem)
    assert "aliases" in result.message
    assert time.perf_counter() - t0 < 2.0


def test_alias_bomb_in_props_block_is_a_diagnostic() -> None:
    src = "# T\n\n::hero\n---\n" + BOMB + "---\nBody words.\n::\n"
    loaded = parse_text(src, "bomb.md")
    codes = {(d.code, d.line) for d in loaded.diagnostics}
    assert ("bad-props-yaml", 3) in codes
    assert "Body words." in str(loaded.document.children)


def test_oversized_props_block_refused() -> None:
    big = "\n".join(f"k{i}: v" for i in range(3000))
    loaded = parse_text(f"::hero\n---\n{big}\n---\nText.\n::\n", "big.md")
    assert any(d.code == "bad-props-yaml" for d in loaded.diagnostics)


def test_yaml_is_safe_loaded() -> None:
    result = load_mapping("x: !!python/object/apply:os.system ['echo hi']\n")
    assert isinstance(result, YamlProblem)


def test_bad_front_matter_names_file_and_line() -> None:
    loaded = parse_text("---\ntitle: ok\ndate: [unclosed\n---\nBody.\n", "post.md")
    assert loaded.failed
    d = loaded.diagnostics[0]
    assert d.file == "post.md" and d.code == "bad-front-matter"
    assert d.line in (3, 4, 5)
    assert "post.md:" in d.format()


def test_batch_goes_on_after_a_broken_file(tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text("# Good\n\nFine text.\n")
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: [oops\n---\nText\n")
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\xff\xfe\x00bad")
    out = tmp_path / "out"
    res = CliRunner().invoke(
        main,
        [
            "build",
            str(bad),
            str(binary),
            str(tmp_path / "missing.md"),
            str(good),
            "--to",
            "json",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 1
    assert (out / "good.json").is_file()
    assert not (out / "bad.json").exists()
    assert f"{bad}:2: error:" in res.stderr
    assert f"{binary}:1: error: not UTF-8" in res.stderr
    assert "missing.md: error: cannot read" in res.stderr
    assert res.stdout.strip() == str(out / "good.json")
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_never_overwrites_an_input(tmp_path: Path) -> None:
    src = tmp_path / "a.md"
    src.write_text("# A\n")
    clash = tmp_path / "a.json"
    clash.write_text("input data")
    res = CliRunner().invoke(
        main, ["build", str(src), str(clash), "--to", "json", "-o", str(tmp_path)]
    )
    assert clash.read_text() == "input data"
    assert res.exit_code == 1
    assert "refusing to overwrite input" in res.stderr


def test_strict_turns_warnings_into_exit_3(tmp_path: Path) -> None:
    src = tmp_path / "a.md"
    src.write_text("::hero\n---\nx: [\n---\n::\n")
    res = CliRunner().invoke(
        main, ["build", str(src), "--to", "json", "-o", str(tmp_path / "o"), "--strict"]
    )
    assert res.exit_code == 3, res.stderr


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    src = tmp_path / "a.md"
    src.write_text("# A\n")
    res = CliRunner().invoke(main, ["build", str(src), "--to", "docx"])
    assert res.exit_code == 2
    assert "unknown format" in res.stderr
