"""Stylesheets, loaded by path from ``styles/`` (user-overridable)."""

from __future__ import annotations

import os
from pathlib import Path

from a11ypress.diagnostics import Diagnostic, InputError, Severity


def styles_dir() -> Path:
    """Folder of the built-in stylesheets: ``$A11YPRESS_STYLES`` or the checkout's ``styles/``."""
    env = os.environ.get("A11YPRESS_STYLES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "styles"


def stylesheet(name: str, override: Path | None = None) -> bytes:
    """The stylesheet ``name`` (e.g. ``epub``), or the user's file instead."""
    path = override if override is not None else styles_dir() / f"{name}.css"
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
