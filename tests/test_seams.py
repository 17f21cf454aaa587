"""Canary: every private name a11ypress uses from WeasyPrint, pyttsx3,
markdown-it-py and Dask's distributed still exists with the expected
signature, WeasyPrint still logs the messages its diagnostics are made
from, and a mismatched version gives a clear error naming the pin."""

from __future__ import annotations

import importlib
import inspect
from importlib import metadata
from typing import Any

import pytest

from a11ypress.seams import DependencyMismatch, Private, check_version
from a11ypress.seams import dask_internals as dask
from a11ypress.seams import markdown_it_internals as mdi
from a11ypress.seams import pyttsx3_internals as tts
from a11ypress.seams import weasyprint_internals as weasy

SEAMS = (weasy, tts, mdi, dask)


def _resolve(p: Private) -> Any:
    obj: Any = importlib.import_module(p.module)
    for part in p.name.split("."):
        assert hasattr(obj, part), f"{p.module}.{p.name}: {part!r} is gone"
        obj = getattr(obj, part)
    return obj


def _params(fn: Any) -> tuple[str, ...] | int:
    try:
        return tuple(inspect.signature(fn).parameters)
    except (TypeError, ValueError):  # a ctypes function: count its argument types
        return len(getattr(fn, "argtypes", None) or ())


def _checked(seam: Any) -> list[Private]:
    return [p for p in (*seam.PRIVATE, *getattr(seam, "PUBLIC", ())) if not p.on_instance]


@pytest.mark.parametrize(
    "name",
    [f"{p.module}:{p.name}" for s in SEAMS for p in _checked(s)],
)
def test_private_name_still_there(name: str) -> None:
    p = next(p for s in SEAMS for p in _checked(s) if f"{p.module}:{p.name}" == name)
    obj = _resolve(p)
    if p.params is not None:
        got = _params(obj)
        want = len(p.params) if isinstance(got, int) else p.params
        assert got == want, f"{name}: parameters are now {got}, expected {want}"


def test_weasyprint_still_logs_the_messages_read() -> None:
    for module, text in weasy.MESSAGES:
        source = inspect.getsource(importlib.import_module(module))
        assert f"'{text}" in source or f'"{text}' in source, f"{module} no longer logs {text!r}"


def test_weasyprint_boxes_still_carry_what_the_repairs_read() -> None:
    """Lay out a tiny page through the wrapped tagging and look at real boxes."""
    from weasyprint import HTML

    seen: list[Any] = []
    on_instance = [p.name.split(".")[-1] for p in weasy.PRIVATE if p.on_instance]

    def wrap_build(original: weasy.BuildTree) -> weasy.BuildTree:
        def build(box: Any, *rest: Any) -> Any:
            seen.append(box)
            yield from original(box, *rest)

        return build

    def wrap_add(original: weasy.AddTags) -> weasy.AddTags:
        return original

    from weasyprint.pdf import tags

    before = tags._build_box_tree
    html = "<html lang='en'><p id='x' lang='fr'>Bonjour <a href='#x'>x</a></p></html>"
    with weasy.wrapped_tagging(wrap_build, wrap_add):
        HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    assert seen, "WeasyPrint no longer calls _build_box_tree"
    for attr in on_instance:
        assert all(hasattr(b, attr) for b in seen), f"boxes have no {attr!r}"
    assert tags._build_box_tree is before, "the original was not put back"


def test_weasyprint_pages_still_hold_their_box_tree() -> None:
    """page_words reads each laid-out page's boxes (``Page._page_box``)."""
    from weasyprint import HTML

    html = (
        "<style>@page { size: A6; @top-center { content: 'Header' } } "
        "p { break-before: page }</style><p>First page here.</p><p>Second page now.</p>"
    )
    pages = weasy.page_words(HTML(string=html).render(), limit=2)
    assert pages == [["First", "page"], ["Second", "page"]]


def test_pyttsx3_driver_still_has_what_is_set() -> None:
    engine = tts.synchronous_engine()
    driver = tts.driver_of(engine)
    for p in tts.PRIVATE:
        if p.on_instance and p.module == "pyttsx3.drivers.espeak":
            attr = p.name.split(".")[-1]
            assert hasattr(driver, attr), f"the espeak driver has no {attr!r}"
    pcm = tts.say_to_buffer(driver, "Canary.")
    assert len(pcm) > 1000 and len(pcm) % 2 == 0


def test_versions_are_checked_with_the_pin_named() -> None:
    assert weasy.VERSION.startswith("70.")
    assert tts.VERSION == "2.99"
    assert mdi.VERSION.startswith("4.")
    assert metadata.version("markdown-it-py") == mdi.VERSION  # what the seam reads is true
    with pytest.raises(DependencyMismatch, match=r"weasyprint>=70,<71"):
        check_version("weasyprint", lambda v: v.startswith("71."), weasy.PIN)
    with pytest.raises(DependencyMismatch, match="not installed"):
        check_version("no-such-distribution-a11ypress", lambda v: True, "x==1")


def test_pins_match_pyproject() -> None:
    from conftest import ROOT

    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    for seam in SEAMS:
        assert f'"{seam.PIN}"' in pyproject, f"{seam.__name__}.PIN is not the pyproject pin"


def test_dask_worker_state_still_has_nthreads() -> None:
    """The handshake gives a worker one unit of its resource per thread."""
    from distributed.worker_state_machine import WorkerState

    assert WorkerState(nthreads=3).nthreads == 3
