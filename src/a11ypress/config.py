"""The project config file: ``a11ypress.toml``, or ``[tool.a11ypress]`` in a
``pyproject.toml``, at the site root.

Its keys are the names of :class:`~a11ypress.options.BuildOptions` fields
(``formats``, ``title``, ``include``, ...); relative paths in it resolve
against the file's folder.  An unknown key or a value of the wrong kind is an
error naming the file and the line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from a11ypress.diagnostics import Diagnostic, InputError, Severity
from a11ypress.options import BuildOptions, OptionsError

CONFIG_NAME = "a11ypress.toml"


@dataclass(frozen=True, slots=True)
class Config:
    """A loaded project config."""

    path: Path
    """The file it came from."""
    values: dict[str, Any]
    """Option name -> value as written (checked by :meth:`apply`)."""
    table: str | None = None
    """``tool.a11ypress`` for a pyproject.toml, None for a11ypress.toml."""
    chosen: bool = False
    """Given by the person running the build (``--config``), not found by
    itself in an input folder: only then may it name a ``cluster``."""

    def apply(self, options: BuildOptions) -> BuildOptions:
        """``options`` with this file's values; an unknown key or a bad value
        raises :class:`InputError` naming the file and line."""
        base = self.path.parent
        for key, value in self.values.items():
            if key in CHOSEN_ONLY and not self.chosen:
                raise InputError(
                    Diagnostic(
                        "config-not-chosen",
                        f"option {key!r} is only taken from a config file given with "
                        "--config (a config found in an input folder is part of the "
                        "input: it may not send the build to a scheduler)",
                        Severity.ERROR,
                        str(self.path),
                        _line_of(self.path, key, self.table),
                    )
                )
            try:
                options = options.merged({key: value}, base=base)
                _inside(options, key, base)
            except OptionsError as exc:
                raise InputError(
                    Diagnostic(
                        _code(str(exc)),
                        str(exc),
                        Severity.ERROR,
                        str(self.path),
                        _line_of(self.path, key, self.table),
                    )
                ) from exc
        return options


#: Options only a config file given with ``--config`` may set: a build sends
#: its articles to the ``cluster`` scheduler and unpickles what comes back.
CHOSEN_ONLY = ("cluster",)

#: Options naming files or folders that are read: they must lie inside the
#: config file's folder (a site's config is part of the site).
READ_PATHS = ("assets", "components", "lexicon", "style", "print_style")


def _inside(options: BuildOptions, key: str, base: Path) -> None:
    if key not in READ_PATHS:
        return
    value = getattr(options, key)
    if value is not None and not Path(value).resolve().is_relative_to(base.resolve()):
        raise OptionsError(
            f"option {key!r} names {value}, outside the folder of the config file", key
        )


def find_config(paths: Sequence[Path]) -> Path | None:
    """The config file for a build of ``paths``: in the first folder input (or,
    when no input is a folder, the current folder), ``a11ypress.toml``, else a
    ``pyproject.toml`` with a ``[tool.a11ypress]`` table."""
    folders = [p for p in paths if p.is_dir()] or [Path.cwd()]
    root = folders[0]
    candidate = root / CONFIG_NAME
    if candidate.is_file():
        return candidate
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            text = pyproject.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        if re.search(r"^\s*\[\s*tool\.a11ypress\s*\]", text, re.M):
            return pyproject
    return None


def load_config(path: Path, chosen: bool = False) -> Config:
    """Read a config file (a11ypress.toml or pyproject.toml); ``chosen``: given
    with ``--config`` (see :attr:`Config.chosen`).  Raises :class:`InputError`
    naming the file and line when it is not valid TOML."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            Diagnostic("config-unreadable", f"cannot read: {exc}", Severity.ERROR, str(path))
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise InputError(
            Diagnostic(
                "config-syntax",
                f"not valid TOML: {exc}",
                Severity.ERROR,
                str(path),
                int(found.group(1)) if found else None,
            )
        ) from exc
    table: str | None = None
    if path.name == "pyproject.toml":
        table = "tool.a11ypress"
        data = data.get("tool", {}).get("a11ypress", {})
    return Config(path, dict(data), table, chosen)


def _line_of(path: Path, key: str, table: str | None) -> int | None:
    """Line where ``key`` is set (inside ``[table]`` when given; a nested
    table ``[key]`` counts too)."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    current: str | None = None
    key_re = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for n, line in enumerate(lines, 1):
        head = re.match(r"^\s*\[+\s*([^\]]+?)\s*\]+", line)
        if head:
            current = head.group(1)
            if current in (key, f"{table}.{key}"):
                return n
            continue
        if current == table and key_re.match(line):
            return n
    return None


def _code(message: str) -> str:
    if "unknown option" in message:
        return "config-unknown-key"
    return "config-outside" if "outside the folder" in message else "config-bad-value"
