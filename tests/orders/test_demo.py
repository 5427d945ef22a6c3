"""Demo orders: one in each main state between the demo brands and creators, through the
services (the money in the ledger), made once however often the demo is loaded."""
from sqlalchemy import func, select

from marketplace.cases import scanning
from marketplace.cases.models import AuditCase
from marketplace.demo import load_demo
from marketplace.extensions import db
from marketplace.ledger import service as ledger
from marketplace.ledger.verify import verify
from marketplace.metrics.models import MetricReport, SettlementSnapshot
from marketplace.notes.models import Note
from marketplace.orders.demo import demo_orders
from marketplace.orders.models import Order
from marketplace.payouts.models import Payout


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_orders_are_made_once_with_their_money_in_the_ledger(app):
    for _ in range(2):
        load_demo()
        db.session.commit()
    orders = demo_orders()
    assert [o.state for o in orders] == ["invited", "applied", "accepted", "in_review", "published",
                                        "payout_scheduled"]
    assert _count(Order) == 6 and len({o.creator_id for o in orders}) > 1
    published, settled = orders[4], orders[5]
    assert published.note_id and settled.note_id and orders[3].latest_draft is not None
    assert _count(MetricReport) == 2 and _count(SettlementSnapshot) == 1 and _count(Payout) == 1
    payout = db.session.scalar(select(Payout))
    assert payout.order_id == settled.id and payout.state == "due" and payout.amount_cents > 0
    # Held from acceptance on; the settled order's escrow is empty again.
    for order in orders[2:5]:
        assert ledger.order_escrow(order.id).cents > 0
    assert ledger.order_escrow(settled.id).cents == 0
    with db.engine.connect() as conn:
        assert verify(conn).ok


def test_demo_opens_one_audit_case_once(app):
    """The demo's unfiled-ad note is scanned (as the outbox does after the commit) into one case."""
    for _ in range(2):
        load_demo()
        db.session.commit()
    scanning.scan_notes(list(db.session.scalars(select(Note.id))))
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AuditCase).where(AuditCase.state == "open")) == 1
