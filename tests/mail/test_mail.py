"""Mail goes out after the commit, through real SMTP, and a failure never undoes the action."""
import logging

import pytest

from marketplace import mail, outbox
from marketplace.auth.models import User
from marketplace.extensions import db
from tests.factories import make_user


def test_queued_mail_is_sent_only_after_commit_as_text_and_html(app, smtp_sink):
    user = make_user("creator")
    mail.queue_mail(user.email, "Your brief opened · 简报已开放", "Plain words",
                    "<p>Rich <b>words</b></p>")
    mail.wait_for_deliveries()
    assert smtp_sink.messages == []  # not before the commit

    db.session.commit()

    [received] = smtp_sink.wait_for(1)
    assert received.recipients == [user.email] and received.to == user.email
    assert received.subject == "Your brief opened · 简报已开放"
    assert received.message["From"] == app.config["MAIL_FROM"]
    assert received.text.strip() == "Plain words"
    assert "<b>words</b>" in received.html
    assert received.message["Message-ID"] and received.message["Date"]


def test_text_only_mail_has_no_html_part(smtp_sink):
    mail.queue_mail("someone@example.com", "Hi", "Just text")
    db.session.commit()
    [received] = smtp_sink.wait_for(1)
    assert received.html is None and received.text.strip() == "Just text"


def test_a_rolled_back_action_sends_nothing(smtp_sink):
    make_user("creator", email="kept@example.com")
    db.session.add(User(email="gone@example.com", password_hash="x", display_name="Gone", role="creator"))
    mail.queue_mail("gone@example.com", "Welcome", "You will never read this")
    db.session.rollback()
    db.session.commit()  # a later commit must not pick up the dropped mail
    mail.wait_for_deliveries()
    assert smtp_sink.messages == []


def test_a_delivery_failure_is_logged_and_the_action_stays(app, smtp_sink, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_SECURITY", "starttls")  # the sink offers no STARTTLS
    db.session.add(User(email="new@example.com", password_hash="x", display_name="New", role="creator"))
    mail.queue_mail("new@example.com", "Welcome", "Hello")
    with caplog.at_level(logging.ERROR):
        db.session.commit()
        mail.wait_for_deliveries()
    assert "'Welcome' to new@example.com was not delivered" in caplog.text
    assert smtp_sink.messages == []
    # Kept for a retry by the outbox, not lost.
    waiting = [item for item in outbox.service.waiting() if item.kind == "mail.send"]
    assert [item.payload["to"] for item in waiting] == ["new@example.com"]
    db.session.expire_all()
    assert db.session.scalar(db.select(User).where(User.email == "new@example.com")) is not None


def test_an_unreachable_server_is_logged_not_raised(app, monkeypatch, caplog):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "MAIL_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", closed_port)
    monkeypatch.setitem(app.config, "MAIL_SECURITY", "none")
    mail.queue_mail("x@example.com", "Ping", "Hello")
    with caplog.at_level(logging.ERROR):
        db.session.commit()
        mail.wait_for_deliveries()
    assert "'Ping' to x@example.com was not delivered" in caplog.text


def test_without_a_mail_host_development_writes_the_mail_to_the_log(app, caplog):
    assert app.config["MAIL_HOST"] == ""
    with caplog.at_level(logging.WARNING):
        mail.deliver({"to": "lin@example.com", "subject": "Reset", "text": "Open https://x/reset/abc",
                      "html": None})
    assert "Mail not sent (PAPPUS_MAIL_HOST is empty)" in caplog.text
    assert "To: lin@example.com" in caplog.text and "Open https://x/reset/abc" in caplog.text


def test_a_line_break_in_a_header_is_refused_not_sent(smtp_sink):
    with pytest.raises(ValueError):
        mail.deliver({"to": "a@example.com", "subject": "Hi\r\nBcc: victim@example.com", "text": "x"})
    assert smtp_sink.messages == []


def test_an_unknown_security_mode_is_refused(app, smtp_sink, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SECURITY", "tls-please")
    with pytest.raises(ValueError, match="PAPPUS_MAIL_SECURITY"):
        mail.deliver({"to": "a@example.com", "subject": "Hi", "text": "x"})


def test_links_in_mail_use_the_configured_address_not_the_request_host(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://pappus.example.com/")
    with app.test_request_context("/password/forgot", headers={"Host": "evil.example.net"}):
        assert mail.external_url("auth.login") == "https://pappus.example.com/login"
    assert mail.external_url("auth.login") == "https://pappus.example.com/login"  # no request


def test_without_a_base_url_links_need_a_request(app):
    with app.test_request_context("/", base_url="http://localhost:5000"):
        assert mail.external_url("auth.login") == "http://localhost:5000/login"
    with pytest.raises(RuntimeError, match="PAPPUS_BASE_URL"):
        mail.external_url("auth.login")


def test_render_writes_in_the_recipients_language(app):
    from flask_babel import lazy_gettext as _l

    user = make_user("creator", locale="zh_Hans")
    assert mail.recipient_locale(user) == "zh_Hans"
    message = mail.render("auth/mail/reset", "zh_Hans", _l("Reset your Pappus password"),
                          user=user, link="https://x/reset/abc", minutes=60)
    assert message["subject"] == "重置你的 Pappus 密码"
    assert "https://x/reset/abc" in message["text"] and "60" in message["text"]
    assert 'href="https://x/reset/abc"' in message["html"]


def test_a_mail_left_by_a_crash_after_commit_is_sent_by_the_sweep(app, smtp_sink, monkeypatch):
    """The mail is a work item written with the action: if the process dies between the
    commit and the delivery, the next sweep sends it."""
    from marketplace.outbox import service as outbox_service

    monkeypatch.setattr(outbox_service, "run_items", lambda ids: None)  # the crash
    mail.queue_mail("later@example.com", "Still coming", "Hello")
    db.session.commit()
    mail.wait_for_deliveries()
    assert smtp_sink.messages == []
    monkeypatch.undo()
    outbox.sweep()
    assert [m.to for m in smtp_sink.wait_for(1)] == ["later@example.com"]
