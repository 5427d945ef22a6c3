"""notify(): a row in the caller's transaction and a mail after the commit, in the recipient's
language; the notifications page, the unread count in the navigation, marking read."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from marketplace import mail, outbox
from marketplace.extensions import db
from marketplace.money import Money
from marketplace.notifications import kinds, notify
from marketplace.notifications.models import Notification
from marketplace.outbox.models import OutboxItem
from tests.factories import make_user

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def tell(user, kind="order.invited", **values):
    values = {"brand": "Glow Labs", "brief": "Serum launch", "ref": "PO-1", "fee": Money(50000, "CNY"),
              **values}
    notification = notify(user, kind, link="/orders/1", **values)
    db.session.commit()
    return notification


def test_every_kind_reads_the_same_in_english_and_chinese(app):
    for code, kind in kinds.KINDS.items():
        for text in (kind.subject, kind.sentence):
            english = set(PLACEHOLDER.findall(text._args[0]))
            with force_locale("zh_Hans"):
                chinese = str(text)
            assert chinese != text._args[0], f"{code}: no Chinese for {text._args[0]!r}"
            assert set(PLACEHOLDER.findall(chinese)) == english, code


def test_notify_adds_to_the_callers_transaction(app):
    user = make_user("creator")
    notify(user, "order.invited", link="/orders/1", brand="B", brief="X", ref="PO-1", fee=Money(100, "CNY"))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxItem)) == 0  # no mail either


def test_a_row_keeps_raw_values_and_reads_in_the_readers_language(app):
    user = make_user("creator")
    notification = tell(user)
    assert notification.params["fee"] == {"cents": 50000, "currency": "CNY"}
    assert (notification.user_id, notification.kind, notification.link, notification.read_at) == \
        (user.id, "order.invited", "/orders/1", None)
    from marketplace.notifications.service import sentence

    assert "Glow Labs invited you" in sentence(notification) and "500" in sentence(notification)
    with force_locale("zh_Hans"):
        assert "Glow Labs 邀请你参与需求“Serum launch”" in sentence(notification)


def test_an_unknown_kind_is_a_programming_error(app):
    with pytest.raises(LookupError):
        notify(make_user("creator"), "order.nope")


def test_the_page_lists_mine_newest_first_in_pages(app, client, login_as):
    app.config["NOTIFICATIONS_PER_PAGE"] = 2
    try:
        me, other = login_as("creator"), make_user("brand")
        for ref in ("PO-A", "PO-B", "PO-C"):
            tell(me, ref=ref)
        tell(other, ref="PO-OTHER")
        first = client.get("/notifications/").get_data(as_text=True)
        assert first.index("PO-C") < first.index("PO-B") and "PO-A" not in first and "PO-OTHER" not in first
        assert "?page=2" in first
        second = client.get("/notifications/?page=2").get_data(as_text=True)
        assert "PO-A" in second and "PO-B" not in second
    finally:
        app.config["NOTIFICATIONS_PER_PAGE"] = 20


def test_the_navigation_shows_the_unread_count_with_one_query(app, client, login_as, count_queries):
    me = login_as("creator")
    for _ in range(3):
        tell(me)
    with count_queries() as statements:
        page = client.get("/account").get_data(as_text=True)
    assert re.search(r'unread-count[^>]*>3<', page)
    touching = [s for s in statements if "notifications" in s]
    assert len(touching) == 1 and "count" in touching[0].lower(), touching


def test_no_count_when_all_are_read_and_none_for_visitors(app, client, login_as):
    me = login_as("brand")
    db.session.get(Notification, tell(me).id)
    client.post("/notifications/read-all")
    assert "unread-count" not in client.get("/account").get_data(as_text=True)
    client.post("/logout")
    assert "unread-count" not in client.get("/").get_data(as_text=True)


def test_mark_one_read_and_open_its_link(app, client, login_as):
    me = login_as("creator")
    first, second = tell(me), tell(me)
    response = client.post(f"/notifications/{first.id}/read", data={"open": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/orders/1")
    db.session.expire_all()
    assert db.session.get(Notification, first.id).read_at is not None
    assert db.session.get(Notification, second.id).read_at is None
    assert re.search(r'unread-count[^>]*>1<', client.get("/notifications/").get_data(as_text=True))


def test_mark_all_read(app, client, login_as):
    me, other = login_as("creator"), make_user("creator")
    mine = [tell(me) for _ in range(2)]
    theirs = tell(other)
    assert client.post("/notifications/read-all").status_code == 302
    db.session.expire_all()
    assert all(db.session.get(Notification, n.id).read_at for n in mine)
    assert db.session.get(Notification, theirs.id).read_at is None


def test_someone_elses_notification_cannot_be_marked(app, client, login_as):
    theirs = tell(make_user("creator"))
    login_as("creator")
    response = client.post(f"/notifications/{theirs.id}/read", follow_redirects=True)
    assert "There is no such notification." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None


def test_marking_read_needs_the_csrf_token(app, client, login_as, csrf_enabled):
    mine = tell(login_as("creator"))
    assert client.post(f"/notifications/{mine.id}/read").status_code == 400
    assert client.post("/notifications/read-all").status_code == 400
    db.session.expire_all()
    assert db.session.get(Notification, mine.id).read_at is None


def test_the_mail_is_in_the_recipients_language(app, smtp_sink):
    chinese, english = make_user("creator", locale="zh_Hans"), make_user("creator", locale="en")
    tell(chinese)
    tell(english)
    got = {m.to: m for m in smtp_sink.wait_for(2)}
    zh, en = got[chinese.email], got[english.email]
    assert zh.subject == "新的邀请：Serum launch" and "Glow Labs 邀请你参与需求" in zh.text
    assert en.subject == "New invitation: Serum launch" and "Glow Labs invited you" in en.text
    assert "/orders/1" in en.text and "/orders/1" in (en.html or "")


def test_a_mail_server_that_is_down_loses_nothing_and_is_retried(app, smtp_sink, frozen_clock):
    user = make_user("creator")
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=9)  # refuses connections
    notification = tell(user)
    mail.wait_for_deliveries()
    assert db.session.get(Notification, notification.id) is not None  # the row stays
    item = db.session.scalar(select(OutboxItem))
    assert item.kind == "mail.send" and item.attempts == 1 and item.last_error
    app.config.update(smtp_sink.settings())
    frozen_clock.advance(timedelta(seconds=app.config["OUTBOX_RETRY_SECONDS"]))
    assert outbox.sweep().done == 1
    assert smtp_sink.wait_for(1)[0].to == user.email
