"""Find registered brands (names, handles, aliases) in a text, all brands in one regex pass.

The brand list changes rarely and is the same for every note, so it is compiled once per
distinct list into a single pattern built from a trie of the folded terms (shared prefixes
are matched once; Python's ``re`` would otherwise try every alternative at every position).
Latin terms must stand as whole words ("Nova" does not match "innovation"); Chinese terms
match anywhere, as Chinese has no spaces.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from marketplace.audit.folding import fold

# Shorter terms match too much by chance ("AG", "美").
MIN_LATIN_CHARS = 3
MIN_CJK_CHARS = 2


@dataclass(frozen=True)
class Brand:
    """A registered brand as the caller knows it; ``handle`` without or with its "@"."""

    name: str
    handle: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)

    def terms(self) -> Iterator[str]:
        yield self.name
        if self.handle:
            yield self.handle.lstrip("@")
        yield from self.aliases


@dataclass(frozen=True)
class BrandMatcher:
    pattern: re.Pattern | None
    owners: dict[str, str]  # folded term -> brand name

    def find(self, folded: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, brand name) for every mention, longest term first at each position."""
        if self.pattern is None:
            return
        for match in self.pattern.finditer(folded):
            start, end = match.span(1)
            if start > 0 and folded[start - 1] == "@":
                start -= 1  # highlight "@glowlab", not just "glowlab"
            yield start, end, self.owners[" ".join(match.group(1).split())]


def _usable(term: str) -> bool:
    if any("\u3400" <= ch <= "\u9fff" for ch in term):
        return len(term) >= MIN_CJK_CHARS
    return len(term) >= MIN_LATIN_CHARS


@lru_cache(maxsize=16)
def matcher(brands: tuple[Brand, ...]) -> BrandMatcher:
    owners: dict[str, str] = {}
    for brand in brands:
        for term in brand.terms():
            folded = " ".join(fold(term).split())
            if folded and _usable(folded) and folded not in owners:
                owners[folded] = brand.name
    if not owners:
        return BrandMatcher(None, {})
    body = _trie_pattern(owners)
    pattern = re.compile(r"(?<![a-z0-9_])(" + body + r")(?![a-z0-9_])")
    return BrandMatcher(pattern, owners)


def _trie_pattern(terms: Iterable[str]) -> str:
    trie: dict = {}
    for term in terms:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = True
    return _node_pattern(trie)


def _node_pattern(node: dict) -> str:
    ends_here = "" in node
    branches = []
    for ch in sorted(k for k in node if k):
        # A space in a brand name matches any run of spaces ("Glow  Lab").
        piece = r"\s+" if ch == " " else re.escape(ch)
        branches.append(piece + _node_pattern(node[ch]))
    if not branches:
        return ""
    inner = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # Longest first: when a term ends here, try to continue before stopping ("glow lab pro").
    return "(?:" + inner + ")?" if ends_here else inner
