"""Text made ready for a speech engine: sentences, pronunciations, numbers.

Three steps, applied to each passage in this order:

1. :func:`split_sentences` cuts a passage into sentences without cutting after
   abbreviations (``e.g.``, ``Dr.``, ``U.S.``), initials or decimal numbers, and
   cuts over-long sentences at clause boundaries so no utterance is huge.
2. :class:`Lexicon` replaces written forms with how they are said (``AI`` ->
   ``A.I.``), from the built-in ``data/lexicon.yaml`` plus a user file.
3. :func:`normalize` rewrites what engines read badly: ISO dates, currency,
   percentages, number ranges and symbols.

espeak-ng already reads plain numbers well in every language it knows, so
numbers are left as digits except where their context changes the reading.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import yaml

from a11ypress.diagnostics import Diagnostic, InputError, Severity

#: Longest sentence, in words, before it is cut at a clause boundary.
MAX_WORDS = 60
#: Marks around the tool's own words in an announcement ("Image:", "Table
#: with"), which a lexicon never rewrites; :func:`unprotect` removes them.
PROTECT_OPEN, PROTECT_CLOSE = "\ue000", "\ue001"
_PROTECTED = re.compile("(\ue000[^\ue001]*\ue001)")


def protect(text: str) -> str:
    """``text`` marked as the tool's own words (see :data:`PROTECT_OPEN`)."""
    return PROTECT_OPEN + text + PROTECT_CLOSE if text else text


def unprotect(text: str) -> str:
    """``text`` without the marks of :func:`protect`."""
    return text.replace(PROTECT_OPEN, "").replace(PROTECT_CLOSE, "")

_MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
}

#: Words for symbols and joiners, per language (``en`` is the fallback).
_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "%": "percent",
        "&": "and",
        "to": "to",
        "+": "plus",
        "=": "equals",
        "×": "times",
        "°": "degrees",
        "@": "at",
        "~": "about",
        "→": "to",
        "≈": "about",
        "≤": "at most",
        "≥": "at least",
        "#": "number",
        "-": "minus",
        "$": "dollars",
        "€": "euros",
        "£": "pounds",
        "¥": "yen",
    },
    "fr": {
        "%": "pour cent",
        "&": "et",
        "to": "à",
        "+": "plus",
        "=": "égale",
        "×": "fois",
        "°": "degrés",
        "@": "arobase",
        "~": "environ",
        "→": "vers",
        "≈": "environ",
        "≤": "au plus",
        "≥": "au moins",
        "#": "numéro",
        "-": "moins",
        "$": "dollars",
        "€": "euros",
        "£": "livres",
        "¥": "yens",
    },
}

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "sr",
        "jr",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "cf",
        "fig",
        "no",
        "vol",
        "p",
        "pp",
        "approx",
        "inc",
        "ltd",
        "co",
        "u.s",
        "u.k",
        "e.u",
        "a.m",
        "p.m",
        "m",
        "mme",
        "mlle",
        "p.",
        "ex",
        "c.-à-d",
        "av",
        "apr",
        "j.-c",
    ]
)
_END = re.compile(r"([.!?…]+[\"'»”’)\]]*)\s+(?=[\"'«“‘(\[]?[\w¿¡])", re.UNICODE)
_CLAUSE = re.compile(r"(?<=[;:,—–])\s+")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_CURRENCY = re.compile(
    r"([$€£¥])\s?(\d[\d,]*(?:\.\d+)?)(\s?(?:million|billion|thousand|[kKmMbB]\b))?"
)
_PERCENT = re.compile(r"(\d)\s?%")
_RANGE = re.compile(r"(?<![\w.,–—-])(\d[\d,.]*)\s?[–—-]\s?(\d[\d,.]*)(?![\w–—-])")
_MINUS = re.compile(r"(?<![\w])[−-](?=\d)")
_HASH_NUMBER = re.compile(r"#(\d)")
_SYMBOLS = re.compile(r"\s?([&+=×→≈≤≥~@°])\s?")
_SPACES = re.compile(r"\s+")


def _base(lang: str) -> str:
    return (lang or "en").split("-")[0].lower()


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` (whitespace collapsed), with long ones cut at clauses."""
    text = _SPACES.sub(" ", text).strip()
    if not text:
        return []
    out: list[str] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end(1)
        before = text[start:end].rsplit(" ", 1)[-1].rstrip(".!?…\"'»”’)]").lower()
        if match.group(1)[0] == ".":
            if before in _ABBREVIATIONS or re.fullmatch(r"\w", before):
                continue
            if re.fullmatch(r"(?:\w\.)+\w", before):  # U.S, e.g, a.m
                continue
        out.append(text[start:end].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    result: list[str] = []
    for s in out:
        result.extend(_cut_long(s))
    return result


def _cut_long(sentence: str) -> list[str]:
    """Cut a sentence of more than MAX_WORDS words at clause punctuation, then
    (if still too long) every MAX_WORDS words."""
    if len(sentence.split()) <= MAX_WORDS:
        return [sentence]
    parts: list[str] = []
    current = ""
    for clause in _CLAUSE.split(sentence):
        candidate = f"{current} {clause}".strip()
        if current and len(candidate.split()) > MAX_WORDS:
            parts.append(current)
            current = clause
        else:
            current = candidate
    if current:
        parts.append(current)
    result: list[str] = []
    for p in parts:
        words = p.split()
        result.extend(" ".join(words[i : i + MAX_WORDS]) for i in range(0, len(words), MAX_WORDS))
    return result


def _word(lang: str, key: str) -> str:
    return _WORDS.get(_base(lang), _WORDS["en"]).get(key) or _WORDS["en"][key]


def _date(match: re.Match[str], lang: str) -> str:
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
    months = _MONTHS.get(_base(lang), _MONTHS["en"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return match.group(0)
    return f"{day} {months[month - 1]} {year}"


def _currency(match: re.Match[str], lang: str) -> str:
    symbol, amount, scale = match.group(1), match.group(2), (match.group(3) or "").strip()
    scale = {"k": "thousand", "m": "million", "b": "billion"}.get(scale.lower(), scale)
    return " ".join(p for p in (amount, scale, _word(lang, symbol)) if p)


def normalize(text: str, lang: str) -> str:
    """Rewrite dates, currency, percentages, ranges and symbols as words."""
    text = _ISO_DATE.sub(lambda m: _date(m, lang), text)
    text = _CURRENCY.sub(lambda m: _currency(m, lang), text)
    text = _PERCENT.sub(lambda m: f"{m.group(1)} {_word(lang, '%')}", text)
    text = _RANGE.sub(lambda m: f"{m.group(1)} {_word(lang, 'to')} {m.group(2)}", text)
    text = _MINUS.sub(_word(lang, "-") + " ", text)
    text = _HASH_NUMBER.sub(lambda m: f"{_word(lang, '#')} {m.group(1)}", text)
    text = _SYMBOLS.sub(lambda m: f" {_word(lang, m.group(1))} ", text)
    text = text.replace("…", "...")
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class Lexicon:
    """Pronunciations: written form -> spoken form, per language."""

    entries: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """``language`` (or ``all``) -> {written: spoken}."""
    _patterns: dict[str, tuple[re.Pattern[str], dict[str, str]] | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    def _for(self, lang: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
        base = _base(lang)
        if base not in self._patterns:
            table: dict[str, str] = dict(self.entries.get("all", {}))
            table.update(self.entries.get(base, {}))
            if lang.lower() != base:
                table.update(self.entries.get(lang.lower(), {}))
            if not table:
                self._patterns[base] = None
            else:
                alternation = "|".join(
                    re.escape(k) for k in sorted(table, key=lambda k: (-len(k), k))
                )
                pattern = re.compile(rf"(?<![\w.])(?:{alternation})(?!\w)")
                self._patterns[base] = (pattern, table)
        return self._patterns[base]

    def apply(self, text: str, lang: str) -> str:
        """``text`` with every lexicon entry for ``lang`` replaced by its spoken
        form, except in the tool's own words (marked by :func:`protect`)."""
        found = self._for(lang)
        if found is None:
            return text
        if PROTECT_OPEN in text:
            parts = _PROTECTED.split(text)
            return "".join(p if i % 2 else self.apply(p, lang) for i, p in enumerate(parts))
        pattern, table = found

        def spoken(match: re.Match[str]) -> str:
            out = table[match.group(0)]
            # "... the U.S." must not become "the U.S.." at a sentence end.
            if out.endswith(".") and text.startswith(".", match.end()):
                out = out[:-1]
            return out

        return pattern.sub(spoken, text)


def _read_lexicon_yaml(text: str, name: str) -> dict[str, dict[str, str]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(
            Diagnostic("bad-lexicon", f"not valid YAML: {exc}", Severity.ERROR, name)
        ) from exc
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(
        isinstance(v, dict) and all(isinstance(w, str | int | float) for w in v.values())
        for v in data.values()
    ):
        raise InputError(
            Diagnostic(
                "bad-lexicon",
                "a lexicon maps a language (or 'all') to {written form: spoken form}",
                Severity.ERROR,
                name,
            )
        )
    empty = next((str(la) for la, t in data.items() if any(not str(k).strip() for k in t)), None)
    if empty is not None:
        raise InputError(
            Diagnostic(
                "bad-lexicon",
                f"an entry of {empty!r} has an empty written form; every entry needs "
                "the text to replace",
                Severity.ERROR,
                name,
            )
        )
    return {
        str(lang).lower(): {str(k): str(v) for k, v in table.items()}
        for lang, table in data.items()
    }


def load_lexicon(path: Path | None = None) -> Lexicon:
    """The built-in lexicon, extended (and overridden) by the YAML file at ``path``.

    Raises :class:`InputError` when the file is unreadable or malformed.
    """
    builtin = files("a11ypress").joinpath("data/lexicon.yaml").read_text(encoding="utf-8")
    merged = _read_lexicon_yaml(builtin, "lexicon.yaml")
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                Diagnostic("bad-lexicon", f"cannot read: {exc}", Severity.ERROR, str(path))
            ) from exc
        for lang, table in _read_lexicon_yaml(text, str(path)).items():
            merged.setdefault(lang, {}).update(table)
    return Lexicon(merged)
