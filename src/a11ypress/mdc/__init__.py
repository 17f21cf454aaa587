"""MDC parser: text -> raw document model (front matter, blocks, footnotes).

Built on markdown-it-py (CommonMark) with GFM tables, strikethrough,
autolinks and footnotes, plus the MDC rules in :mod:`.block` and
:mod:`.inline`.  It never raises on any text: problems become diagnostics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from a11ypress import model as m
from a11ypress.diagnostics import Diagnostic, DiagnosticSink, Severity
from a11ypress.model import PropValue
from a11ypress.xmlchars import INVALID_XML

from .block import mdc_block_plugin
from .depth import DEEP_LINES, guard_block_depth
from .frontmatter import split_front_matter
from .inline import mdc_inline_plugin
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
    md.disable(["footnote_inline"], ignoreInvalid=True)
    guard_block_depth(md)
    _fast_pretest(md)
    return md


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
                f"front matter ignored: {fm.problem.message}",
                fm.problem.line or 1,
                Severity.ERROR,
            )
        data = fm.data
        # Keep line numbers: blank out the front matter lines.
        cut = _nth_newline(text, fm.lines)
        body = "\n" * fm.lines + text[cut:]
    md = make_markdown()
    env: dict[str, object] = {}
    try:
        tokens = md.parse(body, env)
    except RecursionError:
        sink.add(
            "too-deep",
            "the article nests too deeply to parse; kept as plain text",
            None,
            Severity.ERROR,
        )
        paras = tuple(
            m.Paragraph(children=(m.Text(text=p),)) for p in body.split("\n\n") if p.strip()
        )
        return RawDocument(data, paras, (), tuple(sink.items))
    deep = env.get(DEEP_LINES)
    for line in deep if isinstance(deep, list) else []:
        sink.add(
            "too-deep",
            f"content nested more than {MAX_NESTING} levels deep is kept as plain text",
            int(line) + 1,
        )
    conv = TokenConverter(data, sink, lambda s: _parse_inline(md, s, env))
    blocks, _ = conv.blocks(tokens, 0, None)
    return RawDocument(data, tuple(blocks), tuple(conv.footnotes), tuple(sink.items))


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
