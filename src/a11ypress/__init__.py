"""a11ypress: accessible EPUB, tagged PDF and audio from MDC articles.

The Python API, for build scripts and CI::

    import a11ypress

    result = a11ypress.build(["site/"], formats=["epub", "pdf"], out="dist", title="Docs")
    for d in result.diagnostics:
        print(d.format())
    print(result.outputs, result.ok)

    loaded = a11ypress.load("post.md")   # the document model and its diagnostics

Options are those of ``a11ypress build`` and of ``a11ypress.toml``
(:class:`a11ypress.options.BuildOptions`), as keyword arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from a11ypress.document import Loaded
    from a11ypress.options import BuildOptions
    from a11ypress.pipeline import BuildResult

__version__ = "0.1.0"


def build(
    paths: Sequence[str | Path] | str | Path,
    *,
    options: BuildOptions | None = None,
    config: str | Path | bool = False,
    **values: Any,
) -> BuildResult:
    """Convert ``paths`` (article files and folders) and return what was
    written and every diagnostic (:class:`a11ypress.pipeline.BuildResult`).

    ``values`` are build options by name (``formats=["epub", "pdf"]``,
    ``out="dist"``, ``title="Docs"``, ``include=["blog/**"]``, ...); they are
    applied over ``options`` and over the project config when ``config`` is
    True (found as the CLI finds it) or a path.  Raises
    :class:`a11ypress.options.OptionsError` for an unknown option or a bad
    value, :class:`a11ypress.diagnostics.InputError` for an unusable config
    or vocabulary file, :class:`a11ypress.pipeline.DependencyMissing` for
    audio without espeak-ng (or m4b without ffmpeg).  Nothing is printed.
    """
    from dataclasses import replace

    from a11ypress.config import find_config, load_config
    from a11ypress.options import BuildOptions
    from a11ypress.pipeline import run

    items = [paths] if isinstance(paths, str | Path) else list(paths)
    inputs = [Path(p) for p in items]
    base = options or BuildOptions()
    found = Path(config) if isinstance(config, str | Path) else None
    if config is True:
        found = find_config(inputs)
    if found is not None:
        base = load_config(found, chosen=config is not True).apply(base)
    # The API prints nothing: no progress bar (``quiet`` hides only those here,
    # as every diagnostic is returned in the result).
    return run(inputs, replace(base.merged(values), quiet=True))


def load(path: str | Path, *, components: str | Path | None = None, lang: str = "en") -> Loaded:
    """Read and parse one article: its document model
    (:class:`a11ypress.model.Document`) and diagnostics.  Raises
    :class:`a11ypress.diagnostics.InputError` when the file cannot be read."""
    from a11ypress.components import load_vocabulary
    from a11ypress.document import load as load_file

    vocab = load_vocabulary(Path(components) if components is not None else None)
    return load_file(Path(path), vocab=vocab, lang=lang)


__all__ = ["__version__", "build", "load"]
