"""Fixture files: MDC input -> expected model JSON, one short file per case.

Each ``tests/fixtures/model/*.md`` holds the input, a line ``=== model ===``
and the expected JSON of the body blocks, optionally ``=== metadata ===`` and
the expected metadata fields, and ``=== diagnostics ===`` with the diagnostics
the parse reports, one a line as the command line prints them.  Diagnostics are
part of the contract: a fixture without that section must parse without any.
``UPDATE_FIXTURES=1 pytest`` rewrites the expected parts from the current
parser (a diagnostics section only where there are diagnostics), for review in
the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from a11ypress.document import parse_text
from a11ypress.serialize import to_data

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "model").glob("*.md"))
SEP = "\n=== model ===\n"
META = "\n=== metadata ===\n"
DIAG = "\n=== diagnostics ===\n"


def _split(text: str) -> tuple[str, str | None, str | None, str | None]:
    """(source, model, metadata, diagnostics); a missing part is None."""
    src, _, rest = text.partition(SEP)
    rest, _, diags = rest.partition(DIAG)
    model, _, meta = rest.partition(META)
    return src, model or None, meta or None, diags or None


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture(path: Path) -> None:
    src, expected, expected_meta, expected_diags = _split(path.read_bytes().decode("utf-8"))
    loaded = parse_text(src, path.name)
    got = to_data(loaded.document.children)
    got_meta = to_data(loaded.document.metadata)
    got_diags = [d.format() for d in loaded.diagnostics]
    if os.environ.get("UPDATE_FIXTURES"):
        text = src + SEP + json.dumps(got, ensure_ascii=False, indent=1) + "\n"
        if expected_meta is not None:
            text += META + json.dumps(got_meta, ensure_ascii=False, indent=1) + "\n"
        if got_diags:
            text += DIAG + "\n".join(got_diags) + "\n"
        path.write_bytes(text.encode("utf-8"))
        return
    assert expected is not None, f"{path.name} has no '=== model ===' section"
    assert got == json.loads(expected)
    if expected_meta is not None:
        assert got_meta == json.loads(expected_meta)
    assert got_diags == (expected_diags or "").splitlines(), (
        f"{path.name}: the diagnostics differ (UPDATE_FIXTURES=1 rewrites them for review)"
    )
