"""markdown-it-py: what a11ypress relies on beyond its documented rule API.

The MDC rules are registered with the public ``Ruler`` API (``before``,
``after``, ``at``, ``get_all_rules``) and the built-in linkify rule is taken
from ``markdown_it.rules_inline``, so no private name is used any more (the
list below is empty).  The rules do rely on how markdown-it-py 4 drives inline
and block state (``StateInline.pending``, ``linkLevel``, ``posMax``), which
the differential and fixture tests check; hence the version check.
"""

from __future__ import annotations

import markdown_it

from . import Private, check_version

PIN = "markdown-it-py[linkify]>=4.0,<5"
"""The pin in pyproject.toml."""
VERSION = check_version(
    "markdown-it-py", lambda v: v.split(".")[0] == "4", PIN, found=markdown_it.__version__
)
"""The installed version (checked)."""

#: Every private name used, for the canary test (none: the public Ruler API is used).
PRIVATE: tuple[Private, ...] = ()
#: Public names the MDC rules rely on, checked by the canary test all the same.
PUBLIC: tuple[Private, ...] = (
    Private(
        "markdown_it.ruler", "Ruler.before", ("self", "beforeName", "ruleName", "fn", "options")
    ),
    Private("markdown_it.ruler", "Ruler.after", ("self", "afterName", "ruleName", "fn", "options")),
    Private("markdown_it.ruler", "Ruler.at", ("self", "ruleName", "fn", "options")),
    Private("markdown_it.ruler", "Ruler.get_all_rules", ("self",)),
    Private("markdown_it.rules_inline", "linkify", ("state", "silent")),
)
