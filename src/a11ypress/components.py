"""Component vocabulary: MDC component name -> model role.

The built-in vocabulary lives in ``data/components.yaml``; users extend or
override it with a YAML file of the same shape (``--components FILE``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

from a11ypress.diagnostics import Diagnostic, InputError, Severity
from a11ypress.mdc.props import kebab
from a11ypress.mdc.yamlsafe import YamlProblem, load_mapping

RoleName = Literal[
    "heading",
    "paragraph",
    "image",
    "metadata",
    "callout",
    "code-group",
    "link-card",
    "container",
    "group",
    "field",
    "figure",
    "video",
    "ignore",
]
"""What a component can mean; the resolver handles every one of them."""

#: Roles a component may have.
ROLES: frozenset[str] = frozenset(get_args(RoleName))


@dataclass(frozen=True, slots=True)
class Role:
    """What a component means."""

    role: RoleName
    """What the component means."""
    level: int = 2
    """Heading level (role ``heading``)."""
    label: str | None = None
    """Visible label (role ``callout``)."""
    src: str = "src"
    """Prop holding the image source (role ``image``)."""
    alt: str = "alt"
    """Prop holding the alt text (role ``image``)."""
    caption: str = "caption"
    """Prop holding the caption (role ``image``)."""
    url: str = "to"
    """Prop holding the link target (role ``link-card``)."""
    title: str = "title"
    """Prop holding the title (roles ``link-card``, ``callout``, ``group``, ``video``)."""
    text: str | None = None
    """Prop holding the visible text of an inline component that has no content
    (``:kbd{value="Ctrl"}``)."""


Vocabulary = dict[str, Role]
"""Component name (kebab-case) -> role."""


def _bad_value(key: str, value: object) -> str | None:
    """What is wrong with ``value`` for the field ``key`` of a role, or None."""
    if key == "level":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 6:
            return f"level must be a whole number from 1 to 6, not {value!r}"
    elif key == "label":
        if value is not None and not isinstance(value, str):
            return f"label must be text, not {value!r}"
    elif key != "role" and not isinstance(value, str):
        return f"{key} must be the name of a prop (text), not {value!r}"
    return None


def _line_of(text: str, name: str) -> int | None:
    """The 1-based line where the top-level key ``name`` is, when found."""
    found = re.search(rf"""^["']?{re.escape(name)}["']?\s*:""", text, re.M)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _parse(data: dict[str, object], source: str, text: str = "") -> Vocabulary:
    """Validate a vocabulary mapping; raise InputError naming ``source`` (and
    the line of the component in ``text``, the file's content)."""
    names = {f.name for f in fields(Role)}
    vocab: Vocabulary = {}
    for name, spec in data.items():
        line = _line_of(text, str(name)) if text else None
        if isinstance(spec, str):
            spec = {"role": spec}
        if not isinstance(spec, dict) or spec.get("role") not in ROLES:
            raise InputError(
                Diagnostic(
                    "bad-vocabulary",
                    f"component {name!r}: expected a mapping with role one of {sorted(ROLES)}",
                    Severity.ERROR,
                    source,
                    line,
                )
            )
        unknown = set(spec) - names
        if unknown:
            raise InputError(
                Diagnostic(
                    "bad-vocabulary",
                    f"component {name!r}: unknown keys {sorted(unknown)}",
                    Severity.ERROR,
                    source,
                    line,
                )
            )
        for key, value in spec.items():
            problem = _bad_value(str(key), value)
            if problem is not None:
                raise InputError(
                    Diagnostic(
                        "bad-vocabulary",
                        f"component {name!r}: {problem}",
                        Severity.ERROR,
                        source,
                        line,
                    )
                )
        try:
            vocab[kebab(str(name))] = Role(**{str(k): v for k, v in spec.items()})
        except TypeError as exc:
            raise InputError(
                Diagnostic("bad-vocabulary", f"component {name!r}: {exc}", Severity.ERROR, source)
            ) from exc
    return vocab


def builtin_vocabulary() -> Vocabulary:
    """The vocabulary shipped with a11ypress (a fresh copy each call)."""
    return dict(_builtin())


@lru_cache(maxsize=1)
def _builtin() -> Vocabulary:
    # read beside this module (importlib.resources would cost a few ms of imports)
    text = (Path(__file__).parent / "data" / "components.yaml").read_text("utf-8")
    data = load_mapping(text)
    assert not isinstance(data, YamlProblem), data
    return _parse(dict(data), "builtin components.yaml")


def load_vocabulary(path: Path | None) -> Vocabulary:
    """Built-in vocabulary, extended/overridden by the YAML file at ``path``."""
    vocab = builtin_vocabulary()
    if path is None:
        return vocab
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise InputError(
            Diagnostic("bad-vocabulary", f"cannot read: {exc.strerror}", Severity.ERROR, str(path))
        ) from exc
    data = load_mapping(text)
    if isinstance(data, YamlProblem):
        raise InputError(
            Diagnostic(
                "bad-vocabulary",
                data.message,
                Severity.ERROR,
                str(path),
                None if data.line is None else data.line + 1,
            )
        )
    vocab.update(_parse(dict(data), str(path), text))
    return vocab
