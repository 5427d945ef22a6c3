"""Who is told what when an order moves, in one table read by ``orders.transitions``.

A row matches a move by its action, and when it says so, by the state the order left
(``source``) and by who moved it (``by``). Every matching row tells each side in ``to`` with
its ``kind`` (``notifications/kinds.py`` has the sentences), linking to the order's page.
Every move where the other side must act, or money moves, has a row; ``tests/orders/
test_notices.py`` checks each one's recipient and language.
"""
from __future__ import annotations

from dataclasses import dataclass

from marketplace.money import Money
from marketplace.notifications import notify
from marketplace.orders.models import Order
from marketplace.orders.states import Actor, State

BRAND, CREATOR = "brand", "creator"
S, A = State, Actor


@dataclass(frozen=True)
class Notice:
    action: str
    to: tuple[str, ...]
    kind: str
    source: State | None = None  # only for a move from this state
    by: Actor | None = None      # only for a move by this actor


#      action             told               kind                              only when
NOTICES: tuple[Notice, ...] = (
    Notice("invite",          (CREATOR,),        "order.invited"),
    Notice("apply",           (BRAND,),          "order.applied"),
    Notice("accept",          (BRAND,),          "order.accepted"),
    Notice("select",          (CREATOR,),        "order.selected"),
    Notice("decline",         (BRAND,),          "order.invitation_declined",   source=S.INVITED),
    Notice("decline",         (CREATOR,),        "order.application_declined",  source=S.APPLIED),
    Notice("withdraw",        (CREATOR,),        "order.invitation_withdrawn",  source=S.INVITED),
    Notice("withdraw",        (BRAND,),          "order.application_withdrawn", source=S.APPLIED),
    Notice("expire",          (BRAND, CREATOR),  "order.expired"),
    Notice("submit",          (BRAND,),          "order.draft_submitted"),
    Notice("revise",          (CREATOR,),        "order.revision_requested"),
    Notice("approve",         (CREATOR,),        "order.approved",              by=A.BRAND),
    Notice("approve",         (BRAND, CREATOR),  "order.auto_approved",         by=A.SCHEDULER),
    Notice("publish",         (BRAND,),          "order.published"),
    Notice("cancel",          (CREATOR,),        "order.cancelled",             by=A.BRAND),
    Notice("cancel",          (BRAND,),          "order.cancelled",             by=A.CREATOR),
    Notice("cancel",          (BRAND, CREATOR),  "order.cancelled",             by=A.STAFF),
    Notice("mark_late",       (BRAND, CREATOR),  "order.draft_missed",          source=S.ACCEPTED),
    Notice("mark_late",       (BRAND, CREATOR),  "order.publish_missed",        source=S.APPROVED),
    Notice("schedule_payout", (CREATOR,),        "order.payout_scheduled"),
    Notice("mark_paid",       (CREATOR,),        "order.paid"),
)


def notices_for(action: str, source: State | str | None, by: Actor | str | None) -> list[Notice]:
    return [n for n in NOTICES if n.action == action
            and (n.source is None or n.source == source) and (n.by is None or n.by == by)]


def link_for(order: Order) -> str:
    return f"/orders/{order.id}"


def values_for(order: Order) -> dict:
    """What every order sentence may name."""
    return {"ref": order.reference, "brief": order.brief.title, "brand": order.brand.company_name,
            "creator": order.creator.handle, "fee": Money(order.fee_cents, order.currency),
            "total": Money(order.total_cents, order.currency)}


def tell(order: Order, action: str, source: State | str | None, by: Actor | str | None, **extra) -> int:
    """Notify everyone the table names for this move (in the caller's transaction)."""
    told = 0
    for notice in notices_for(action, source, by):
        for side in notice.to:
            user = order.brand.user if side == BRAND else order.creator.user
            notify(user, notice.kind, link=link_for(order), **values_for(order), **extra)
            told += 1
    return told
