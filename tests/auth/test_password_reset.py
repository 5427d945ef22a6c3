"""Forgot password: a mailed, expiring, single-use link that reveals nothing about who has an account."""
import re
from datetime import timedelta

from sqlalchemy import func, select

from marketplace import mail
from marketplace.auth.models import MailRequest, User
from marketplace.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user

NEW_PASSWORD = "a-brand-new-secret"


def _ask(client, email, **kwargs):
    return client.post("/password/forgot", data={"email": email}, **kwargs)


def _link_path(received) -> str:
    url = re.search(r"https?://\S+/password/reset/\S+", received.text).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _login(client, email, password, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_the_login_page_links_to_forgot_password(client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


def test_a_reset_link_is_mailed_and_sets_a_new_password(client, smtp_sink):
    make_user("creator", email="lin@example.com", display_name="Lin")
    page = _ask(client, "Lin@Example.com").get_data(as_text=True)
    assert "If an account uses Lin@Example.com, we have sent it a link" in page

    [received] = smtp_sink.wait_for(1)
    assert received.to == "lin@example.com" and received.subject == "Reset your Pappus password"
    assert "Hello Lin," in received.text and "works once, for 60 minutes" in received.text
    path = _link_path(received)
    assert f'href="http://localhost{path}"' in received.html

    form = client.get(path)
    assert form.status_code == 200 and "Choose a new password" in form.get_data(as_text=True)
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True)
    assert "Log in with your new password." in done.get_data(as_text=True)
    assert _login(client, "lin@example.com", DEFAULT_PASSWORD).status_code == 401
    assert _login(client, "lin@example.com", NEW_PASSWORD).status_code == 302


def test_an_unknown_address_gets_the_same_page_and_no_mail(client, smtp_sink):
    make_user("creator", email="lin@example.com")
    known = _ask(client, "lin@example.com")
    unknown = _ask(client, "ghost@example.com")
    assert known.status_code == unknown.status_code == 200
    assert (known.get_data(as_text=True).replace("lin@example.com", "X")
            == unknown.get_data(as_text=True).replace("ghost@example.com", "X"))
    mail.wait_for_deliveries()
    assert [m.to for m in smtp_sink.wait_for(1)] == ["lin@example.com"]
    # The same record is kept either way (it is what limits mails per address).
    assert db.session.scalar(select(func.count()).select_from(MailRequest)) == 2


def test_a_link_works_once(client, smtp_sink):
    make_user("creator", email="lin@example.com")
    _ask(client, "lin@example.com")
    path = _link_path(smtp_sink.wait_for(1)[0])
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    again = client.post(path, data={"password": "another-new-secret", "confirm": "another-new-secret"})
    assert again.status_code == 410
    assert "expired or has already been used" in again.get_data(as_text=True)
    assert _login(client, "lin@example.com", NEW_PASSWORD).status_code == 302


def test_a_link_expires(client, smtp_sink, frozen_clock):
    make_user("creator", email="lin@example.com")
    _ask(client, "lin@example.com")
    path = _link_path(smtp_sink.wait_for(1)[0])
    frozen_clock.advance(timedelta(minutes=59))
    assert client.get(path).status_code == 200
    frozen_clock.advance(timedelta(minutes=2))
    expired = client.get(path)
    assert expired.status_code == 410
    assert "Send me a new link" in expired.get_data(as_text=True)


def test_a_forged_or_mangled_link_is_refused(client, smtp_sink):
    user = make_user("creator", email="lin@example.com")
    assert client.get("/password/reset/not-a-token").status_code == 410
    _ask(client, "lin@example.com")
    path = _link_path(smtp_sink.wait_for(1)[0])
    assert client.get(path[:-3] + "abc").status_code == 410
    assert client.post("/password/reset/" + "x" * 5000, data={"password": NEW_PASSWORD,
                                                              "confirm": NEW_PASSWORD}).status_code == 410
    assert db.session.get(User, user.id).password_hash == user.password_hash


def test_the_new_password_follows_the_rules(client, smtp_sink):
    make_user("creator", email="lin@example.com")
    _ask(client, "lin@example.com")
    path = _link_path(smtp_sink.wait_for(1)[0])
    short = client.post(path, data={"password": "short", "confirm": "short"})
    assert short.status_code == 422 and "Use at least 10 characters" in short.get_data(as_text=True)
    mismatch = client.post(path, data={"password": NEW_PASSWORD, "confirm": "something-else"})
    assert "The two passwords do not match" in mismatch.get_data(as_text=True)
    assert client.get(path).status_code == 200  # still usable after refusals


def test_a_reset_logs_out_every_session(app, client, smtp_sink):
    make_user("brand", email="team@example.com")
    laptop = app.test_client()
    _login(laptop, "team@example.com", DEFAULT_PASSWORD)
    phone = app.test_client()
    _login(phone, "team@example.com", DEFAULT_PASSWORD, remember="y")
    remembered = app.test_client()
    remembered.set_cookie("remember_token", phone.get_cookie("remember_token").value)
    assert laptop.get("/brand").status_code == 200

    _ask(client, "team@example.com")
    path = _link_path(smtp_sink.wait_for(1)[0])
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    for browser in (laptop, phone, remembered):
        assert browser.get("/brand").status_code == 302


def test_a_reset_lifts_a_lock_out_and_confirms_the_address(client, smtp_sink, frozen_clock):
    make_user("creator", email="lin@example.com", verified=False)
    for _ in range(5):
        _login(client, "lin@example.com", "wrong-password")
    assert _login(client, "lin@example.com", DEFAULT_PASSWORD).status_code == 429
    _ask(client, "lin@example.com")
    path = _link_path(smtp_sink.wait_for(1)[0])
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert _login(client, "lin@example.com", NEW_PASSWORD).status_code == 302
    assert db.session.scalar(select(User)).email_verified_at is not None


def test_an_address_gets_at_most_three_reset_mails_an_hour(client, smtp_sink, frozen_clock):
    make_user("creator", email="lin@example.com")
    for _ in range(5):
        assert _ask(client, "lin@example.com").status_code == 200
    mail.wait_for_deliveries()
    assert len(smtp_sink.messages) == 3
    frozen_clock.advance(timedelta(hours=1, seconds=1))
    _ask(client, "lin@example.com")
    smtp_sink.wait_for(4)


def test_the_mail_speaks_the_accounts_language(client, smtp_sink):
    make_user("creator", email="lin@example.com", display_name="林", locale="zh_Hans")
    _ask(client, "lin@example.com")  # asked from an English page
    [received] = smtp_sink.wait_for(1)
    assert received.subject == "重置你的 Pappus 密码"
    assert "林" in received.text and "60 分钟" in received.text


def test_without_a_saved_language_the_mail_follows_the_page(client, smtp_sink):
    make_user("creator", email="lin@example.com")
    _ask(client, "lin@example.com", headers={"Accept-Language": "zh-CN"})
    assert smtp_sink.wait_for(1)[0].subject == "重置你的 Pappus 密码"


def test_the_link_uses_the_configured_address_whatever_the_host_header(app, client, smtp_sink, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://pappus.example.com")
    make_user("creator", email="lin@example.com")
    _ask(client, "lin@example.com", headers={"Host": "evil.example.net"})
    text = smtp_sink.wait_for(1)[0].text
    assert "https://pappus.example.com/password/reset/" in text and "evil" not in text
