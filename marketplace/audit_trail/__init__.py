"""The audit trail: who did what to which object, when and why, for any actor.

A base-layer area: every other area writes to it in the same transaction as its change, and
nothing here imports an area. Actors are staff and other users, API tokens, the command line
and background processes (scheduler, detector); each says who it is with an :class:`Actor`.
Entries hold an action code and its parameters (secrets masked), so a page can render them as
a sentence in the reader's language.
"""
from marketplace.audit_trail.service import (  # noqa: F401  (the area's public face)
    DETECTOR, SCHEDULER, Actor, actor_of, command_line, entries_about, entries_for, mask,
    record, record_staff_action,
)
