"""Differential testing against remark-mdc, the reference MDC parser.

``tests/node/mdc-outline.mjs`` prints remark-mdc's tree in a normalised outline
form; :func:`ours` builds the same form from our raw parse (before the component
vocabulary is applied, since remark-mdc knows no vocabulary).  Both sides then go
through :func:`canon`, which removes differences of representation that are not
differences of meaning (list spreading, an info string's raw text, ...).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from markdown_it.common.normalize_url import validateLink

from a11ypress import model as m
from a11ypress.mdc import parse_mdc
from a11ypress.mdc.frontmatter import split_front_matter
from a11ypress.mdc.tomodel import refused_url

NODE_DIR = Path(__file__).parent / "node"
SCRIPT = NODE_DIR / "mdc-outline.mjs"


def available() -> bool:
    """True when Node and remark-mdc are installed."""
    return shutil.which("node") is not None and (NODE_DIR / "node_modules" / "remark-mdc").is_dir()


def reference(texts: list[str], timeout_ms: int = 5000) -> list[Any]:
    """remark-mdc's outlines (front matter stripped as @nuxtjs/mdc does)."""
    proc = subprocess.run(
        ["node", str(SCRIPT), "--frontmatter", f"--timeout={timeout_ms}"],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        cwd=NODE_DIR,
        check=True,
    )
    return list(json.loads(proc.stdout))


# ---------------------------------------------------------------- our side


def _attrs(a: m.Attrs | None, lang: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if a is not None:
        if a.id:
            out["id"] = a.id
        if a.classes:
            out["class"] = " ".join(a.classes)
        out.update(dict(a.other))
    if lang:
        out["lang"] = lang
    return out


def _inl(x: m.Inline) -> dict[str, Any]:
    if isinstance(x, m.Text):
        return {"t": "text", "v": x.text}
    if isinstance(x, m.Emphasis | m.Strong | m.Strikethrough):
        t = {m.Emphasis: "emphasis", m.Strong: "strong", m.Strikethrough: "delete"}[type(x)]
        return {
            "t": t,
            "props": _attrs(getattr(x, "attrs", None), x.lang),
            "children": [_inl(c) for c in x.children],
        }
    if isinstance(x, m.Code):
        return {"t": "inlineCode", "v": x.text, "props": _attrs(x.attrs)}
    if isinstance(x, m.Link):
        return {
            "t": "link",
            "url": x.url,
            "title": x.title,
            "props": _attrs(x.attrs, x.lang),
            "children": [_inl(c) for c in x.children],
        }
    if isinstance(x, m.Image):
        return {
            "t": "image",
            "url": x.src,
            "alt": x.alt,
            "title": x.title,
            "props": _attrs(x.attrs),
        }
    if isinstance(x, m.LineBreak):
        return {"t": "break"}
    if isinstance(x, m.Span):
        return {
            "t": "span",
            "props": _attrs(x.attrs, x.lang),
            "children": [_inl(c) for c in x.children],
        }
    if isinstance(x, m.FootnoteRef):
        return {"t": "footnoteReference", "id": x.label}
    if isinstance(x, m.HtmlInline):
        return {"t": "html", "v": x.html}
    if isinstance(x, m.InlineComponent):
        return {
            "t": "inline-component",
            "name": x.name,
            "props": dict(x.props),
            "children": [_inl(c) for c in x.children],
        }
    raise TypeError(x)


def _blk(b: m.Block) -> dict[str, Any]:
    if isinstance(b, m.Paragraph):
        return {"t": "paragraph", "children": [_inl(c) for c in b.children]}
    if isinstance(b, m.Heading):
        return {"t": "heading", "depth": b.level, "children": [_inl(c) for c in b.children]}
    if isinstance(b, m.ListBlock):
        out: dict[str, Any] = {
            "t": "list",
            "ordered": b.ordered,
            "children": [
                {"t": "listItem", "checked": it.checked, "children": [_blk(c) for c in it.children]}
                for it in b.items
            ],
        }
        if b.ordered:
            out["start"] = b.start or 1
        return out
    if isinstance(b, m.Quote):
        return {"t": "blockquote", "children": [_blk(c) for c in b.children]}
    if isinstance(b, m.CodeBlock):
        return {
            "t": "code",
            "lang": b.language,
            "filename": b.filename,
            "highlights": list(b.highlights),
            "v": b.text,
        }
    if isinstance(b, m.Table):
        rows = [*b.head, *b.body]
        return {
            "t": "table",
            "align": [c.align for c in rows[0].cells] if rows else [],
            "children": [
                {
                    "t": "tableRow",
                    "children": [
                        {"t": "tableCell", "children": [_inl(x) for x in c.children]}
                        for c in r.cells
                    ],
                }
                for r in rows
            ],
        }
    if isinstance(b, m.ThematicBreak):
        return {"t": "thematicBreak"}
    if isinstance(b, m.HtmlBlock):
        return {"t": "html", "v": b.html}
    if isinstance(b, m.Component):
        kids = [_blk(c) for c in b.children] + [
            {
                "t": "slot",
                "name": s.name,
                "props": dict(s.props),
                "children": [_blk(c) for c in s.children],
            }
            for s in b.slots
        ]
        return {"t": "component", "name": b.name, "props": dict(b.props), "children": kids}
    raise TypeError(b)


def ours(text: str) -> list[Any]:
    """Our raw parse of ``text`` in the outline form."""
    raw = parse_mdc(text, "diff.md")
    out = [_blk(b) for b in raw.children]
    out += [
        {"t": "footnoteDefinition", "id": f.label, "children": [_blk(c) for c in f.children]}
        for f in raw.footnotes
    ]
    fm = split_front_matter(text.replace("\r\n", "\n"))
    if fm is not None and fm.problem is None:
        out.insert(0, {"t": "frontmatter", "data": fm.data})
    return out


# ---------------------------------------------------------------- canonical form

_DROP = ("spread", "info", "meta", "ref", "label")


def canon(node: Any) -> Any:
    """Remove representation-only differences so equal meaning compares equal."""
    if isinstance(node, list):
        items = []
        for x in map(canon, node):
            if isinstance(x, dict) and x.get("t") == "_splice":
                items.extend(x["children"])
            elif x is not None:
                items.append(x)
        merged: list[Any] = []
        for x in items:  # merge adjacent text
            if (
                merged
                and isinstance(x, dict)
                and x.get("t") == "text"
                and isinstance(merged[-1], dict)
                and merged[-1].get("t") == "text"
            ):
                merged[-1] = {"t": "text", "v": merged[-1]["v"] + x["v"]}
            else:
                merged.append(x)
        return [
            x for x in merged if not (isinstance(x, dict) and x.get("t") == "text" and x["v"] == "")
        ]
    if not isinstance(node, dict):
        return node
    t = node.get("t")
    if t == "binding":
        return {"t": "text", "v": node.get("default") or ""}
    if t == "definition":
        return None
    if t == "link" and refused_url(str(node.get("url", ""))):
        # a11ypress shows a javascript:/data:/... link as its text (SECURITY.md)
        return {"t": "_splice", "children": canon(node.get("children", []))}
    if t == "image" and not validateLink(str(node.get("url", ""))):
        return {"t": "text", "v": node.get("alt") or ""}
    out = {k: canon(v) for k, v in node.items() if k not in _DROP}
    if t in ("html",):
        out["v"] = str(out.get("v", "")).strip()
    if t == "text":
        out["v"] = re.sub(r"[ \t]*\n[ \t]*", "\n", out["v"])
    if t == "code":
        out["highlights"] = out.get("highlights") or []
        out["lang"] = out.get("lang") or None
        out["filename"] = out.get("filename") or None
    if "props" in out:
        props = {k: ("" if v is True else v) for k, v in (out["props"] or {}).items()}
        if props:
            out["props"] = props
        else:
            del out["props"]
    if t == "paragraph":
        kids = [
            k for k in out.get("children", []) if not (k.get("t") == "text" and not k["v"].strip())
        ]
        if len(kids) == 1 and kids[0].get("t") == "inline-component":
            c = kids[0]
            label = [{"t": "paragraph", "children": c["children"]}] if c.get("children") else []
            res = {"t": "component", "name": c["name"], "children": label}
            if c.get("props"):
                res["props"] = c["props"]
            return res
    if t == "inline-component" and out.get("name") == "br" and not out.get("children"):
        return {"t": "break"}
    if t == "list" and not out.get("ordered"):
        out.pop("start", None)
    if t in ("component", "slot", "blockquote", "listItem", "footnoteDefinition"):
        out["children"] = _blocks(out.get("children", []))
    return out


_INLINE = {
    "text",
    "emphasis",
    "strong",
    "delete",
    "inlineCode",
    "link",
    "image",
    "break",
    "span",
    "footnoteReference",
    "html",
}


def _blocks(kids: list[Any]) -> list[Any]:
    """Block children: a stand-alone inline component is a block component; a
    label's bare text is a paragraph; default-slot content comes before slots."""
    out: list[Any] = []
    for k in kids:
        if k.get("t") == "inline-component":
            res = {
                "t": "component",
                "name": k["name"],
                "children": (
                    [{"t": "paragraph", "children": k["children"]}] if k.get("children") else []
                ),
            }
            if k.get("props"):
                res["props"] = k["props"]
            out.append(res)
        elif k.get("t") in _INLINE and k.get("t") != "html":
            if out and out[-1].get("t") == "paragraph" and out[-1].get("_wrapped"):
                out[-1]["children"].append(k)
            else:
                out.append({"t": "paragraph", "children": [k], "_wrapped": True})
        else:
            out.append(k)
    for k in out:
        k.pop("_wrapped", None)
    return [k for k in out if k.get("t") != "slot"] + [k for k in out if k.get("t") == "slot"]


def resolve_bindings(outline: list[Any]) -> list[Any]:
    """Replace bindings by their front matter value (as a11ypress renders them)."""
    data = outline[0].get("data", {}) if outline and outline[0].get("t") == "frontmatter" else {}

    def walk(n: Any) -> Any:
        if isinstance(n, list):
            return [walk(x) for x in n]
        if not isinstance(n, dict):
            return n
        if n.get("t") == "binding":
            cur: Any = data
            for part in str(n.get("value") or "").replace("$doc.", "").split("."):
                cur = cur.get(part) if isinstance(cur, dict) else None
            if cur is None or isinstance(cur, dict | list):
                cur = n.get("default") or ""
            return {"t": "text", "v": str(cur)}
        return {k: walk(v) for k, v in n.items()}

    return list(walk(outline))


def canon_doc(outline: list[Any]) -> list[Any]:
    """Canonical form of a whole document's outline."""
    return _blocks(canon(resolve_bindings(outline)))
