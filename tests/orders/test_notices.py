"""Every order move where the other side must act or money moves tells them (orders/notices.py):
the right person, the right kind, a link to the order, amounts where money moved, in the
recipient's language, by mail too; and a mail server that is down never undoes the move."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace import mail
from marketplace.extensions import db
from marketplace.notifications import kinds
from marketplace.notifications.models import Notification
from marketplace.orders import deadlines, drafts, notices, service
from marketplace.outbox.models import OutboxItem
from tests.factories import make_order, make_user

pytestmark = pytest.mark.usefixtures("ledger_checked")


def news(order, since: int = 0) -> list[tuple[str, str]]:
    """(who, kind) of the notifications after id ``since``, in order."""
    sides = {order.brand.user_id: "brand", order.creator.user_id: "creator"}
    rows = db.session.scalars(select(Notification).where(Notification.id > since).order_by(Notification.id))
    return [(sides.get(n.user_id, n.user_id), n.kind) for n in rows]


def last_id() -> int:
    return db.session.scalar(select(Notification.id).order_by(Notification.id.desc()).limit(1)) or 0


def test_the_table_names_only_known_kinds_and_gives_every_placeholder():
    given = {"ref", "brief", "brand", "creator", "fee", "total", "refund", "kill_fee"}
    for notice in notices.NOTICES:
        kind = kinds.get(notice.kind)
        needed = set(re.findall(r"%\((\w+)\)s", kind.sentence._args[0] + kind.subject._args[0]))
        assert needed <= given, (notice.kind, needed - given)
        assert set(notice.to) <= {"brand", "creator"}


def test_every_move_but_the_books_own_tells_someone():
    from marketplace.orders import states

    quiet = {"close_metrics", "complete"}  # nobody must act and no money moves
    for transition in states.TRANSITIONS:
        if transition.action in quiet:
            continue
        for actor in transition.actors:
            assert notices.notices_for(transition.action, transition.source, actor), \
                (transition.action, transition.source, actor)


@pytest.mark.parametrize("state, told", [
    ("invited", [("creator", "order.invited")]),
    ("applied", [("brand", "order.applied")]),
])
def test_a_new_order_tells_the_other_side(state, told):
    order = make_order(state)
    assert news(order) == told
    assert db.session.scalar(select(Notification.link)) == f"/orders/{order.id}"


def _staff_cancel(order, brand, creator):
    service.cancel(make_user("staff"), order, "Dispute settled", percent=50)


MOVES = [
    ("invited", "accept", lambda o, b, c: service.accept(c, o), [("brand", "order.accepted")]),
    ("applied", "select", lambda o, b, c: service.select_applicant(b, o), [("creator", "order.selected")]),
    ("invited", "decline", lambda o, b, c: service.decline(c, o), [("brand", "order.invitation_declined")]),
    ("applied", "decline", lambda o, b, c: service.decline(b, o), [("creator", "order.application_declined")]),
    ("invited", "withdraw", lambda o, b, c: service.withdraw(b, o), [("creator", "order.invitation_withdrawn")]),
    ("applied", "withdraw", lambda o, b, c: service.withdraw(c, o), [("brand", "order.application_withdrawn")]),
    ("accepted", "submit", lambda o, b, c: drafts.submit(c, o, "Title", "Body", "beauty"),
     [("brand", "order.draft_submitted")]),
    ("in_review", "revise", lambda o, b, c: drafts.request_revision(b, o, "More light"),
     [("creator", "order.revision_requested")]),
    ("in_review", "approve", lambda o, b, c: drafts.approve(b, o), [("creator", "order.approved")]),
    ("approved", "publish", lambda o, b, c: drafts.publish(c, o), [("brand", "order.published")]),
    ("in_review", "cancel by brand", lambda o, b, c: service.cancel(b, o), [("creator", "order.cancelled")]),
    ("accepted", "cancel by creator", lambda o, b, c: service.cancel(c, o), [("brand", "order.cancelled")]),
    ("published", "cancel by staff", _staff_cancel, [("brand", "order.cancelled"), ("creator", "order.cancelled")]),
]


@pytest.mark.parametrize("state, action, do, told", MOVES, ids=[f"{m[0]}-{m[1]}" for m in MOVES])
def test_each_move_tells_the_other_side(frozen_clock, state, action, do, told):
    order = make_order(state)
    since = last_id()
    do(order, order.brand.user, order.creator.user)
    db.session.commit()
    assert news(order, since) == told
    assert {n.link for n in db.session.scalars(select(Notification).where(Notification.id > since))} == \
        {f"/orders/{order.id}"}


@pytest.mark.parametrize("state, told", [
    ("invited", [("brand", "order.expired"), ("creator", "order.expired")]),
    ("applied", [("brand", "order.expired"), ("creator", "order.expired")]),
    ("in_review", [("brand", "order.auto_approved"), ("creator", "order.auto_approved")]),
    ("accepted", [("brand", "order.draft_missed"), ("creator", "order.draft_missed")]),
])
def test_the_scheduler_tells_both_sides_when_a_deadline_passes(frozen_clock, state, told):
    order = make_order(state)
    since = last_id()
    frozen_clock.advance(timedelta(days=60))
    deadlines.sweep()
    assert news(order, since) == told


def test_a_missed_publish_date_is_told(frozen_clock):
    order = make_order("approved")
    since = last_id()
    frozen_clock.set_now(order.due_at + timedelta(seconds=1))
    deadlines.sweep()
    assert news(order, since) == [("brand", "order.publish_missed"), ("creator", "order.publish_missed")]


def test_the_last_revision_used_tells_both_the_draft_is_approved(app, frozen_clock):
    order = make_order("accepted")
    order.revision_count = app.config["MAX_REVISIONS"]
    db.session.commit()
    since = last_id()
    drafts.submit(order.creator.user, order, "Title", "Body", "beauty")
    db.session.commit()
    assert news(order, since) == [("brand", "order.draft_submitted"), ("brand", "order.auto_approved"),
                                  ("creator", "order.auto_approved")]


def test_a_cancellation_names_the_amounts(app):
    order = make_order("in_review")
    since = last_id()
    service.cancel(order.brand.user, order)
    db.session.commit()
    told = db.session.scalar(select(Notification).where(Notification.id > since))
    percent = app.config["CANCEL_REFUND_IN_REVIEW_PERCENT"]
    fee_back = order.fee_cents * percent // 100
    service_back = order.service_fee_cents * percent // 100
    assert told.params["refund"] == {"cents": fee_back + service_back, "currency": order.currency}
    assert told.params["kill_fee"] == {"cents": order.fee_cents - fee_back, "currency": order.currency}


def test_an_acceptance_tells_the_brand_what_is_held(app):
    order = make_order("invited")
    since = last_id()
    service.accept(order.creator.user, order)
    db.session.commit()
    told = db.session.scalar(select(Notification).where(Notification.id > since))
    assert told.params["total"] == {"cents": order.total_cents, "currency": order.currency}


def test_each_side_is_mailed_in_their_own_language(app, smtp_sink):
    order = make_order("in_review")
    order.creator.user.locale = "zh_Hans"
    order.brand.user.locale = "en"
    db.session.commit()
    mail.wait_for_deliveries()  # the mail of the steps that brought the order here
    smtp_sink.clear()
    drafts.request_revision(order.brand.user, order, "More light, please")
    db.session.commit()
    [revision] = smtp_sink.wait_for(1)
    assert revision.to == order.creator.user.email
    assert revision.subject == f"需要修改：{order.brief.title}"
    assert f"要求修改你为“{order.brief.title}”提交的草稿" in revision.text
    mail.wait_for_deliveries()
    smtp_sink.clear()
    drafts.submit(order.creator.user, order, "Title", "Body", "beauty")
    db.session.commit()
    [submitted] = smtp_sink.wait_for(1)
    assert submitted.to == order.brand.user.email
    assert submitted.subject == f"Draft to review: {order.brief.title}"


def test_a_mail_failure_never_rolls_back_the_order(app, smtp_sink):
    order = make_order("invited")
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=9)  # nothing listens: every send fails
    service.accept(order.creator.user, order)
    db.session.commit()
    mail.wait_for_deliveries()
    db.session.expire_all()
    assert order.state == "accepted"
    assert news(order)[-1] == ("brand", "order.accepted")
    waiting = db.session.scalars(select(OutboxItem).where(OutboxItem.kind == "mail.send")).all()
    assert waiting and all(item.state == "pending" and item.last_error for item in waiting)
