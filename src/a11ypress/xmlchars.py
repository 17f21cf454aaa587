"""Characters XML 1.0 (so XHTML, EPUB and PDF tagging) cannot carry."""

from __future__ import annotations

import re

#: C0 controls other than tab, newline and carriage return; lone surrogates;
#: the non-characters U+FFFE and U+FFFF.
INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_invalid(text: str) -> str:
    """``text`` without the characters XML cannot carry."""
    return INVALID_XML.sub("", text)
