"""Fold a text for matching without moving a single character: same length, same offsets.

The detector's rules are written once, in lower-case Simplified Chinese with half-width
punctuation. ``fold`` brings any note to that form — Traditional → Simplified (OpenCC's
``t2s``), full-width ASCII → ASCII, upper → lower case — and guarantees that character *i*
of the folded text stands for character *i* of the original, so a match at ``[start, end)``
in the folded text highlights exactly ``original[start:end]``.

OpenCC converts character for character for almost all text, but some of its phrase rules
change a phrase's length (regional vocabulary such as 部落格 → 博客 in the ``tw2sp`` profile;
``t2s`` avoids most of them). When the converted text's length differs, the text is converted
one character at a time instead, which keeps every offset at the cost of a few phrase-level
choices (乾隆 stays 乾, not 干).
"""
from __future__ import annotations

import re
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")

# Full-width forms (U+FF01–U+FF5E) are the same 94 ASCII characters, 0xFEE0 apart; U+3000 is
# the ideographic space and U+FFE5 the full-width yen sign used by Taobao share codes.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20
_WIDTH[0xFFE5] = 0xA5
_HAS_WIDE = re.compile("[\uff01-\uff5e\u3000\uffe5]")  # translate() is slow; most notes need none


def fold(text: str) -> str:
    """The text in matching form, exactly as long as ``text`` (offsets carry over)."""
    if not text:
        return ""
    simplified = _T2S.convert(text)
    if len(simplified) != len(text):
        simplified = "".join(_one(ch) for ch in text)
    narrowed = simplified.translate(_WIDTH) if _HAS_WIDE.search(simplified) else simplified
    lowered = narrowed.lower()
    if len(lowered) != len(narrowed):  # e.g. "İ" lower-cases to two characters
        lowered = "".join(_lower_one(ch) for ch in narrowed)
    return lowered


@lru_cache(maxsize=8192)
def _one(ch: str) -> str:
    converted = _T2S.convert(ch)
    return converted if len(converted) == 1 else ch


def _lower_one(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch
