"""One seam per dependency whose internals a11ypress relies on.

WeasyPrint, pyttsx3 and markdown-it-py are pinned because a11ypress uses
names they do not promise to keep.  Everything private that is used from each
lives in one module here, which checks the installed version when it is
imported (a clear :class:`DependencyMismatch` names the pin) and lists the
private names it uses in ``PRIVATE``, so that the canary test
(``tests/test_seams.py``) fails on an upgrade before any output changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class DependencyMismatch(ImportError):
    """An installed dependency is not the version whose internals a11ypress uses."""


@dataclass(frozen=True, slots=True)
class Private:
    """A name a11ypress uses that its library does not promise to keep."""

    module: str
    """Module that holds it (``weasyprint.pdf.tags``)."""
    name: str
    """Attribute path inside the module (``_build_box_tree``, ``EspeakDriver._defaultVoice``)."""
    params: tuple[str, ...] | None = None
    """Parameter names a function must have, in order (None: not checked)."""
    on_instance: bool = False
    """True when the name is set on instances (checked on a live object)."""


def check_version(
    dist: str, accept: Callable[[str], bool], pin: str, found: str | None = None
) -> str:
    """The installed version of distribution ``dist`` (``found`` when the library
    says it itself, which is quicker than reading the installed metadata); raise
    :class:`DependencyMismatch` naming ``pin`` when ``accept`` refuses it."""
    if found is None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version(dist)
        except PackageNotFoundError as exc:
            raise DependencyMismatch(f"{dist} is not installed; a11ypress needs {pin}") from exc
    if not accept(found):
        raise DependencyMismatch(
            f"{dist} {found} is installed, but a11ypress relies on internals of {pin} "
            f"(see {__name__}); install it with: pip install '{pin}'"
        )
    return found
