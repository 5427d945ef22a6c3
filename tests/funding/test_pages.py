"""The brand's balance and top-up pages."""
from __future__ import annotations

from marketplace.extensions import db
from marketplace.funding.models import TopUp
from marketplace.ledger import service as ledger
from marketplace.money import Money
from tests.factories import make_brand


def signed_in_brand(login_as, **fields):
    brand = make_brand(**fields)
    login_as(brand.user)
    return brand


def test_the_balance_page_shows_available_held_and_movements_newest_first(client, login_as, app):
    brand = signed_in_brand(login_as)
    ledger.credit_topup(brand.id, Money(100_000, "CNY"), "topup-901")
    ledger.hold(brand.id, 7, Money(30_000, "CNY"), "order-7-hold")
    db.session.commit()
    page = client.get("/brand/balance").get_data(as_text=True)
    assert "CN¥700.00" in page and "CN¥300.00" in page  # available, held
    assert page.index("order-7-hold") < page.index("topup-901")
    assert 'class="data stack"' in page


def test_movements_come_in_pages(client, login_as, app):
    brand = signed_in_brand(login_as)
    app.config["LEDGER_PAGE_SIZE"], before = 2, app.config["LEDGER_PAGE_SIZE"]
    try:
        for n in range(3):
            ledger.credit_topup(brand.id, Money(1_000, "CNY"), f"topup-{900 + n}")
        db.session.commit()
        first = client.get("/brand/balance").get_data(as_text=True)
        assert "topup-902" in first and "topup-900" not in first and "Older" in first
        second = client.get("/brand/balance?page=2").get_data(as_text=True)
        assert "topup-900" in second and "topup-902" not in second
    finally:
        app.config["LEDGER_PAGE_SIZE"] = before


def test_a_top_up_opens_the_card_page_with_stripe_js_allowed_there_only(client, login_as, local_stripe):
    brand = signed_in_brand(login_as)
    answer = client.post("/brand/balance", data={"amount": "250.00"})
    topup = db.session.query(TopUp).one()
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/brand/top-ups/{topup.id}")
    assert (topup.brand_id, topup.amount_cents, topup.currency) == (brand.id, 25_000, "CNY")
    assert topup.payment_intent_id and topup.idempotency_key == f"topup-{topup.id}"

    card_page = client.get(f"/brand/top-ups/{topup.id}")
    html = card_page.get_data(as_text=True)
    assert f'src="{local_stripe.url}/js.stripe.com/v3/"' in html and "data-client-secret" in html
    csp = card_page.headers["Content-Security-Policy"]
    assert f"script-src 'self' {local_stripe.url}" in csp and f"connect-src 'self' {local_stripe.url}" in csp
    other = client.get("/brand/balance").headers["Content-Security-Policy"]
    assert local_stripe.url not in other


def test_an_amount_out_of_range_is_refused_on_the_field(client, login_as, local_stripe):
    signed_in_brand(login_as)
    answer = client.post("/brand/balance", data={"amount": "5"})
    assert answer.status_code == 422 and "Top up between CN¥10.00 and" in answer.get_data(as_text=True)
    assert db.session.query(TopUp).count() == 0


def test_the_gateway_down_is_a_sentence_and_a_retry_button(client, login_as, local_stripe):
    signed_in_brand(login_as)
    local_stripe.fault(status=500, count=20, path_prefix="/v1/payment_intents")
    answer = client.post("/brand/balance", data={"amount": "100"}, follow_redirects=True)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "The payment service is unavailable; nothing was charged." in html and "Try again" in html
    topup = db.session.query(TopUp).one()
    local_stripe.clear_faults()
    client.post(f"/brand/top-ups/{topup.id}/retry")
    assert db.session.get(TopUp, topup.id).payment_intent_id
    assert "data-client-secret" in client.get(f"/brand/top-ups/{topup.id}").get_data(as_text=True)


def test_another_brands_top_up_is_not_found(client, login_as, local_stripe):
    other = make_brand()
    topup = TopUp(brand_id=other.id, amount_cents=1_000, currency="CNY")
    db.session.add(topup)
    db.session.commit()
    signed_in_brand(login_as)
    assert client.get(f"/brand/top-ups/{topup.id}").status_code == 404
