"""Stylesheets: the built-in ones in the package (``a11ypress/css/``, shipped
as package data so that an installed wheel builds every format), or the
user's (``--style``, ``--print-style``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from a11ypress import shipped
from a11ypress.diagnostics import Diagnostic, InputError, Severity


def styles_dir() -> Path:
    """Folder of the built-in stylesheets: ``$A11YPRESS_STYLES`` or the
    package's ``css/``."""
    env = os.environ.get("A11YPRESS_STYLES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent / "css"


def stylesheet(name: str, override: Path | None = None) -> bytes:
    """The stylesheet ``name`` (e.g. ``epub``), or the user's file instead."""
    path = override if override is not None else styles_dir() / f"{name}.css"
    sent = shipped.file(path) if override is not None else None
    if sent is not None:  # a cluster task carries the user's stylesheet
        return sent
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(
            Diagnostic(
                "missing-stylesheet",
                f"cannot read stylesheet: {exc.strerror or exc}",
                Severity.ERROR,
                str(path),
            )
        ) from exc


def packable_css(css: bytes) -> tuple[bytes, list[str]]:
    """A user's stylesheet made fit to pack into an e-book: every ``@import``
    rule and every ``url()`` (remote, ``file:`` or any other: the book holds
    nothing a stylesheet could point at) is removed, so no reader ever loads
    anything from outside the book.  Returns the CSS and what was removed."""
    import tinycss2
    from tinycss2 import ast

    removed: list[str] = []

    def scrub(tokens: list[Any] | None) -> list[Any] | None:
        if tokens is None:
            return None
        out: list[Any] = []
        for t in tokens:
            if isinstance(t, ast.URLToken):
                removed.append(f"url({t.value})")
                t = ast.IdentToken(t.source_line, t.source_column, "none")
            elif isinstance(t, ast.FunctionBlock) and t.lower_name in ("url", "src", "image-set"):
                removed.append(tinycss2.serialize([t]))
                t = ast.IdentToken(t.source_line, t.source_column, "none")
            elif isinstance(t, ast.FunctionBlock):
                t.arguments = scrub(t.arguments)
            elif isinstance(
                t, ast.SquareBracketsBlock | ast.ParenthesesBlock | ast.CurlyBracketsBlock
            ):
                t.content = scrub(t.content)
            out.append(t)
        return out

    rules = tinycss2.parse_stylesheet(css.decode("utf-8", "replace"))
    kept: list[Any] = []
    for rule in rules:
        if isinstance(rule, ast.AtRule) and rule.lower_at_keyword == "import":
            removed.append("@import " + tinycss2.serialize(rule.prelude).strip())
            continue
        if isinstance(rule, ast.QualifiedRule | ast.AtRule):
            rule.prelude = scrub(rule.prelude)
            rule.content = scrub(rule.content)
        kept.append(rule)
    if not removed:
        return css, []
    return tinycss2.serialize(kept).encode("utf-8"), removed
