"""New accounts confirm their email address by a mailed link; brands need it to open a brief."""
import re
from datetime import timedelta

from sqlalchemy import select

from marketplace import mail
from marketplace.auth.models import User
from marketplace.briefs.models import Brief
from marketplace.extensions import db
from tests.factories import make_brand, make_brief


def _signup(client, **overrides):
    data = {"role": "brand", "display_name": "GlowLab", "email": "team@glowlab.example.com",
            "password": "a-long-password", "confirm": "a-long-password"}
    data.update(overrides)
    return client.post("/signup", data=data, follow_redirects=True)


def _confirm_path(received) -> str:
    url = re.search(r"https?://\S+/email/confirm/\S+", received.text).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _user():
    db.session.expire_all()
    return db.session.scalar(select(User))


def test_sign_up_mails_a_link_that_confirms_the_address(client, smtp_sink):
    page = _signup(client).get_data(as_text=True)
    assert "We sent a link to team@glowlab.example.com" in page
    assert _user().email_verified_at is None

    [received] = smtp_sink.wait_for(1)
    assert received.to == "team@glowlab.example.com"
    assert received.subject == "Confirm your email address for Pappus"
    assert "Hello GlowLab," in received.text and "works for 7 days" in received.text
    path = _confirm_path(received)

    shown = client.get(path)  # opening the link (or a mail scanner fetching it) changes nothing
    assert shown.status_code == 200 and "Confirm my email address" in shown.get_data(as_text=True)
    assert _user().email_verified_at is None

    confirmed = client.post(path, follow_redirects=True)
    assert "your email address is confirmed" in confirmed.get_data(as_text=True)
    assert _user().email_verified_at is not None
    account = client.get("/account").get_data(as_text=True)
    assert "Confirmed" in account and "Send the link again" not in account


def test_the_link_works_logged_out_too_and_expires(app, client, smtp_sink, frozen_clock):
    _signup(client)
    path = _confirm_path(smtp_sink.wait_for(1)[0])
    stranger = app.test_client()
    frozen_clock.advance(timedelta(days=7, seconds=1))
    late = stranger.post(path)
    assert late.status_code == 410 and "may have expired" in late.get_data(as_text=True)
    assert _user().email_verified_at is None


def test_a_confirmation_link_from_another_address_does_not_confirm(client, smtp_sink):
    """Links name the address they were sent to: a changed address needs its own link."""
    _signup(client)
    path = _confirm_path(smtp_sink.wait_for(1)[0])
    user = _user()
    user.email = "moved@glowlab.example.com"
    db.session.commit()
    assert client.post(path).status_code == 410
    assert _user().email_verified_at is None


def test_the_account_page_offers_a_throttled_resend(client, smtp_sink, frozen_clock):
    _signup(client)
    page = client.get("/account").get_data(as_text=True)
    assert "Not confirmed yet" in page and "Send the link again" in page
    for _ in range(2):
        response = client.post("/account/email/resend", follow_redirects=True)
        assert "We sent a new link to team@glowlab.example.com." in response.get_data(as_text=True)
    smtp_sink.wait_for(3)
    refused = client.post("/account/email/resend", follow_redirects=True).get_data(as_text=True)
    assert "We have sent you 3 links in the last hour" in refused and "ask again in 60 minutes" in refused
    mail.wait_for_deliveries()
    assert len(smtp_sink.messages) == 3
    frozen_clock.advance(timedelta(minutes=61))
    client.post("/account/email/resend")
    smtp_sink.wait_for(4)


def test_a_confirmed_address_needs_no_resend(client, login_as, smtp_sink):
    login_as("creator")
    response = client.post("/account/email/resend", follow_redirects=True)
    assert "already confirmed" in response.get_data(as_text=True)
    mail.wait_for_deliveries()
    assert smtp_sink.messages == []


def test_the_mail_is_in_the_language_of_the_sign_up_page(client, smtp_sink):
    client.set_cookie("pappus_lang", "zh_Hans")
    _signup(client)
    received = smtp_sink.wait_for(1)[0]
    assert received.subject == "确认你在 Pappus 的邮箱地址"
    assert _user().locale == "zh_Hans"


def test_an_unconfirmed_brand_can_draft_but_not_open_a_brief_and_is_told_why(client, login_as, frozen_clock):
    brand = make_brand()
    brand.user.email_verified_at = None
    db.session.commit()
    brief = make_brief(brand, state="draft")
    login_as(brand.user)
    page = client.post(f"/briefs/{brief.id}/open", follow_redirects=True).get_data(as_text=True)
    assert f"Confirm your email address before opening a brief: open the link we sent to {brand.user.email}" in page
    assert "send a new one from your account page" in page
    assert db.session.get(Brief, brief.id).state == "draft"

    brand.user.email_verified_at = frozen_clock.now()
    db.session.commit()
    client.post(f"/briefs/{brief.id}/open")
    assert db.session.get(Brief, brief.id).state == "open"


def test_staff_created_from_the_command_line_are_confirmed(runner):
    result = runner.invoke(args=["users", "create-staff", "ops@pappus.example.com"],
                           input="staff-secret-1\nstaff-secret-1\n")
    assert result.exit_code == 0, result.output
    assert _user().email_verified_at is not None


def test_demo_accounts_are_confirmed(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    unconfirmed = db.session.scalars(select(User.email).where(User.email_verified_at.is_(None))).all()
    assert unconfirmed == []
