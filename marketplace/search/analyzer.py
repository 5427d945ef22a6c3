"""Text analysis shared by indexing and querying, so both see exactly the same tokens.

Modelled on Lucene's CJKAnalyzer: a run of CJK characters becomes overlapping bigrams
(防晒霜 → 防晒 晒霜), so a two-character query is one token and a longer one is a phrase of
bigrams. Every CJK character is also kept as a unigram in its own column, which is what
makes one-character queries work (SQLite's trigram tokenizer cannot go below three).
Everything else is split into words of letters and digits, NFKC-folded and lower-cased.

Tokens only ever contain letters and digits, so they can be quoted into FTS5 or tsquery
syntax without any operator or quote surviving from the user's input.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Han (with extensions and compatibility ideographs), kana and hangul.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_CJK_RUN = re.compile(f"([{_CJK}]+)")
_WORD = re.compile(r"[^\W_]+")
TOKEN_MAX = 40  # longer "words" are noise (hashes, base64); truncating keeps the index lean
# Prefix search on very short stems would expand to a large share of the vocabulary.
PREFIX_MIN = 3


@dataclass
class Analysis:
    terms: list[str] = field(default_factory=list)  # words and CJK bigrams, in order
    chars: list[str] = field(default_factory=list)  # distinct CJK characters


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def analyze(text: str) -> Analysis:
    """Tokens of ``text`` for the index."""
    result = Analysis()
    seen: set[str] = set()
    for i, part in enumerate(_CJK_RUN.split(_normalise(text))):
        if i % 2:  # a CJK run
            if len(part) == 1:
                result.terms.append(part)
            else:
                result.terms.extend(part[j:j + 2] for j in range(len(part) - 1))
            for char in part:
                if char not in seen:
                    seen.add(char)
                    result.chars.append(char)
        elif part:
            result.terms.extend(word[:TOKEN_MAX] for word in _WORD.findall(part))
    return result


@dataclass(frozen=True)
class QueryGroup:
    """One part of a query; every group must match. ``kind`` is word, chars or phrase."""

    kind: str
    tokens: tuple[str, ...]
    prefix: bool = False


def analyze_query(text: str) -> list[QueryGroup]:
    """The groups a query is made of. English words match whole words, and the last one
    also matches as a prefix ("sunscr" finds "sunscreen"); a CJK run of one character
    matches that character, a longer run matches its bigrams as a phrase."""
    groups: list[QueryGroup] = []
    for i, part in enumerate(_CJK_RUN.split(_normalise(text))):
        if i % 2:
            if len(part) == 1:
                groups.append(QueryGroup("chars", (part,)))
            else:
                groups.append(QueryGroup("phrase", tuple(part[j:j + 2] for j in range(len(part) - 1))))
        elif part:
            groups.extend(QueryGroup("word", (word[:TOKEN_MAX],)) for word in _WORD.findall(part))
    unique: list[QueryGroup] = []
    for group in groups:
        if group not in unique:
            unique.append(group)
    if unique and unique[-1].kind == "word" and len(unique[-1].tokens[0]) >= PREFIX_MIN:
        unique[-1] = QueryGroup("word", unique[-1].tokens, prefix=True)
    return unique


def query_words(groups: list[QueryGroup]) -> list[tuple[str, bool]]:
    """What to highlight in the original text: (literal, is_prefix) for each group."""
    words = []
    for group in groups:
        if group.kind == "phrase":
            words.append((group.tokens[0] + "".join(t[1] for t in group.tokens[1:]), False))
        else:
            words.append((group.tokens[0], group.prefix))
    return words
