"""The order state machine as data: states, the moves between them, who may make each move,
and each state's deadline with what happens when it passes.

Everything else in the orders area reads these tables: the transitions service refuses a
move that is not here, the scheduler's sweeps apply the ``DEADLINES`` rules, pages offer the
moves the viewer may make, and ``tests/orders/test_states.py`` checks that the diagram in
docs/DOMAIN.md and :data:`TRANSITIONS` tell the same story.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class State(enum.StrEnum):
    INVITED = "invited"                    # the brand invited a creator (custom order)
    APPLIED = "applied"                    # a creator applied to an open brief (recruitment)
    ACCEPTED = "accepted"                  # money held; the creator works on a draft
    IN_REVIEW = "in_review"                # a draft waits for the brand
    APPROVED = "approved"                  # the creator may publish the approved draft
    PUBLISHED = "published"                # the note is live and filed; metrics window open
    METRICS_REPORTED = "metrics_reported"  # the window closed; the payout comes next
    PAYOUT_SCHEDULED = "payout_scheduled"  # escrow settled to the creator; transfer due
    PAID = "paid"                          # the transfer went out
    COMPLETED = "completed"                # counted in the creator's record
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class Actor(enum.StrEnum):
    CREATOR = "creator"      # the order's creator
    BRAND = "brand"          # the brief's brand
    STAFF = "staff"
    SCHEDULER = "scheduler"  # a deadline passed (also the system acting on a rule)


S, A = State, Actor
FINAL = frozenset({S.DECLINED, S.WITHDRAWN, S.EXPIRED, S.CANCELLED, S.COMPLETED})
# Money sits in escrow from acceptance until it is settled when the payout is scheduled.
HOLDING = frozenset({S.ACCEPTED, S.IN_REVIEW, S.APPROVED, S.PUBLISHED, S.METRICS_REPORTED})


@dataclass(frozen=True)
class Transition:
    action: str
    source: State
    target: State
    actors: frozenset[Actor]
    # True: allowed only once the state's deadline has passed (a creator who missed the
    # draft or publish date lets the brand cancel with a full refund).
    only_when_late: bool = False


def _t(action: str, source: State, target: State, *actors: Actor, only_when_late: bool = False) -> Transition:
    return Transition(action, source, target, frozenset(actors), only_when_late)


#   action       from                 to                    who may
TRANSITIONS: tuple[Transition, ...] = (
    _t("accept",   S.INVITED,          S.ACCEPTED,          A.CREATOR),
    _t("decline",  S.INVITED,          S.DECLINED,          A.CREATOR),
    _t("withdraw", S.INVITED,          S.WITHDRAWN,         A.BRAND),
    _t("expire",   S.INVITED,          S.EXPIRED,           A.SCHEDULER),
    _t("select",   S.APPLIED,          S.ACCEPTED,          A.BRAND),
    _t("decline",  S.APPLIED,          S.DECLINED,          A.BRAND),
    _t("withdraw", S.APPLIED,          S.WITHDRAWN,         A.CREATOR),
    _t("expire",   S.APPLIED,          S.EXPIRED,           A.SCHEDULER),
    _t("submit",   S.ACCEPTED,         S.IN_REVIEW,         A.CREATOR),
    _t("cancel",   S.ACCEPTED,         S.CANCELLED,         A.CREATOR, A.BRAND, A.STAFF),
    _t("approve",  S.IN_REVIEW,        S.APPROVED,          A.BRAND, A.SCHEDULER),
    _t("revise",   S.IN_REVIEW,        S.ACCEPTED,          A.BRAND),
    _t("cancel",   S.IN_REVIEW,        S.CANCELLED,         A.CREATOR, A.BRAND, A.STAFF),
    _t("publish",  S.APPROVED,         S.PUBLISHED,         A.CREATOR),
    _t("cancel",   S.APPROVED,         S.CANCELLED,         A.STAFF),
    _t("cancel",   S.APPROVED,         S.CANCELLED,         A.BRAND, only_when_late=True),
    _t("cancel",   S.PUBLISHED,        S.CANCELLED,         A.STAFF),
    _t("close_metrics",   S.PUBLISHED,        S.METRICS_REPORTED, A.SCHEDULER, A.STAFF),
    _t("schedule_payout", S.METRICS_REPORTED, S.PAYOUT_SCHEDULED, A.SCHEDULER),
    _t("mark_paid",       S.PAYOUT_SCHEDULED, S.PAID,             A.SCHEDULER),
    _t("complete",        S.PAID,             S.COMPLETED,        A.SCHEDULER),
)


@dataclass(frozen=True)
class Deadline:
    """When a state's time runs out (``starts`` + ``knob``) and what the scheduler does then.

    ``effect`` is a transition's action, or ``"mark_late"``: no move, but the brand is told and
    may now cancel with a full refund. The order row keeps the computed moment in ``due_at``
    so sweeps find due orders with one indexed query."""

    state: State
    starts: str   # what the clock counts from
    knob: str     # config key with the length ("" when the moment is a date on the brief)
    effect: str
    meaning: str
    # Who applies the rule: "orders" (``deadlines.sweep``), or another area's job when the
    # move needs more than the passing of time (a metrics report: ``metrics.jobs.close_windows``).
    applied_by: str = "orders"


DEADLINES: dict[State, Deadline] = {d.state: d for d in (
    Deadline(S.INVITED, "invited_at", "INVITATION_EXPIRY_HOURS", "expire",
             "An unanswered invitation expires."),
    Deadline(S.APPLIED, "brief.apply_by", "INVITATION_EXPIRY_HOURS", "expire",
             "An application the brand has not answered this long after the brief's apply-by date expires."),
    Deadline(S.ACCEPTED, "brief.draft_due", "", "mark_late",
             "A creator without a draft by the draft date lets the brand cancel with a full refund."),
    Deadline(S.IN_REVIEW, "submitted_at", "DRAFT_REVIEW_HOURS", "approve",
             "A draft the brand does not review in time is approved."),
    Deadline(S.APPROVED, "brief.publish_by", "", "mark_late",
             "A creator who has not published by the publish date lets the brand cancel with a full refund."),
    Deadline(S.PUBLISHED, "published_at", "brief.metrics_window_days", "close_metrics",
             "The metrics window closes; once a report covering it has arrived, metrics are reported "
             "and the payout follows. Without one the order stays published, waiting for metrics.",
             applied_by="metrics"),
)}


def transitions_from(state: State | str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == state]


def find(action: str, source: State | str, actor: Actor | str) -> Transition | None:
    """The transition ``actor`` makes with ``action`` from ``source``, if the table has one.
    (When both a plain and a late-only row match, the plain one wins.)"""
    rows = [t for t in TRANSITIONS if t.action == action and t.source == source and actor in t.actors]
    rows.sort(key=lambda t: t.only_when_late)
    return rows[0] if rows else None


def actions() -> list[str]:
    return sorted({t.action for t in TRANSITIONS})


def is_final(state: State | str) -> bool:
    return state in FINAL
