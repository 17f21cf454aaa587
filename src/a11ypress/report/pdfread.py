"""Just enough of a PDF reader for the report: which page each Figure of the
structure tree is on, its ``/Alt``, the page count and the XMP metadata.

It reads the PDFs a11ypress writes (WeasyPrint's: objects in plain form or in
compressed object streams), not arbitrary PDFs; anything it cannot read gives
an empty answer, never an exception.  pikepdf would do this properly, but it
is only a test dependency.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

_OBJ = re.compile(rb"(\d+)\s+(\d+)\s+obj\b(.*?)\bendobj", re.S)
_REF = rb"(\d+)\s+\d+\s+R"
_STREAM = re.compile(rb"stream\r?\n(.*)\r?\n?endstream", re.S)


@dataclass
class PdfFacts:
    """What the report shows of a PDF."""

    pages: int = 0
    """Number of pages."""
    figures: list[tuple[str, int | None]] = field(default_factory=list)
    """(alt, 1-based page) of every Figure, in structure-tree order."""
    xmp: str = ""
    """The XMP metadata packet."""

    @property
    def pdfua(self) -> bool:
        """True when the XMP claims PDF/UA-1."""
        return bool(re.search(r"pdfuaid:part(?:=\"|>)\s*1", self.xmp))


def _stream(body: bytes) -> bytes:
    found = _STREAM.search(body)
    if found is None:
        return b""
    data = found.group(1)
    if b"/FlateDecode" in body.split(b"stream", 1)[0]:
        try:
            return zlib.decompressobj().decompress(data)
        except zlib.error:
            return b""
    return data


def _objects(data: bytes) -> dict[int, bytes]:
    """Object number -> its body (objects from object streams included)."""
    objs: dict[int, bytes] = {}
    for mo in _OBJ.finditer(data):
        objs[int(mo.group(1))] = mo.group(3)
    for body in list(objs.values()):
        head = body.split(b"stream", 1)[0]
        if b"/ObjStm" not in head:
            continue
        n = re.search(rb"/N\s+(\d+)", head)
        first = re.search(rb"/First\s+(\d+)", head)
        if n is None or first is None:
            continue
        raw = _stream(body)
        nums = raw[: int(first.group(1))].split()
        offsets = [(int(nums[i]), int(nums[i + 1])) for i in range(0, len(nums) - 1, 2)]
        base = int(first.group(1))
        for k, (num, off) in enumerate(offsets):
            end = base + offsets[k + 1][1] if k + 1 < len(offsets) else len(raw)
            objs.setdefault(num, raw[base + off : end])
    return objs


def pdf_string(raw: bytes) -> str:
    """Decode a PDF string token: ``(literal)`` or ``<hex>``, UTF-16BE with BOM
    or PDFDocEncoding (read as Latin-1)."""
    raw = raw.strip()
    if raw.startswith(b"<"):
        try:
            data = bytes.fromhex(raw[1:-1].decode("ascii"))
        except ValueError:
            return ""
    else:
        data = _unescape(raw[1:-1])
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", "replace")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    return data.decode("latin-1")


_ESC = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(s: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i : i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        nxt = s[i + 1 : i + 2]
        if nxt in _ESC:
            out += _ESC[nxt]
            i += 2
        elif nxt.isdigit():
            digits = re.match(rb"[0-7]{1,3}", s[i + 1 : i + 4])
            assert digits is not None
            out.append(int(digits.group(0), 8) & 0xFF)
            i += 1 + len(digits.group(0))
        elif nxt in (b"\r", b"\n"):
            i += 2
        else:
            out += nxt
            i += 2
    return bytes(out)


_STRING_TOKEN = rb"(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)"


def read_pdf(data: bytes) -> PdfFacts:
    """Pages, Figures and XMP of a PDF written by a11ypress."""
    facts = PdfFacts()
    try:
        objs = _objects(data)
    except (ValueError, IndexError):
        return facts
    pages = _page_order(objs)
    facts.pages = len(pages)
    page_index = {num: i + 1 for i, num in enumerate(pages)}
    for num in sorted(objs):
        body = objs[num]
        if re.search(rb"/Type\s*/Metadata", body) and not facts.xmp:
            facts.xmp = _stream(body).decode("utf-8", "replace")
    root = next((b for b in objs.values() if re.search(rb"/Type\s*/StructTreeRoot", b)), None)
    if root is None:
        return facts
    for num in _struct_order(objs, root):
        body = objs.get(num, b"")
        if not re.search(rb"/S\s*/Figure\b", body):
            continue
        alt = re.search(rb"/Alt\s*" + _STRING_TOKEN, body, re.S)
        pg = re.search(rb"/Pg\s+" + _REF, body)
        facts.figures.append(
            (
                pdf_string(alt.group(1)) if alt else "",
                page_index.get(int(pg.group(1))) if pg else None,
            )
        )
    return facts


def _page_order(objs: dict[int, bytes]) -> list[int]:
    """Page object numbers in page order, from the catalog's /Pages tree."""
    catalog = next((b for b in objs.values() if re.search(rb"/Type\s*/Catalog", b)), b"")
    top = re.search(rb"/Pages\s+" + _REF, catalog)
    out: list[int] = []
    stack = [int(top.group(1))] if top else []
    seen: set[int] = set()
    while stack:
        num = stack.pop(0)
        if num in seen:
            continue
        seen.add(num)
        body = objs.get(num, b"")
        kids = re.search(rb"/Kids\s*\[(.*?)\]", body, re.S)
        if re.search(rb"/Type\s*/Pages\b", body) and kids:
            stack = [int(k) for k in re.findall(_REF, kids.group(1))] + stack
        elif re.search(rb"/Type\s*/Page\b", body):
            out.append(num)
    return out


def _struct_order(objs: dict[int, bytes], root: bytes) -> list[int]:
    """Structure elements depth first in document order."""
    out: list[int] = []
    seen: set[int] = set()

    def kids_of(body: bytes) -> list[int]:
        k = re.search(rb"/K\s*(\[.*?\]|" + _REF + rb")", body, re.S)
        if k is None:
            return []
        return [int(x) for x in re.findall(_REF, k.group(1))]

    stack = kids_of(root)
    while stack:
        num = stack.pop(0)
        if num in seen or num not in objs:
            continue
        seen.add(num)
        body = objs[num]
        if not re.search(rb"/Type\s*/StructElem|/S\s*/", body):
            continue
        out.append(num)
        stack = kids_of(body) + stack
    return out
