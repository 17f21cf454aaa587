"""Shared test helpers."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "samples").glob("*.md") if p.name != "README.md")


#: The real article from shared/seeds, copied into the repository.
SEED = ROOT / "tests" / "data" / "seed-secure-by-design.md"

# Audio built with the default options caches sentences under XDG_CACHE_HOME:
# keep that inside the checkout (.cache/ is ignored by git), not in ~/.cache.
os.environ["XDG_CACHE_HOME"] = str(ROOT / ".cache" / "pytest")

# CI runs the property tests derandomized, so a red run is reproducible and a
# green main stays green; locally they explore new examples each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
