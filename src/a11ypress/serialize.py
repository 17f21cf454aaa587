"""JSON form of the model (used by ``inspect`` and the fixture tests)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from a11ypress import model as m


def to_data(node: object, *, positions: bool = False) -> Any:
    """Turn a model node into JSON-ready data.

    Each node becomes ``{"type": ClassName, field: value, ...}``; fields equal
    to their default are left out, so fixtures stay short.  Source positions
    are included only with ``positions=True``.
    """
    if isinstance(node, tuple | list):
        return [to_data(x, positions=positions) for x in node]
    if isinstance(node, dict):
        return {str(k): to_data(v, positions=positions) for k, v in node.items()}
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        out: dict[str, Any] = {}
        if isinstance(node, m.Node):
            out["type"] = type(node).__name__
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if f.name == "pos":
                if positions and value is not None:
                    out["line"] = value.line
                continue
            if _is_default(f, value):
                continue
            out[f.name] = to_data(value, positions=positions)
        if isinstance(node, m.Image) and node.decorative:
            out["decorative"] = True
        return out
    return node


def _is_default(f: dataclasses.Field[Any], value: object) -> bool:
    if f.default is not dataclasses.MISSING:
        return bool(value == f.default)
    if f.default_factory is not dataclasses.MISSING:
        return bool(value == f.default_factory())
    return False


def to_json(node: object, *, positions: bool = False, indent: int | None = 2) -> str:
    """Serialise a node (a whole Document, say) as JSON text."""
    return json.dumps(to_data(node, positions=positions), ensure_ascii=False, indent=indent)
