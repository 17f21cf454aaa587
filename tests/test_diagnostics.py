"""The diagnostic codes are one catalogue: every code reported is in it, with a
severity and a meaning, and the README lists them all."""

from __future__ import annotations

import ast
from typing import get_args

from a11ypress.diagnostics import CATALOGUE, DiagnosticSink, Severity, code_info
from a11ypress.render.xhtml import ImageReason
from conftest import ROOT, assert_no_diagnostics

SRC = ROOT / "src" / "a11ypress"


def _reported_codes() -> list[tuple[str, str]]:
    """(where, code or f-string prefix + '*') of every ``sink.add(...)`` and
    ``Diagnostic(...)`` in the sources whose code is written out."""
    found: list[tuple[str, str]] = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            f = node.func
            if isinstance(f, ast.Attribute) and f.attr == "add":
                if "sink" not in ast.unparse(f.value):
                    continue
            elif not (isinstance(f, ast.Name) and f.id == "Diagnostic"):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            for arg in ast.walk(node.args[0]):
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append((where, arg.value))
                elif isinstance(arg, ast.JoinedStr):
                    head = arg.values[0]
                    if isinstance(head, ast.Constant) and isinstance(head.value, str):
                        found.append((where, head.value + "*"))
    return found


def test_every_code_in_the_sources_is_catalogued() -> None:
    codes = _reported_codes()
    assert len(codes) > 30
    missing = [
        (where, code)
        for where, code in codes
        if (code.endswith("*") and code not in CATALOGUE)
        or (not code.endswith("*") and code_info(code) is None)
    ]
    assert not missing, f"add these codes to diagnostics.CATALOGUE: {missing}"


def test_every_image_reason_has_its_family() -> None:
    for reason in get_args(ImageReason):
        info = code_info(f"image-{reason}")
        assert info is not None and info is CATALOGUE["image-*"]


def test_catalogue_entries_are_complete() -> None:
    for code, info in CATALOGUE.items():
        assert info.severities and all(isinstance(s, Severity) for s in info.severities), code
        assert info.meaning and "\n" not in info.meaning, code


def test_readme_lists_the_catalogue() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    for code, info in CATALOGUE.items():
        row = f"| `{code}` | {' / '.join(s.value for s in info.severities)} | {info.meaning} |"
        assert row in readme, f"README lacks the row:\n{row}"


def test_default_severity_comes_from_the_catalogue() -> None:
    sink = DiagnosticSink("a.md")
    sink.add("unknown-component", "x")
    sink.add("missing-alt", "y")
    sink.add("image-remote", "z")
    assert [d.severity for d in sink.items] == [Severity.INFO, Severity.WARNING, Severity.WARNING]


def test_assert_no_diagnostics_names_the_unexpected() -> None:
    sink = DiagnosticSink("a.md")
    sink.add("relative-link", "shown as text", 3)
    assert_no_diagnostics(sink, allow={"relative-link"})
    sink.add("missing-alt", "no alt", 4)
    try:
        assert_no_diagnostics(sink, allow={"relative-link"})
    except AssertionError as exc:
        assert "a.md:4: warning: no alt [missing-alt]" in str(exc)
    else:  # pragma: no cover - the helper must fail here
        raise AssertionError("assert_no_diagnostics let a missing-alt through")
