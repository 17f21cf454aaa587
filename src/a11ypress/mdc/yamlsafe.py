"""Safe, bounded YAML loading for front matter and props blocks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import yaml

from a11ypress.model import PropValue
from a11ypress.xmlchars import strip_invalid

#: libyaml's safe loader when PyYAML was built with it (much faster), else Python's.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Largest YAML text accepted (characters). Articles' front matter is tiny.
MAX_YAML_CHARS = 256 * 1024
#: Largest number of nodes the YAML may expand to once aliases are followed.
MAX_EXPANDED_NODES = 50_000


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """Why a YAML text was refused."""

    message: str
    """Human-readable reason."""
    line: int | None = None
    """0-based line inside the YAML text, when known."""


def load_mapping(text: str) -> dict[str, PropValue] | YamlProblem:
    """Load YAML that must be a mapping (or empty) through safe loading.

    Oversized texts and alias bombs are refused before construction; the
    result is plain JSON-like data (dates become ISO strings).
    """
    if len(text) > MAX_YAML_CHARS:
        return YamlProblem(
            f"YAML block is too large ({len(text)} characters, limit {MAX_YAML_CHARS})"
        )
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return {}
            size = _expanded_size(node, {})
            if size > MAX_EXPANDED_NODES:
                return YamlProblem(
                    f"YAML expands to more than {MAX_EXPANDED_NODES} nodes through aliases; refused"
                )
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        # The context mark points at what was left open (a bracket, a quote);
        # the problem mark is often the end of the text.
        mark = exc.context_mark or exc.problem_mark
        problem = " ".join(x for x in (exc.context, exc.problem) if x) or str(exc)
        return YamlProblem(f"invalid YAML: {problem}", mark.line if mark else None)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        return YamlProblem(f"invalid YAML: {exc}")
    if data is None:
        return {}
    if not isinstance(data, dict):
        return YamlProblem(f"YAML must be a mapping of keys to values, not {type(data).__name__}")
    return {strip_invalid(str(k)): plain(v) for k, v in data.items()}


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Number of nodes after following aliases (shared nodes counted each time)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = MAX_EXPANDED_NODES + 1  # a cycle counts as too big
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += _expanded_size(child, memo)
            if total > MAX_EXPANDED_NODES:
                break
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            total += _expanded_size(k, memo) + _expanded_size(v, memo)
            if total > MAX_EXPANDED_NODES:
                break
    memo[key] = total
    return total


def plain(value: object) -> PropValue:
    """Turn loaded YAML into JSON-like data (dates to ISO text, keys to str,
    characters XML cannot carry removed)."""
    if isinstance(value, dict):
        return {strip_invalid(str(k)): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return strip_invalid(value.decode("utf-8", "replace"))
    if isinstance(value, str):
        return strip_invalid(value)
    if value is None or isinstance(value, int | float | bool):
        return value
    return strip_invalid(str(value))
