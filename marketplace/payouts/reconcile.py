"""Nightly reconciliation: our paid payouts against the gateway's transfers.

Every difference is stored (``PayoutDifference``) for the staff payouts page:

- ``missing_at_gateway``: a payout we marked paid whose transfer the gateway does not list;
- ``amount_differs``: the transfer's amount or currency is not the payout's;
- ``not_marked_paid``: a transfer for one of our payouts (group ``payout-<id>``) that we have
  not marked paid (a runner crashed after the transfer; the runner will pick it up, but staff
  see it until then);
- ``duplicate_transfer``: more than one transfer for one payout;
- ``unknown_transfer``: a transfer with a payout group naming no payout of ours.

Its requests to the gateway (one per page of 100 transfers) take their starts from the same
token bucket as the payout runners (``ratelimit``), so a reconciliation that runs while they
pay keeps the total under ``STRIPE_MAX_REQUESTS_PER_S``.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select

from marketplace import clock
from marketplace.extensions import db
from marketplace.payments import gateway
from marketplace.payouts import ratelimit
from marketplace.payouts.models import Payout, PayoutDifference, PayoutState

KINDS = ("missing_at_gateway", "amount_differs", "not_marked_paid", "duplicate_transfer", "unknown_transfer")
WINDOW = timedelta(days=7)
PREFIX = "payout-"


def fetch(window: timedelta = WINDOW) -> list[gateway.Transfer]:
    """The gateway's transfers around the last ``window``, each page's request paced by the
    shared bucket. Commits the bucket's tiny transactions: call it before the unit of work."""
    now = clock.now()
    return gateway.list_transfers(now - window - timedelta(days=1), now + timedelta(days=1),
                                  pace=ratelimit.Pacer(top_up=1).wait)


def reconcile(transfers: list[gateway.Transfer], window: timedelta = WINDOW) -> list[PayoutDifference]:
    """Compare the last ``window`` of paid payouts with ``transfers`` (from :func:`fetch`);
    store and return the differences (only flushed: the job commits)."""
    now = clock.now()
    by_group: dict[str, list[gateway.Transfer]] = defaultdict(list)
    for transfer in transfers:
        if transfer.transfer_group and transfer.transfer_group.startswith(PREFIX):
            by_group[transfer.transfer_group].append(transfer)
    paid = list(db.session.scalars(select(Payout).where(Payout.state == PayoutState.PAID,
                                                        Payout.paid_at >= now - window)))
    found: list[PayoutDifference] = []

    def differ(kind: str, payout_id: int | None, transfer_id: str, detail: str) -> None:
        found.append(PayoutDifference(found_at=now, kind=kind, payout_id=payout_id, transfer_id=transfer_id,
                                      detail=detail))

    for payout in paid:
        group = by_group.get(payout.idempotency_key, [])
        mine = [t for t in group if t.id == payout.transfer_id]
        if not mine:
            differ("missing_at_gateway", payout.id, payout.transfer_id or "",
                   f"paid with {payout.transfer_id}, which the gateway does not list")
        elif mine[0].amount_cents != payout.amount_cents or mine[0].currency != payout.currency:
            differ("amount_differs", payout.id, mine[0].id,
                   f"payout {payout.amount_cents} {payout.currency}, transfer {mine[0].amount_cents} {mine[0].currency}")
        if len(group) > 1:
            differ("duplicate_transfer", payout.id, ", ".join(t.id for t in group),
                   f"{len(group)} transfers for one payout")
    paid_keys = {p.idempotency_key for p in paid}
    for group, listed in by_group.items():
        if group in paid_keys:
            continue
        payout = db.session.scalar(select(Payout).where(Payout.idempotency_key == group))
        if payout is None:
            differ("unknown_transfer", None, ", ".join(t.id for t in listed), f"group {group} names no payout")
        elif payout.state != PayoutState.PAID:
            differ("not_marked_paid", payout.id, ", ".join(t.id for t in listed), f"payout is {payout.state}")
        elif len(listed) > 1:
            differ("duplicate_transfer", payout.id, ", ".join(t.id for t in listed),
                   f"{len(listed)} transfers for one payout")
    found.sort(key=lambda d: d.payout_id or 0)  # rows referenced in id order, as runners book them
    db.session.add_all(found)
    db.session.flush()
    return found
