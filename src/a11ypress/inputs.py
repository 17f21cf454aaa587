"""What a build reads: plain article files and folder inputs, expanded into
one ordered list of articles (see :mod:`a11ypress.site` for folders)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from a11ypress.diagnostics import Diagnostic, Severity
from a11ypress.model import Document, Metadata
from a11ypress.options import BuildOptions
from a11ypress.site import Site, SiteArticle, discover, glob_regex, matches, skip_reason


@dataclass(frozen=True, slots=True)
class Article:
    """One article to convert."""

    path: Path
    """Its file."""
    site: Site | None = None
    """The folder input it was found in (None for a file given by name)."""
    entry: SiteArticle | None = None
    """Where it sits in that folder (path, Nuxt path, folders)."""
    problem: Diagnostic | None = None
    """Why this input gives nothing to convert (a folder without articles)."""

    @property
    def stem(self) -> str:
        """Base name of its own outputs: the Nuxt path for a folder input
        (``guide-install``), else the file name."""
        if self.entry is None:
            return self.path.stem
        route = self.entry.route.strip("/").replace("/", "-")
        return route or "index"


def expand(paths: Sequence[Path], options: BuildOptions) -> tuple[list[Article], list[Diagnostic]]:
    """Every article of ``paths`` in order: files as given, folders in Nuxt's
    order, filtered by ``include``/``exclude``; and what was skipped."""
    out: list[Article] = []
    diags: list[Diagnostic] = []
    include = [glob_regex(g) for g in options.include]
    exclude = [glob_regex(g) for g in options.exclude]
    for path in paths:
        if not path.is_dir():
            out.append(Article(path))  # a missing file fails alone when it is read
            continue
        site = discover(path, show_all=options.all)
        diags.extend(site.diagnostics)
        kept = 0
        for entry in site.articles:
            if include and not matches(entry, include):
                continue
            if exclude and matches(entry, exclude):
                diags.append(
                    Diagnostic("skipped", "skipped: --exclude", Severity.INFO, str(entry.path))
                )
                continue
            out.append(Article(entry.path, site, entry))
            kept += 1
        if not kept:
            problem = Diagnostic(
                "no-articles",
                "no article (.md file) to convert in this folder"
                + (" matches --include" if include else ""),
                Severity.ERROR,
                str(path),
            )
            out.append(Article(path, site, problem=problem))
    return out, diags


def assets_for(article: Article, options: BuildOptions) -> Path | None:
    """Where the article's site-absolute images resolve: ``assets``, else its
    site's ``public/``."""
    if options.assets is not None:
        return options.assets
    return article.site.public if article.site is not None else None


def settle(article: Article, doc: Document, options: BuildOptions) -> tuple[Document, str | None]:
    """The article's document as the build uses it, or the reason it is
    skipped (drafts, hidden): a title from the file name when it gives none,
    and its page's address when the site's URL is known."""
    if article.entry is None:
        return doc, None
    why = skip_reason(doc.metadata.extra, options.all)
    if why is not None:
        return doc, why
    meta: Metadata = doc.metadata
    if not meta.title:
        meta = replace(meta, title=article.entry.title)
    if options.site_url and not meta.source_url:
        prefix = "/" + (options.base_path or "").strip("/")
        route = prefix.rstrip("/") + article.entry.route if prefix != "/" else article.entry.route
        meta = replace(meta, source_url=options.site_url.rstrip("/") + route)
    return (replace(doc, metadata=meta) if meta is not doc.metadata else doc), None


def routes_of(article: Article, options: BuildOptions) -> list[str]:
    """Every Nuxt path that leads to the article: its own, and under ``base_path``."""
    if article.entry is None or article.site is None:
        return []
    route = article.entry.route
    out = [route]
    prefixes = []
    if options.base_path and options.base_path.strip("/"):
        prefixes.append(options.base_path.strip("/"))
    for prefix in prefixes:
        out.append(f"/{prefix}{route}" if route != "/" else f"/{prefix}")
    return out
