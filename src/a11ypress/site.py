"""A folder as input: the articles of a Nuxt Content site (or of any folder of
``.md`` files), in Nuxt's order, with their Nuxt paths and folder titles.

Conventions followed (those of Nuxt Content):

* a site root holds ``content/`` (the articles) and ``public/`` (site-absolute
  files such as ``/img/x.png``); any other folder is its own content folder;
* numeric prefixes (``1.guide/2.install.md``) order entries and are stripped
  from paths and titles; ``index.md`` comes first in its folder and takes the
  folder's path;
* ``.navigation.yml`` (or ``_dir.yml``) in a folder gives its ``title`` and can
  hide it (``navigation: false``);
* files and folders whose name starts with ``_`` or ``.`` are partials and skipped.

Nothing outside the site root is read: a symbolic link leading out of it is
skipped with a warning.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from a11ypress.diagnostics import Diagnostic, Severity
from a11ypress.mdc.yamlsafe import YamlProblem, load_mapping

_PREFIX = re.compile(r"^(\d+)\.(.+)$")
#: Files that describe a folder.
FOLDER_META = (".navigation.yml", ".navigation.yaml", "_dir.yml", "_dir.yaml")


@dataclass(frozen=True, slots=True)
class Folder:
    """A folder of the content tree (a part of a digest)."""

    rel: str
    """Path inside the content folder, as on disk (``1.guide``)."""
    route: str
    """Nuxt path (``/guide``)."""
    title: str
    """From ``.navigation.yml``/``_dir.yml``, else the name without its prefix."""


@dataclass(frozen=True, slots=True)
class SiteArticle:
    """One article found in a folder input."""

    path: Path
    """The file."""
    rel: str
    """Path inside the content folder, as on disk (``1.guide/2.install.md``)."""
    route: str
    """Nuxt path (``/guide/install``; an ``index.md`` takes its folder's)."""
    folders: tuple[Folder, ...]
    """Enclosing folders below the content folder, outermost first."""
    is_index: bool
    """True for a folder's ``index.md`` (its introduction in a digest)."""
    title: str
    """Title from the file name (without prefix), for an article that gives none."""


@dataclass(slots=True)
class Site:
    """What a folder input holds."""

    root: Path
    """The folder given (the site root when it holds ``content/``)."""
    content: Path
    """Where the articles are."""
    public: Path | None
    """The site's ``public/`` folder, when there is one."""
    articles: list[SiteArticle] = field(default_factory=list)
    """Articles in order."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """What was skipped and why (info), and links out of the site (warnings)."""


def strip_prefix(name: str) -> str:
    """``2.install`` -> ``install``."""
    found = _PREFIX.match(name)
    return found.group(2) if found else name


def slug_part(name: str) -> str:
    """One segment of a Nuxt path: prefix stripped, lower case, spaces as dashes."""
    return re.sub(r"\s+", "-", strip_prefix(name).strip()).lower()


def title_from_name(name: str) -> str:
    """``2.getting-started`` -> ``Getting Started`` (Nuxt's title from a file name)."""
    words = re.split(r"[\s_-]+", strip_prefix(name))
    return " ".join(w[:1].upper() + w[1:] for w in words if w) or name


def _order(name: str, is_dir: bool) -> tuple[int, int, str]:
    """Sort key inside a folder: index first, then by numeric prefix, then by name."""
    stem = name if is_dir else name.rsplit(".", 1)[0]
    if not is_dir and stem == "index":
        return (0, 0, "")
    found = _PREFIX.match(stem)
    if found:
        return (1, int(found.group(1)), found.group(2).lower())
    return (2, 0, stem.lower())


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A path glob as a regex: ``**`` crosses folders, ``*`` and ``?`` do not;
    a pattern ending in ``/`` or naming a folder also matches what is inside."""
    p = pattern.strip().lstrip("/")
    out, i = [], 0
    while i < len(p):
        c = p[i]
        if p.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if p.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append({"*": "[^/]*", "?": "[^/]"}.get(c, re.escape(c)))
        i += 1
    return re.compile("".join(out).rstrip("/") + "(?:/.*)?$", re.I)


def matches(article: SiteArticle, patterns: Sequence[re.Pattern[str]]) -> bool:
    """True when the article's path inside content/ (as on disk, or without
    numeric prefixes and extension) matches one of the patterns."""
    plain = article.route.lstrip("/") or "index"
    stripped = "/".join(strip_prefix(p) for p in article.rel.split("/"))
    return any(p.match(article.rel) or p.match(stripped) or p.match(plain) for p in patterns)


def _folder_meta(folder: Path, site_root: Path) -> tuple[dict[str, object], Diagnostic | None]:
    """The folder's ``.navigation.yml``/``_dir.yml`` data (or a problem with it)."""
    for name in FOLDER_META:
        f = folder / name
        if not f.is_file():
            continue
        if not f.resolve().is_relative_to(site_root):
            return {}, _outside(f)
        try:
            data = load_mapping(f.read_text("utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            return {}, Diagnostic("folder-meta", f"cannot read: {exc}", Severity.WARNING, str(f))
        if isinstance(data, YamlProblem):
            line = data.line + 1 if data.line is not None else None
            problem = f"not used: {data.message}"
            return {}, Diagnostic("folder-meta", problem, Severity.WARNING, str(f), line)
        return dict(data), None
    return {}, None


def _outside(path: Path) -> Diagnostic:
    return Diagnostic(
        "outside-site",
        "leads outside the site root (a symbolic link?); not read",
        Severity.WARNING,
        str(path),
    )


def _skip(path: Path, why: str) -> Diagnostic:
    return Diagnostic("skipped", f"skipped: {why}", Severity.INFO, str(path))


def content_root(folder: Path) -> tuple[Path, Path | None]:
    """Where the articles of the folder input are, and its ``public/``."""
    content = folder / "content"
    public = folder / "public"
    if content.is_dir():
        return content, public if public.is_dir() else None
    return folder, public if public.is_dir() else None


def discover(folder: Path, *, show_all: bool = False) -> Site:
    """The articles of a folder input, in Nuxt's order (see the module doc)."""
    content, public = content_root(folder)
    site = Site(folder, content, public)
    root = folder.resolve()
    site.articles.extend(_walk(site, content, "", (), root, show_all))
    return site


def _walk(
    site: Site,
    folder: Path,
    rel: str,
    parents: tuple[Folder, ...],
    root: Path,
    show_all: bool,
) -> Iterator[SiteArticle]:
    """Depth first over one folder, entries in Nuxt's order."""
    try:
        entries = list(os.scandir(folder))
    except OSError as exc:
        site.diagnostics.append(
            Diagnostic("unreadable", f"cannot list: {exc.strerror}", Severity.ERROR, str(folder))
        )
        return
    keyed = []
    for e in entries:
        try:
            is_dir = e.is_dir()
        except OSError:
            continue
        keyed.append((_order(e.name, is_dir), e.name, is_dir))
    route_base = "/".join(f.route.rsplit("/", 1)[-1] for f in parents)
    for _, name, is_dir in sorted(keyed):
        path = folder / name
        if name in FOLDER_META:
            continue
        if name.startswith((".", "_")):
            if is_dir or name.endswith(".md"):
                site.diagnostics.append(_skip(path, "partial (name starts with _ or .)"))
            continue
        if not path.resolve().is_relative_to(root):
            site.diagnostics.append(_outside(path))
            continue
        child_rel = f"{rel}/{name}" if rel else name
        if is_dir:
            meta, problem = _folder_meta(path, root)
            if problem is not None:
                site.diagnostics.append(problem)
            nav = meta.get("navigation")
            if nav is False and not show_all:
                site.diagnostics.append(_skip(path, "folder hidden (navigation: false)"))
                continue
            title = meta.get("title")
            if isinstance(nav, dict) and isinstance(nav.get("title"), str):
                title = nav["title"]
            here = Folder(
                child_rel,
                "/" + "/".join(p for p in (route_base, slug_part(name)) if p),
                title if isinstance(title, str) and title.strip() else title_from_name(name),
            )
            yield from _walk(site, path, child_rel, (*parents, here), root, show_all)
        elif name.endswith(".md"):
            stem = name[:-3]
            is_index = strip_prefix(stem) == "index"
            parts = [route_base] if route_base else []
            if not is_index:
                parts.append(slug_part(stem))
            yield SiteArticle(
                path,
                child_rel,
                "/" + "/".join(parts),
                parents,
                is_index,
                parents[-1].title if is_index and parents else title_from_name(stem),
            )


def skip_reason(extra: Mapping[str, object], show_all: bool) -> str | None:
    """Why an article's front matter keeps it out of a folder build, if it does."""
    if show_all:
        return None
    if extra.get("draft") is True:
        return "draft (draft: true)"
    if extra.get("navigation") is False:
        return "hidden from the navigation (navigation: false)"
    return None
