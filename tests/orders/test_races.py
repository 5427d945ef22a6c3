"""Two people (or two schedulers) acting on one order at the same instant: exactly one wins,
the other is refused with a reason, and the books stay balanced. Threads, each with its own
app context, session and database connection, released together by a barrier."""
from __future__ import annotations

import threading

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.ledger import service as ledger
from marketplace.orders import deadlines, drafts, service
from marketplace.orders.models import Order
from tests.factories import make_brief, make_eligible_creator, make_order, fund_brand


def at_once(app, actions) -> list[tuple[str, str]]:
    barrier, results = threading.Barrier(len(actions)), [None] * len(actions)

    def work(i, action):
        with app.app_context():
            barrier.wait()
            try:
                action()
                db.session.commit()
                results[i] = ("ok", "")
            except DomainError as refusal:
                db.session.rollback()
                results[i] = ("refused", refusal.reason)
            except Exception as error:  # what this test exists to catch
                db.session.rollback()
                results[i] = ("error", repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def fresh(order_id):
    return db.session.get(Order, order_id)


def test_approve_and_cancel_at_once_one_wins(app, ledger_checked):
    order = make_order("in_review")
    order_id, brand_user_id = order.id, order.brand.user_id
    from marketplace.auth.models import User

    def approve():
        drafts.approve(db.session.get(User, brand_user_id), fresh(order_id))

    def cancel():
        service.cancel(db.session.get(User, brand_user_id), fresh(order_id))

    results = at_once(app, [approve, cancel])
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    db.session.expire_all()
    order = fresh(order_id)
    assert order.state in ("approved", "cancelled")
    assert len([e for e in order.events if e.action in ("approve", "cancel")]) == 1
    held = ledger.order_escrow(order_id).cents
    assert held == (order.total_cents if order.state == "approved" else 0)


def test_two_acceptances_for_the_last_slot_one_wins(app, ledger_checked):
    brief = make_brief(slots=1)
    fund_brand(brief.brand)
    first = make_order("invited", brief=brief, funded=False)
    second = make_order("invited", brief=brief, funded=False)
    ids = [(o.id, o.creator.user_id) for o in (first, second)]
    from marketplace.auth.models import User

    results = at_once(app, [lambda i=i, u=u: service.accept(db.session.get(User, u), fresh(i)) for i, u in ids])
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    db.session.expire_all()
    states = sorted(fresh(i).state for i, _ in ids)
    assert states == ["accepted", "invited"]
    _, held = ledger.brand_balance(brief.brand_id, "CNY")
    assert held.cents == first.total_cents


def test_two_sweeps_at_once_apply_each_deadline_once(app, ledger_checked, frozen_clock):
    from datetime import timedelta

    orders = [make_order("invited") for _ in range(3)] + [make_order("in_review") for _ in range(2)]
    frozen_clock.advance(timedelta(days=4))
    results = at_once(app, [deadlines.sweep, deadlines.sweep])
    assert all(r[0] == "ok" for r in results), results
    db.session.expire_all()
    for order in orders:
        order = fresh(order.id)
        assert order.state in ("expired", "approved")
        assert len([e for e in order.events if e.action in ("expire", "approve")]) == 1
