"""Shared test helpers."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "samples").glob("*.md") if p.name != "README.md")


#: The real article from shared/seeds, copied into the repository.
SEED = ROOT / "tests" / "data" / "seed-secure-by-design.md"
