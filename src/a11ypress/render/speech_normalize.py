"""Text made ready for a speech engine: sentences, pronunciations, numbers.

Three steps, applied to each passage in this order:

1. :func:`split_sentences` cuts a passage into sentences without cutting after
   abbreviations (``e.g.``, ``Dr.``, ``U.S.``), initials or decimal numbers, and
   cuts over-long sentences at clause boundaries so no utterance is huge.
2. :class:`Lexicon` replaces written forms with how they are said (``A.I.``
   -> ``AI``, ``CLI`` -> ``C-L-I``), from the built-in ``data/lexicon.yaml``
   plus a user file.
3. :func:`normalize` rewrites what engines read badly: ISO dates, currency,
   percentages, number ranges, units and durations ("4m 12s", "10 ms",
   "2 MB"), multipliers ("10x"), versions ("v3.2.1"), decades ("1990s"),
   dotted initialisms ("N.A.S.A.") and symbols.

No spoken form ever holds a dot inside a word: espeak-ng reads "A.I." as
"a dot I", and a dotted abbreviation before a capital ("the U.S. Senate") as
the end of a sentence.

espeak-ng already reads plain numbers well in every language it knows, so
numbers are left as digits except where their context changes the reading.
"""

from __future__ import annotations

import functools
import itertools
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
        "by": "by",
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
        "by": "sur",
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
_DIGIT_DASH = re.compile(r"(?<=\d)-(?=\d)")
_HASH_NUMBER = re.compile(r"#(\d)")
_SYMBOLS = re.compile(r"\s?([&+=×→≈≤≥~@°])\s?")
_SPACES = re.compile(r"\s+")
_NUM = r"\d[\d,]*(?:\.\d+)?"
_DURATION_PART = rf"{_NUM}\s?(?:ms|min|hr|h|m|s)"
_DURATION = re.compile(rf"(?<![\w.,]){_DURATION_PART}(?:\s{_DURATION_PART})+(?!\w)")
_DURATION_SPLIT = re.compile(rf"({_NUM})\s?(ms|min|hr|h|m|s)")
_UNIT = re.compile(rf"(?<![\w.,])({_NUM})(\s?)([A-Za-z]+)(?![\w/])")
_DIMENSIONS = re.compile(r"(?<![\w.])(\d+)x(\d+)(?!\w|\.\d)")
_VERSION_NUMBER = re.compile(r"(?<![\w.])v(\d+(?:\.(?:\d+|x))*)(?![\w]|\.\d)")
_DECADE = re.compile(r"(?<![\w.,])(?:(1\d|20)|')?(\d)0s(?!\w)")
_INITIALISM = re.compile(r"(?<![\w.])((?:[A-Z]\.){2,})(?![\w])")
_URL_SCHEME = re.compile(r"(?<![\w])(?:https?|ftp)://")


#: Units said after a number: symbol -> (singular, plural), per language
#: (``en`` is the fallback). Matched case-sensitively after a number.
_UNITS: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "ms": ("millisecond", "milliseconds"),
        "s": ("second", "seconds"),
        "sec": ("second", "seconds"),
        "min": ("minute", "minutes"),
        "h": ("hour", "hours"),
        "hr": ("hour", "hours"),
        "hrs": ("hour", "hours"),
        "B": ("byte", "bytes"),
        "KB": ("kilobyte", "kilobytes"),
        "kB": ("kilobyte", "kilobytes"),
        "MB": ("megabyte", "megabytes"),
        "GB": ("gigabyte", "gigabytes"),
        "TB": ("terabyte", "terabytes"),
        "KiB": ("kibibyte", "kibibytes"),
        "MiB": ("mebibyte", "mebibytes"),
        "GiB": ("gibibyte", "gibibytes"),
        "kbps": ("kilobit per second", "kilobits per second"),
        "Mbps": ("megabit per second", "megabits per second"),
        "Gbps": ("gigabit per second", "gigabits per second"),
        "px": ("pixel", "pixels"),
        "pt": ("point", "points"),
        "Hz": ("hertz", "hertz"),
        "kHz": ("kilohertz", "kilohertz"),
        "MHz": ("megahertz", "megahertz"),
        "GHz": ("gigahertz", "gigahertz"),
        "fps": ("frame per second", "frames per second"),
        "k": ("thousand", "thousand"),
        "x": ("times", "times"),
    },
    "fr": {
        "ms": ("milliseconde", "millisecondes"),
        "s": ("seconde", "secondes"),
        "min": ("minute", "minutes"),
        "h": ("heure", "heures"),
        "o": ("octet", "octets"),
        "Ko": ("kilo-octet", "kilo-octets"),
        "Mo": ("mégaoctet", "mégaoctets"),
        "Go": ("gigaoctet", "gigaoctets"),
        "To": ("téraoctet", "téraoctets"),
        "px": ("pixel", "pixels"),
        "Hz": ("hertz", "hertz"),
        "k": ("mille", "mille"),
        "x": ("fois", "fois"),
    },
}
#: Units of a duration written in parts ("4m 12s", "1h 30min"), where "m" is minutes.
_DURATION_UNITS = {"h": "h", "hr": "h", "m": "min", "min": "min", "s": "s", "ms": "ms"}
#: How a version number is introduced ("v3.2.1").
_VERSION = {"en": "version", "fr": "version", "de": "Version", "es": "versión"}
#: Decades: the tens digit -> its plural word ("1990s" -> "nineteen nineties").
_DECADES = {
    "1": "tens",
    "2": "twenties",
    "3": "thirties",
    "4": "forties",
    "5": "fifties",
    "6": "sixties",
    "7": "seventies",
    "8": "eighties",
    "9": "nineties",
}
#: The first two digits of a decade's year, as said before it ("nineteen").
_CENTURIES = {
    "10": "ten",
    "11": "eleven",
    "12": "twelve",
    "13": "thirteen",
    "14": "fourteen",
    "15": "fifteen",
    "16": "sixteen",
    "17": "seventeen",
    "18": "eighteen",
    "19": "nineteen",
    "20": "twenty",
}
#: Words before "30s" that make it a decade ("in their 30s"), not seconds.
_DECADE_CUES = frozenset(
    ["the", "early", "mid", "late", "his", "her", "their", "my", "your", "our", "its"]
)


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


def _at_end(text: str, pos: int) -> bool:
    """Whether only closing punctuation and spaces follow ``pos`` in ``text``."""
    return not text[pos:].strip(" \"'»”’)]")


def _initialism(match: re.Match[str]) -> str:
    """``N.A.S.A.`` -> ``NASA`` (a full stop kept when it ends the text)."""
    letters = match.group(1).replace(".", "")
    return letters + ("." if _at_end(match.string, match.end()) else "")


def _unit_words(lang: str) -> dict[str, tuple[str, str]] | None:
    return _UNITS.get(_base(lang))


def _amount(number: str, unit: tuple[str, str]) -> str:
    return f"{number} {unit[0] if number == '1' else unit[1]}"


def _duration(match: re.Match[str], lang: str) -> str:
    """``4m 12s`` -> ``4 minutes 12 seconds`` (parts must be in decreasing order)."""
    units = _unit_words(lang)
    parts = _DURATION_SPLIT.findall(match.group(0))
    order = ["h", "min", "s", "ms"]
    keys = [_DURATION_UNITS[u] for _, u in parts]
    ranks = [order.index(k) for k in keys]
    if units is None or any(b <= a for a, b in itertools.pairwise(ranks)):
        return match.group(0)
    return " ".join(_amount(n, units[k]) for (n, _), k in zip(parts, keys, strict=True))


def _unit(match: re.Match[str], lang: str) -> str:
    """``10 ms`` -> ``10 milliseconds``, ``2MB`` -> ``2 megabytes``, ``10x`` -> ``10 times``."""
    number, space, symbol = match.groups()
    units = _unit_words(lang)
    if units is None or symbol not in units or (space and symbol in ("k", "x")):
        return match.group(0)
    return _amount(number, units[symbol])


def _decade(match: re.Match[str], lang: str) -> str:
    """``1990s`` -> ``nineteen nineties``, ``'80s`` -> ``eighties``; a bare ``30s`` only
    after a cue ("in their 30s"), else it is left for the units (seconds)."""
    century, tens = match.group(1), match.group(2)
    if _base(lang) != "en":
        return match.group(0)
    if century is None:
        before = match.string[: match.start()].split()
        if not before or before[-1].lower() not in _DECADE_CUES or tens == "0":
            return match.group(0)
        return _DECADES[tens]
    if century == "'":
        return _DECADES.get(tens, match.group(0))
    if tens == "0":
        return "two thousands" if century == "20" else f"{_CENTURIES[century]} hundreds"
    return f"{_CENTURIES[century]} {_DECADES[tens]}"


def normalize(text: str, lang: str) -> str:
    """Rewrite dates, currency, percentages, units, durations, versions,
    decades, ranges, dotted initialisms and symbols as words."""
    text = _URL_SCHEME.sub("", text)
    text = _ISO_DATE.sub(lambda m: _date(m, lang), text)
    text = _INITIALISM.sub(_initialism, text)
    text = _CURRENCY.sub(lambda m: _currency(m, lang), text)
    text = _PERCENT.sub(lambda m: f"{m.group(1)} {_word(lang, '%')}", text)
    text = _VERSION_NUMBER.sub(
        lambda m: f"{_VERSION.get(_base(lang), 'version')} {m.group(1)}", text
    )
    text = _DECADE.sub(lambda m: _decade(m, lang), text)
    text = _DURATION.sub(lambda m: _duration(m, lang), text)
    text = _DIMENSIONS.sub(lambda m: f"{m.group(1)} {_word(lang, 'by')} {m.group(2)}", text)
    text = _UNIT.sub(lambda m: _unit(m, lang), text)
    text = _RANGE.sub(lambda m: f"{m.group(1)} {_word(lang, 'to')} {m.group(2)}", text)
    text = _MINUS.sub(_word(lang, "-") + " ", text)
    text = _DIGIT_DASH.sub(" ", text)  # "the 3-2-1 rule": espeak-ng says "dash"
    text = _HASH_NUMBER.sub(lambda m: f"{_word(lang, '#')} {m.group(1)}", text)
    text = _SYMBOLS.sub(lambda m: f" {_word(lang, m.group(1))} ", text)
    text = text.replace("…", "...")
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class Lexicon:
    """Pronunciations: written form -> spoken form, per language."""

    entries: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """``language`` (or ``all``) -> {written: spoken}; ``ENGINE:language``
    (``piper:en``, ``espeak:all``) only for passages that engine reads."""
    engine: str = "espeak"
    """The engine of the build (see :meth:`for_engine`)."""
    engine_languages: frozenset[str] | None = None
    """Languages that ``engine`` reads (None: all); espeak-ng reads the others."""
    _patterns: dict[str, tuple[re.Pattern[str], dict[str, str]] | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    def for_engine(self, engine: str, languages: frozenset[str] | None = None) -> Lexicon:
        """This lexicon for a build with ``engine``, which reads ``languages``
        (without region; None: all), espeak-ng reading the rest."""
        return Lexicon(self.entries, engine, languages if engine != "espeak" else None)

    def _for(self, lang: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
        base = _base(lang)
        if base not in self._patterns:
            table: dict[str, str] = dict(self.entries.get("all", {}))
            table.update(self.entries.get(base, {}))
            if lang.lower() != base:
                table.update(self.entries.get(lang.lower(), {}))
            langs = self.engine_languages
            engine = self.engine if langs is None or base in langs else "espeak"
            for key in ("all", base, lang.lower()):
                table.update(self.entries.get(f"{engine}:{key}", {}))
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
            # "... the U.S." must not become "the U.S.." at a sentence end,
            # and "... etc." at the end must keep its full stop.
            if out.endswith(".") and text.startswith(".", match.end()):
                out = out[:-1]
            elif (
                match.group(0).endswith(".")
                and not out.endswith(".")
                and _at_end(text, match.end())
            ):
                out += "."
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


@functools.cache
def _builtin_tables() -> dict[str, dict[str, str]]:
    """The built-in lexicon's tables, read once per process (callers copy them)."""
    builtin = files("a11ypress").joinpath("data/lexicon.yaml").read_text(encoding="utf-8")
    return _read_lexicon_yaml(builtin, "lexicon.yaml")


def load_lexicon(path: Path | None = None) -> Lexicon:
    """The built-in lexicon, extended (and overridden) by the YAML file at ``path``.

    Raises :class:`InputError` when the file is unreadable or malformed.
    """
    merged = {lang: dict(table) for lang, table in _builtin_tables().items()}
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
