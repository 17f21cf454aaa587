"""Finishing WeasyPrint's tagged PDF with pikepdf (qpdf).

Two repairs that WeasyPrint 70 leaves to us:

* Running headers and page numbers (page margin boxes) are drawn as marked
  content whose structure elements are never linked into the structure tree.
  They are turned into ``/Artifact`` marked content, so assistive technology
  skips them instead of finding untagged text.
* A glyph that shaping merged into its neighbours (Devanagari, for one) gets
  an empty ``<>`` mapping in the font's ToUnicode CMap, which is malformed; it
  is mapped to U+200B ZERO WIDTH SPACE, which adds nothing to extracted text.
"""

from __future__ import annotations

import io

import pikepdf

_ZWSP = b"<200b>"


def finish(pdf: bytes) -> bytes:
    """The repaired PDF."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        linked = _linked_mcids(doc)
        for page in doc.pages:
            _artifact_orphans(doc, page, linked.get(page.obj.objgen, set()))
        _fix_unicode_maps(doc)
        out = io.BytesIO()
        doc.save(out, deterministic_id=True)
    return out.getvalue()


def _linked_mcids(doc: pikepdf.Pdf) -> dict[tuple[int, int], set[int]]:
    """Marked-content ids reachable from the structure tree root, per page."""
    found: dict[tuple[int, int], set[int]] = {}
    root = doc.Root.get("/StructTreeRoot")
    if root is None:
        return found
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[object, tuple[int, int] | None]] = [(root.get("/K"), None)]
    while stack:
        node, page = stack.pop()
        if node is None:
            continue
        if isinstance(node, pikepdf.Array):
            stack.extend((k, page) for k in node)
        elif isinstance(node, int) and not isinstance(node, bool):
            if page is not None:
                found.setdefault(page, set()).add(int(node))
        elif isinstance(node, pikepdf.Dictionary):
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            pg = node.get("/Pg")
            here = pg.objgen if isinstance(pg, pikepdf.Dictionary) else page
            if node.get("/Type") == "/MCR":
                if here is not None and "/MCID" in node:
                    found.setdefault(here, set()).add(int(node.MCID))
                continue
            if node.get("/Type") == "/OBJR":
                continue
            stack.append((node.get("/K"), here))
    return found


def _artifact_orphans(doc: pikepdf.Pdf, page: pikepdf.Page, linked: set[int]) -> None:
    """Turn marked content whose MCID no structure element reaches into artifacts."""
    changed = False
    out: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
    for instr in pikepdf.parse_content_stream(page):
        if isinstance(instr, pikepdf.ContentStreamInstruction) and str(instr.operator) == "BDC":
            props = instr.operands[1] if len(instr.operands) == 2 else None
            if (
                isinstance(props, pikepdf.Dictionary)
                and "/MCID" in props
                and int(props.MCID) not in linked
            ):
                out.append(
                    pikepdf.ContentStreamInstruction(
                        [pikepdf.Name.Artifact], pikepdf.Operator("BMC")
                    )
                )
                changed = True
                continue
        out.append(instr)
    if changed:
        page.obj.Contents = doc.make_stream(pikepdf.unparse_content_stream(out))


def _fix_unicode_maps(doc: pikepdf.Pdf) -> None:
    """Replace empty ``<>`` ToUnicode destinations with a zero-width space."""
    for obj in doc.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font":
            continue
        cmap = obj.get("/ToUnicode")
        if not isinstance(cmap, pikepdf.Stream):
            continue
        data = cmap.read_bytes()
        if b"> <>" in data:
            cmap.write(data.replace(b"> <>", b"> " + _ZWSP))
