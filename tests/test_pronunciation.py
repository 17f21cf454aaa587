"""What espeak-ng will say, read as phonemes (``espeak-ng -x``): the lexicon
and the normaliser against the real engine, fast enough to run on every script.

The slower check by ear (speech recognition on the audio edition) is
tests/test_heard.py.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import shutil
from pathlib import Path

import pytest

from a11ypress.document import load
from a11ypress.render.speech import speech_script
from a11ypress.render.speech_normalize import load_lexicon, normalize
from conftest import SAMPLES, SEED

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")

LEXICON = load_lexicon()

#: Words that articles about the Nuxt ecosystem are full of, and units, with
#: the phonemes a listener must hear (espeak-ng's notation, stress marks
#: dropped). Most need no lexicon entry: espeak-ng says them right; the
#: others are right because of an entry or the normaliser.
HEARD_AS = {
    "Nuxt": "nVkst",
    "Nuxt UI": "nVkst ju:aI",
    "Vue": "vju:",
    "Vue.js": "vju: dZeIEs",
    "Node.js": "noUd dZeIEs",
    "Vite": "vi:t",
    "Vitest": "vi:tEst",
    "Nitro": "naItroU",
    "Pinia": "pIni@",
    "npm": "Enpi:Em",
    "pnpm": "pi:Enpi:Em",
    "npx": "Enpi:Eks",
    "yarn": "jA@n",
    "JSON": "dZeIs0n",
    "YAML": "jam@L",
    "TypeScript": "taIp skrIpt",
    "JavaScript": "dZA:v@ skrIpt",
    "GitHub": "gIt hVb",
    "ESLint": "i:Esl",
    "CLI": "si:ElaI",
    "API": "eIpi:aI",
    "APIs": "eIpi:aIz",
    "URL": "ju:A@rEl",
    "URLs": "ju:A@rElz",
    "SSR": "EsEsA@",
    "SSG": "EsEsdZi:",
    "SEO": "Esi:oU",
    "ESM": "i:EsEm",
    "CSS": "si:EsEs",
    "HTML": "eItSti:EmEl",
    "HTTP": "eItSti:ti:pi:",
    "MDC": "Emdi:si:",
    "SDK": "Esdi:keI",
    "CDN": "si:di:En",
    "UI": "ju:aI",
    "UX": "ju:Eks",
    "IDE": "aIdi:i:",
    "AI": "eIaI",
    "A.I.": "eIaI",
    "US": "ju:Es",
    "U.S.": "ju:Es",
    "UK": "ju:keI",
    "U.K.": "ju:keI",
    "EU": "i:ju:",
    "PDF": "pi:di:Ef",
    "EPUB": "i:pVb",
    "v3.2.1": "v3:S@n Tri: pOInt tu:pOInt w0n",
    "4m 12s": "fo@ mInIts twElv sEk@ndz",
    "4 m 12 s": "fo@ mInIts twElv sEk@ndz",
    "58 s": "fIfti eIt sEk@ndz",
    "10 ms": "tEn mIlIsEk@ndz",
    "1.5s": "w0n pOInt faIv sEk@ndz",
    "512 KB": "twElv kIl@baIts",
    "2 MB": "tu: mEg@baIts",
    "100 GB": "gIg@baIts",
    "16px": "sIksti:n pIks@Lz",
    "1.5rem": "faIv rEm",
    "10x": "tEn taImz",
    "1920x1080": "baI",
    "1990s": "naInti:n naIntiz",
    "3-2-1": "Tri: tu: w0n",
    "e.g.": "fO@r Egzaamp@L",
}

#: Each term is said in these sentences: alone, at the end of a sentence, in
#: mid-sentence and after "of" (where "A.I." was heard as "a dot I").
CONTEXTS = ["{}", "The {}.", "We use {} and more.", "Of {} tools, it is."]

_DOT = re.compile(r"d[',]?0t")


def _plain(phonemes: str) -> str:
    """Phonemes without stress marks and pauses (``,Enp,i:;'Em`` -> ``Enpi:Em``)."""
    out = phonemes.replace("_:", "")
    out = re.sub(r"[',;%=_-]", "", out)
    return " ".join(out.split())


class _Espeak:
    """espeak-ng's own text-to-phonemes (the library behind ``espeak-ng -x``),
    one text at a time, so that no text colours the reading of the next."""

    def __init__(self, voice: str = "en") -> None:
        path = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        self.lib = ctypes.CDLL(path)
        # AUDIO_OUTPUT_SYNCHRONOUS, no buffer, default data, don't exit on error.
        if self.lib.espeak_Initialize(2, 0, None, 0x8000) < 0:
            raise RuntimeError("espeak-ng did not start")
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_SetVoiceByName(voice.encode())
        self.lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        self.lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_void_p),
            ctypes.c_int,
            ctypes.c_int,
        ]

    def clauses(self, text: str) -> list[str]:
        """The phonemes of each clause of ``text`` (ASCII names, as ``-x`` prints)."""
        buf = ctypes.create_string_buffer(text.encode("utf-8"))
        ptr = ctypes.c_void_p(ctypes.addressof(buf))
        out: list[str] = []
        while ptr.value:
            got = self.lib.espeak_TextToPhonemes(ctypes.byref(ptr), 1, 0)  # espeakCHARS_UTF8
            out.append((got or b"").decode("utf-8", "replace").strip())
        return [c for c in out if c]


@pytest.fixture(scope="module")
def espeak() -> _Espeak:
    return _Espeak("en")


def _spoken(text: str) -> str:
    return normalize(LEXICON.apply(text, "en"), "en")


def test_ecosystem_names_and_units_are_said_right(espeak: _Espeak) -> None:
    texts = [_spoken(c.format(term)) for term in HEARD_AS for c in CONTEXTS]
    said = [" ".join(espeak.clauses(t)) for t in texts]
    wrong = []
    for i, (term, expected) in enumerate(HEARD_AS.items()):
        for j in range(len(CONTEXTS)):
            got = said[i * len(CONTEXTS) + j]
            if expected not in _plain(got):
                wrong.append(f"{term!r} in {texts[i * len(CONTEXTS) + j]!r}: {got}")
    assert not wrong, "\n".join(wrong)


def test_no_spoken_form_in_the_lexicon_holds_a_dot() -> None:
    for lang, table in LEXICON.entries.items():
        for written, spoken in table.items():
            assert not re.search(r"\w\.\w", spoken), f"{lang}: {written} -> {spoken}"


def _dots_meant(text: str) -> int:
    """How many times a listener should hear "dot": dots inside a name
    (``nuxt.config.ts``, ``example.org``), never in numbers, plus the word."""
    inside = len(re.findall(r"(?<=[^\W\d])\.(?=\w)|(?<=\w)\.(?=[^\W\d])", text))
    return inside + len(re.findall(r"\bdots?\b", text, re.IGNORECASE))


@pytest.mark.parametrize("path", [*SAMPLES, SEED], ids=[p.stem for p in [*SAMPLES, SEED]])
def test_espeak_says_dot_only_where_the_text_has_one(path: Path, espeak: _Espeak) -> None:
    script = speech_script(load(path).document)
    texts = [u.text for u in script.utterances if u.lang.split("-")[0] == "en"]
    if not texts:
        pytest.skip("no English utterance")
    said = [" ".join(espeak.clauses(t)) for t in texts]
    extra = [
        f"{t!r}: {p}"
        for t, p in zip(texts, said, strict=True)
        if len(_DOT.findall(p)) > _dots_meant(t)
    ]
    assert not extra, "espeak-ng says 'dot' in:\n" + "\n".join(extra)


def test_mid_sentence_abbreviations_do_not_end_the_sentence(espeak: _Espeak) -> None:
    written = "Jen Easterly, the Director of the U.S. Cybersecurity Agency, spoke."
    # As written, espeak-ng ends a clause after "U.S." (a pause and a falling tone).
    assert any(_plain(c).endswith("ju:Es") for c in espeak.clauses(written))
    text = _spoken(written)
    assert "the US Cybersecurity Agency" in text
    clause = next(c for c in espeak.clauses(text) if "saIb" in _plain(c))
    assert "ju:Es saIb" in _plain(clause)
