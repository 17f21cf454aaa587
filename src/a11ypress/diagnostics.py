"""Diagnostics: problems found in an article, reported with file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

#: Control characters (C0, DEL, C1): shown escaped so that a file name or a
#: message cannot move the cursor, clear the terminal or fake another line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with control characters written as ``\\xNN`` (and a file name
    that is not valid UTF-8 shown with its bytes escaped)."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


class Severity(StrEnum):
    """How bad a diagnostic is."""

    ERROR = "error"
    """The input (or part of it) could not be used."""
    WARNING = "warning"
    """Output is produced but may be wrong or less accessible; ``--strict`` fails."""
    INFO = "info"
    """Worth knowing; never fails a build."""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, with a stable code users can search for."""

    code: str
    """Stable kebab-case identifier, e.g. ``unknown-component``."""
    message: str
    """Human-readable explanation, with what to do about it where possible."""
    severity: Severity = Severity.WARNING
    """How bad it is."""
    file: str | None = None
    """Source file, when known."""
    line: int | None = None
    """1-based source line, when known."""

    def format(self) -> str:
        """Render as ``file:line: severity: message [code]`` (compiler style)."""
        where = printable(self.file) if self.file else "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.severity.value}: {printable(self.message)} [{self.code}]"


@dataclass(slots=True)
class DiagnosticSink:
    """Collects diagnostics for one source file."""

    file: str | None = None
    """File every diagnostic is reported against."""
    items: list[Diagnostic] = field(default_factory=list)
    """Collected diagnostics in the order found."""

    def add(
        self,
        code: str,
        message: str,
        line: int | None = None,
        severity: Severity = Severity.WARNING,
    ) -> None:
        """Record a diagnostic for this sink's file."""
        self.items.append(Diagnostic(code, message, severity, self.file, line))


class InputError(Exception):
    """Unusable input: the article cannot be converted at all."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic
        """The diagnostic that explains why."""
