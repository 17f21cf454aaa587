"""Files and network: no image is read outside its root, nothing is fetched.

Run over every output format the build knows, so PDF and audio are covered
once they are merged.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from hostile import DATA, all_formats, bounded, build, png

from a11ypress.export.images import find_image

SECRET = b"SECRET-OUTSIDE-THE-ROOT"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """tmp/secret.png (outside), tmp/site/{article folder, assets/, links out}."""
    (tmp_path / "secret.png").write_bytes(png(SECRET))
    site = tmp_path / "site"
    (site / "assets" / "img").mkdir(parents=True)
    (site / "assets" / "img" / "ok.png").write_bytes(png(b"inside"))
    (site / "local.png").write_bytes(png(b"local"))
    (site / "link.png").symlink_to(tmp_path / "secret.png")
    (site / "dirlink").symlink_to(tmp_path)
    (site / "assets" / "escape.png").symlink_to(tmp_path / "secret.png")
    return site


ESCAPES = {
    "../secret.png": "outside",
    "%2e%2e/secret.png": "outside",
    "sub/../../secret.png": "outside",
    "link.png": "outside",
    "dirlink/secret.png": "outside",
    "/../secret.png": "outside",
    "/escape.png": "outside",
    "/../../../../../../etc/passwd": "outside",
    "file:///etc/passwd": "remote",
    "FILE://localhost/etc/passwd": "remote",
    "https://example.org/x.png": "remote",
    "//example.org/x.png": "remote",
    "data:image/png;base64,iVBORw0KGgo=": "remote",
}


@pytest.mark.parametrize(("src", "reason"), ESCAPES.items())
def test_image_paths_cannot_escape(site: Path, src: str, reason: str) -> None:
    assert find_image(src, site / "a.md", site / "assets") == reason


def test_absolute_path_is_not_a_file_path(site: Path, tmp_path: Path) -> None:
    absolute = str(tmp_path / "secret.png")
    assert find_image(absolute, site / "a.md", None) == "no-assets"
    assert find_image(absolute, site / "a.md", site / "assets") == "missing"


def test_inside_paths_still_work(site: Path) -> None:
    assert not isinstance(find_image("local.png", site / "a.md", None), str)
    assert not isinstance(find_image("/img/ok.png", site / "a.md", site / "assets"), str)


def _escaping_article(site: Path, tmp_path: Path) -> Path:
    images = "\n\n".join(f"![escape {i}]({src})" for i, src in enumerate(ESCAPES))
    article = site / "escape.md"
    article.write_text(
        f"---\ntitle: Escapes\ncover: ../secret.png\n---\n\n{images}\n\n"
        f"![absolute]({tmp_path / 'secret.png'})\n\n"
        "::element-img\n---\nsrc: ../secret.png\nalt: component escape\n---\n::\n\n"
        "![fine](local.png)\n"
    )
    return article


@pytest.mark.parametrize("fmt", all_formats())
def test_no_output_holds_a_file_from_outside(site: Path, tmp_path: Path, fmt: str) -> None:
    article = _escaping_article(site, tmp_path)
    out = tmp_path / "out"
    res = build(article, "--to", fmt, "--assets", site / "assets", "-o", out)
    assert res.exit_code == 0, res.stderr
    if fmt == "epub":
        assert f"{article}:6: warning: image path outside the article's folder" in res.stderr
    produced = [p for p in out.rglob("*") if p.is_file()]
    assert produced
    for p in produced:
        assert SECRET not in p.read_bytes(), p


#: An article that points at the network in every way an article can.
REMOTE = f"""---
title: Remote everything
cover: https://example.org/cover.png
url: https://example.org/articles/remote
---

# Remote everything

![remote image](https://example.org/a.png) and ![protocol relative](//example.org/b.png).

[A link](https://example.org/page) and <https://example.org/auto> and www.example.org.

::element-img
---
src: http://example.org/c.webp
alt: remote component image
---
::

<img src="https://example.org/d.png" alt="raw"><iframe src="https://example.org/"></iframe>

<link rel="stylesheet" href="https://example.org/s.css">

<div style="background:url(https://example.org/e.png)">styled</div>

![svg with external references](evil.svg)

{(DATA / "hostile-html.md").read_text().split("---", 2)[2]}
"""


class NetworkUsed(AssertionError):
    """Raised by the patched socket layer."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every attempt to open a network socket or resolve a name, recorded and refused."""
    attempts: list[str] = []
    real_socket = socket.socket

    class GuardedSocket(real_socket):  # type: ignore[misc]
        def __init__(self, family: Any = socket.AF_INET, *args: Any, **kw: Any) -> None:
            if family in (socket.AF_INET, socket.AF_INET6):
                attempts.append(f"socket({family!r})")
                raise NetworkUsed("a network socket was opened")
            super().__init__(family, *args, **kw)

    def refuse(name: str) -> Any:
        def call(*args: Any, **kw: Any) -> Any:
            attempts.append(f"{name}{args!r}")
            raise NetworkUsed(f"{name} was called")

        return call

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        monkeypatch.setattr(socket, name, refuse(name))
    return attempts


def test_the_guard_works(no_network: list[str]) -> None:
    import urllib.request

    with pytest.raises((NetworkUsed, OSError)):
        urllib.request.urlopen("http://example.org/", timeout=1)
    assert no_network


@pytest.mark.parametrize("fmt", all_formats())
def test_a_build_opens_no_network_socket(tmp_path: Path, no_network: list[str], fmt: str) -> None:
    from test_security_html import EVIL_SVG

    (tmp_path / "evil.svg").write_bytes(EVIL_SVG)
    article = tmp_path / "remote.md"
    article.write_text(REMOTE)
    res = build(article, "--to", fmt, "-o", tmp_path / "out")
    assert not no_network, no_network
    assert res.exit_code == 0, res.stderr


def test_a_digest_of_everything_opens_no_network_socket(
    tmp_path: Path, no_network: list[str]
) -> None:
    article = tmp_path / "remote.md"
    article.write_text(REMOTE)
    res = build(
        article,
        DATA / "hostile-html.md",
        "--to",
        ",".join(all_formats()),
        "--digest",
        "All",
        "-o",
        tmp_path / "out",
    )
    assert not no_network, no_network
    assert res.exit_code == 0, res.stderr


def _png_bomb(side: int) -> bytes:
    """A valid grey PNG of side x side pixels, all black: tiny on disk, huge decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    comp = zlib.compressobj(9)
    row = b"\x00" * (side + 1)
    idat = b"".join(comp.compress(row) for _ in range(side)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize("fmt", all_formats())
def test_image_bomb_is_bounded(tmp_path: Path, fmt: str) -> None:
    """A 20,000 x 20,000 PNG (400 MB of pixels in 400 KB): bounded memory and time."""
    (tmp_path / "bomb.png").write_bytes(_png_bomb(20_000))
    article = tmp_path / "bomb.md"
    article.write_text("# Bomb\n\n![a black square](bomb.png)\n")
    out = tmp_path / "out"
    code = f"""
from a11ypress.cli import main
try:
    main(["build", "-q", {str(article)!r}, "--to", {fmt!r}, "-o", {str(out)!r}])
except SystemExit as exc:
    result["code"] = exc.code
"""
    r = bounded(code, timeout=300)
    assert r["code"] in (0, 1), r
    assert r["seconds"] < 120 and r["rss_mb"] < 2500, r
