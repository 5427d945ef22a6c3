"""Receipt codes people can read aloud and type: ``PPS-7Q2K-M4XD-9HBT``.

Twelve characters of Crockford's base32 (digits and upper-case letters without I, L, O and
U, so nothing reads as something else) drawn from ``secrets``: 60 random bits, far beyond
guessing. Typed codes are forgiving: any case, spaces or dashes anywhere, O for 0 and I or L
for 1. Codes issued before this format (22 random URL-safe characters) keep working as they
were issued.
"""
from __future__ import annotations

import re
import secrets

PREFIX = "PPS"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
GROUPS, GROUP_LENGTH = 3, 4

_READABLE = re.compile(rf"^{PREFIX}[{ALPHABET}]{{{GROUPS * GROUP_LENGTH}}}$")
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    groups = [chars[i:i + GROUP_LENGTH] for i in range(0, len(chars), GROUP_LENGTH)]
    return "-".join([PREFIX, *groups])


def canonical(typed: str) -> str:
    """The stored form of a typed code: a readable code however it was typed, or an older
    code exactly as given."""
    squeezed = re.sub(r"[\s\-]+", "", typed or "").upper()
    if squeezed.startswith(PREFIX):
        readable = PREFIX + squeezed[len(PREFIX):].translate(_LOOKALIKES)
        if _READABLE.match(readable):
            body = readable[len(PREFIX):]
            return "-".join([PREFIX, *(body[i:i + GROUP_LENGTH] for i in range(0, len(body), GROUP_LENGTH))])
    return (typed or "").strip()
