"""The audit pages: who may open each, what staff and creators see, the linter endpoint."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from marketplace.cases.models import AuditCase
from marketplace.extensions import db
from tests.factories import make_brand, make_creator, make_note, make_user

AD_BODY = "Obsessed with the GlowLab serum! Use my code GLOW20 for 20% off, link in bio <script>x</script>"


@pytest.fixture
def case():
    make_brand(company_name="GlowLab")
    note = make_note(title="Night <b>routine</b>", body=AD_BODY)
    return db.session.scalar(select(AuditCase).where(AuditCase.note_id == note.id))


# Every audit route, with who may use it (the generic walk in tests/test_access.py checks the
# same for every route; this pins the audit area's matrix down explicitly).
ROUTES = [
    ("GET", "/staff/audit", {"staff"}),
    ("GET", "/staff/audit/cases/{case}", {"staff"}),
    ("POST", "/staff/audit/cases/{case}/confirm", {"staff"}),
    ("POST", "/staff/audit/cases/{case}/dismiss", {"staff"}),
    ("POST", "/staff/audit/cases/{case}/request-filing", {"staff"}),
    ("POST", "/staff/audit/cases/{case}/appeal", {"staff"}),
    ("POST", "/staff/audit/creators/{creator}/ban", {"staff"}),
    ("POST", "/staff/audit/creators/{creator}/unban", {"staff"}),
    ("GET", "/staff/audit/dashboard", {"staff"}),
    ("POST", "/staff/brands/{brand}/aliases", {"staff"}),
    ("GET", "/my/cases", {"creator"}),
    ("GET", "/my/cases/{case}", {"creator"}),
    ("POST", "/my/cases/{case}/file", {"creator"}),
    ("POST", "/my/cases/{case}/appeal", {"creator"}),
    ("POST", "/my/lint", {"creator"}),
]


@pytest.mark.parametrize("visitor", ["anonymous", "creator", "brand", "staff"])
def test_access_matrix(client, login_as, case, visitor):
    if visitor != "anonymous":
        login_as(case.creator.user if visitor == "creator" else visitor)
    for method, pattern, allowed in ROUTES:
        url = pattern.format(case=case.id, creator=case.creator_id, brand=case.brand_id)
        response = client.open(url, method=method, json={} if url.endswith("lint") else None)
        where = f"{method} {url} as {visitor}: {response.status_code}"
        if visitor in allowed:
            assert response.status_code not in (401, 403), where
            assert "/login" not in response.headers.get("Location", ""), where
        elif visitor == "anonymous":
            assert response.status_code in (302, 401) and "/login" in response.headers.get("Location", "/login"), where
        else:
            assert response.status_code == 403, where


def test_another_creator_cannot_see_the_case(client, login_as, case):
    login_as("creator")
    assert client.get(f"/my/cases/{case.id}").status_code == 404
    assert client.post(f"/my/cases/{case.id}/appeal", data={"text": "x"}).status_code == 404


def test_staff_case_page_marks_the_evidence_and_escapes_the_text(client, login_as, case):
    login_as("staff")
    html = client.get(f"/staff/audit/cases/{case.id}").get_data(as_text=True)
    assert "<mark>GLOW20</mark>" in html or re.search(r"<mark>[^<]*GLOW20", html)
    assert "<mark>link in bio</mark>" in html
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "Night &lt;b&gt;routine&lt;/b&gt;" in html
    assert "Offers a discount or promo code" in html


def test_queue_orders_by_score_and_filters(client, login_as, case):
    weaker = make_note(title="Weaker", body="Try the GlowLab serum, link in bio")
    weaker_case = db.session.scalar(select(AuditCase).where(AuditCase.note_id == weaker.id))
    assert weaker_case is not None and weaker_case.score < case.score
    login_as("staff")
    html = client.get("/staff/audit").get_data(as_text=True)
    assert html.index(f"/staff/audit/cases/{case.id}\"") < html.index(f"/staff/audit/cases/{weaker_case.id}\"")
    html = client.get("/staff/audit?signal=promo_code").get_data(as_text=True)
    assert f"/staff/audit/cases/{case.id}\"" in html and f"/staff/audit/cases/{weaker_case.id}\"" not in html
    html = client.get(f"/staff/audit?creator=@{weaker.creator.handle}").get_data(as_text=True)
    assert f"/staff/audit/cases/{case.id}\"" not in html
    html = client.get("/staff/audit?age=old").get_data(as_text=True)
    assert "No cases waiting" in html


def test_staff_decide_from_the_page_and_the_history_reads_as_sentences(client, login_as, case):
    login_as("staff")
    response = client.post(f"/staff/audit/cases/{case.id}/confirm", data={"reason": ""})
    db.session.expire_all()
    assert case.state == "open"  # a reason is required
    client.post(f"/staff/audit/cases/{case.id}/confirm", data={"reason": "Promo code, no filing."})
    db.session.expire_all()
    assert case.state == "confirmed"
    html = client.get(f"/staff/audit/cases/{case.id}").get_data(as_text=True)
    assert "confirmed the case: the note is an undisclosed ad." in html
    assert response.status_code == 302


def test_creator_sees_why_in_their_language_and_appeals(client, login_as, case):
    staff = make_user("staff")
    from marketplace.cases import service

    service.confirm(staff, case, "ad")
    db.session.commit()
    login_as(case.creator.user)
    html = client.get(f"/my/cases/{case.id}").get_data(as_text=True)
    assert "Offers a discount or promo code" in html and "Send the appeal" in html
    html = client.get(f"/my/cases/{case.id}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "提供了折扣或优惠码" in html
    response = client.post(f"/my/cases/{case.id}/appeal", data={"text": "I bought it myself."})
    assert response.status_code == 302
    db.session.expire_all()
    assert case.appeal_text == "I bought it myself."
    assert "You appealed" in client.get(f"/my/cases/{case.id}").get_data(as_text=True)


def test_dashboard_shows_the_figures(client, login_as, case):
    login_as("staff")
    html = client.get("/staff/audit/dashboard").get_data(as_text=True)
    assert '<span class="stat-value" id="open-cases">1</span>' in html
    assert "<svg" in html and "<rect" in html
    assert "promo_code" in html
    assert "No model trained yet" in html


def test_staff_set_brand_aliases(client, login_as):
    brand = make_brand(company_name="GlowLab")
    login_as("staff")
    client.post(f"/staff/brands/{brand.id}/aliases", data={"aliases": "光研\nGlow Lab Pro, 光研", "reason": "Chinese name"})
    db.session.expire_all()
    assert brand.aliases == ["光研", "Glow Lab Pro"]
    html = client.get(f"/staff/brands/{brand.id}").get_data(as_text=True)
    assert "set the brand&#39;s aliases to: 光研, Glow Lab Pro." in html


def test_lint_warns_with_signals_and_evidence(client, login_as):
    make_brand(company_name="GlowLab")
    creator = make_creator()
    login_as(creator.user)
    response = client.post("/my/lint", json={"title": "Routine", "body": "GlowLab serum, use code GLOW20, link in bio"})
    assert response.status_code == 200
    data = response.get_json()
    assert data["warn"] is True and data["score"] >= data["threshold"]
    codes = {s["code"] for s in data["signals"]}
    assert {"brand", "promo_code", "purchase_call"} <= codes
    evidence = [e for s in data["signals"] for e in s["evidence"] if isinstance(e, dict)]
    assert any(e["text"] == "link in bio" for e in evidence)
    quiet = client.post("/my/lint", json={"title": "Rain", "body": "Dumplings with grandma."}).get_json()
    assert quiet["warn"] is False
    assert client.post("/my/lint", data="not json").status_code == 422
    assert client.post("/my/lint", json={"title": 3}).status_code == 422


def test_lint_refuses_without_the_csrf_token(client, login_as, csrf_enabled):
    login_as(make_creator().user)
    response = client.post("/my/lint", json={"title": "x", "body": "use code GLOW20"})
    assert response.status_code == 400


def test_staff_ban_and_unban_from_the_creator_page(client, login_as):
    creator = make_creator()
    login_as("staff")
    page = client.get(f"/c/{creator.handle}").get_data(as_text=True)
    assert f"/staff/audit/creators/{creator.id}/ban" in page
    client.post(f"/staff/audit/creators/{creator.id}/ban", data={"reason": ""})
    db.session.expire_all()
    assert not creator.is_banned  # no reason, no ban
    client.post(f"/staff/audit/creators/{creator.id}/ban", data={"reason": "Fake giveaways."})
    db.session.expire_all()
    assert creator.is_banned
    page = client.get(f"/c/{creator.handle}").get_data(as_text=True)
    assert f"/staff/audit/creators/{creator.id}/unban" in page and f"banned @{creator.handle}." in page
    client.post(f"/staff/audit/creators/{creator.id}/unban", data={"reason": "Appeal accepted."})
    db.session.expire_all()
    assert not creator.is_banned


def test_a_decision_the_form_refuses_says_why_on_the_case_page(client, login_as, case):
    # The decision buttons redirect back to the case, so a field error must come back as a message.
    login_as("staff")
    page = client.post(f"/staff/audit/cases/{case.id}/dismiss", data={"reason": "x" * 5000},
                       follow_redirects=True).get_data(as_text=True)
    db.session.expire_all()
    assert case.state == "open"
    assert "longer than" in page
