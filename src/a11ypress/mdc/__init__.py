"""MDC parser: text -> raw document model (front matter, blocks, footnotes).

Built on markdown-it-py (CommonMark) with GFM tables, strikethrough,
autolinks and footnotes, plus the MDC rules in :mod:`.block` and
:mod:`.inline`.  It never raises on any text: problems become diagnostics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline import linkify as builtin_linkify
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from a11ypress import model as m
from a11ypress.diagnostics import Diagnostic, DiagnosticSink, Severity
from a11ypress.model import PropValue
from a11ypress.seams import markdown_it_internals  # noqa: F401 - checks the installed version
from a11ypress.xmlchars import INVALID_XML

from .block import mdc_block_plugin
from .depth import (
    BUDGET,
    DEEP_LINES,
    TooComplex,
    guard_block_depth,
    guard_inline_work,
    work_budget,
)
from .frontmatter import split_front_matter
from .inline import mdc_inline_plugin
from .standalone import mdc_standalone_plugin
from .tomodel import TokenConverter

__all__ = ["RawDocument", "make_markdown", "parse_mdc"]

#: Deepest nesting of blocks and inlines markdown-it will follow.
MAX_NESTING = 100


@dataclass(frozen=True, slots=True)
class RawDocument:
    """What the parser returns: the model before components are interpreted."""

    front_matter: dict[str, PropValue]
    """Front matter data (empty when there is none)."""
    children: tuple[m.Block, ...]
    """Body blocks, components still generic."""
    footnotes: tuple[m.FootnoteDef, ...] = ()
    """Footnote definitions."""
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    """Problems found while parsing."""


@lru_cache(maxsize=1)
def make_markdown() -> MarkdownIt:
    """The configured markdown-it instance (CommonMark + GFM + MDC)."""
    md = MarkdownIt(
        "commonmark",
        {"html": True, "linkify": True, "typographer": False, "maxNesting": MAX_NESTING},
    )
    md.enable(["table", "strikethrough", "linkify"])
    md.use(footnote_plugin)
    md.use(mdc_block_plugin)
    md.use(mdc_inline_plugin)
    md.use(mdc_standalone_plugin)
    md.disable(["footnote_inline"], ignoreInvalid=True)
    # Every link is parsed as a link, as remark-mdc does; the model builder
    # shows one with a refused scheme (javascript:, data:...) as its text.
    md.validateLink = _any_link  # type: ignore[method-assign]
    md.normalizeLink = _normalize_link  # type: ignore[method-assign]
    guard_block_depth(md)
    guard_inline_work(md)
    _fast_pretest(md)
    _bounded_linkify(md)
    return md


def _any_link(url: str) -> bool:
    """Link validator that accepts every URL (see :func:`make_markdown`)."""
    return True


def _normalize_link(url: str) -> str:
    """markdown-it's URL normalisation, except that a ``#fragment`` is kept as
    written: it names a heading id (``#café-au-lait``), not a web address."""
    return url if url.startswith("#") else normalizeLink(url)


def _fast_pretest(md: MarkdownIt) -> None:
    """Run linkify-it's costly pretest regex only where the core linkify rule
    can find something: ``www.`` addresses and e-mail addresses.  Links with a
    scheme (``https://...``) are found by the inline linkify rule instead, and
    bare ``example.com`` is not a GFM autolink, so it is left alone."""
    linkify = md.linkify
    assert linkify is not None
    slow = linkify.pretest

    def pretest(text: str) -> bool:
        return ("@" in text or "www." in text or "WWW." in text) and bool(slow(text))

    linkify.pretest = pretest


#: Longest URL scheme looked for before ``://`` (real ones are a few letters).
_MAX_SCHEME = 32
#: How far after ``://`` a candidate link is looked at before the full rule runs.
_LINK_WINDOW = 4096


def _bounded_linkify(md: MarkdownIt) -> None:
    """Keep markdown-it's inline linkify rule linear.

    For every ``://`` it searches the whole pending text for a scheme and
    copies the rest of the source, so a paragraph of ``<http://<http://...``
    takes quadratic time (minutes for 200 KB).  Here a candidate is first
    checked on a bounded window; only a real link (which then flushes the
    pending text) reaches the original rule."""
    rules = md.inline.ruler
    original = builtin_linkify
    scheme = re.compile(r"(?:^|[^a-z0-9.+-])([a-z][a-z0-9.+-]*)$", re.I)
    linkify = md.linkify
    assert linkify is not None

    def rule(state: StateInline, silent: bool) -> bool:
        pos = state.pos
        if state.linkLevel > 0 or not state.src.startswith("://", pos) or pos + 3 > state.posMax:
            return False
        found = scheme.search(state.pending[-_MAX_SCHEME:])
        if found is None:
            return False
        start = pos - len(found.group(1))
        if not linkify.match_at_start(state.src[start : pos + _LINK_WINDOW]):
            return False
        return bool(original(state, silent))

    rules.at("linkify", rule)


def parse_mdc(text: str, path: str | None = None) -> RawDocument:
    """Parse MDC ``text`` (from ``path``, for diagnostics). Never raises."""
    sink = DiagnosticSink(path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    text = _strip_control(text, sink)
    data: dict[str, PropValue] = {}
    fm = split_front_matter(text)
    body = text
    if fm is not None:
        if fm.problem is not None:
            sink.add(
                "bad-front-matter",
                f"front matter rejected, article not converted: {fm.problem.message}",
                fm.problem.line or 1,
                Severity.ERROR,
            )
        data = fm.data
        # Keep line numbers: blank out the front matter lines.
        cut = _nth_newline(text, fm.lines)
        body = "\n" * fm.lines + text[cut:]
    md = make_markdown()
    env: dict[str, object] = {BUDGET: work_budget(body)}
    try:
        tokens = md.parse(body, env)
    except (RecursionError, TooComplex) as exc:
        return _plain_fallback(data, body, sink, exc)
    deep = env.get(DEEP_LINES)
    for line in deep if isinstance(deep, list) else []:
        sink.add(
            "too-deep",
            f"content nested more than {MAX_NESTING} levels deep is kept as plain text",
            int(line) + 1,
        )
    conv = TokenConverter(data, sink, lambda s: _parse_inline(md, s, env))
    try:
        blocks, _ = conv.blocks(tokens, 0, None)
    except TooComplex as exc:
        return _plain_fallback(data, body, sink, exc)
    return RawDocument(data, tuple(blocks), tuple(conv.footnotes), tuple(sink.items))


def _plain_fallback(
    data: dict[str, PropValue], body: str, sink: DiagnosticSink, exc: Exception
) -> RawDocument:
    """The article as plain paragraphs, with an error saying why it was not parsed."""
    why = (
        "the article nests too deeply to parse"
        if isinstance(exc, RecursionError)
        else "the article needs too much work to parse (thousands of unclosed brackets"
        " or components?)"
    )
    sink.add(
        "too-deep" if isinstance(exc, RecursionError) else "too-complex",
        f"{why}; kept as plain text",
        None,
        Severity.ERROR,
    )
    paras = tuple(m.Paragraph(children=(m.Text(text=p),)) for p in body.split("\n\n") if p.strip())
    return RawDocument(data, paras, (), tuple(sink.items))


def _strip_control(text: str, sink: DiagnosticSink) -> str:
    """Remove characters no output format can carry, reporting the first line."""
    found = INVALID_XML.search(text)
    if found is None:
        return text
    line = text.count("\n", 0, found.start()) + 1
    cleaned, count = INVALID_XML.subn("", text)
    sink.add(
        "control-characters",
        f"{count} control or non-character code point(s) removed"
        f" (first U+{ord(found.group()):04X})",
        line,
    )
    return cleaned


def _parse_inline(md: MarkdownIt, text: str, env: dict[str, object]) -> list[Token]:
    toks = md.parseInline(text, env)
    return list(toks[0].children or []) if toks else []


def _nth_newline(text: str, n: int) -> int:
    """Index just after the n-th newline (or the end)."""
    i = 0
    for _ in range(n):
        j = text.find("\n", i)
        if j < 0:
            return len(text)
        i = j + 1
    return i
