"""Staff ledger pages: accounts with balances, transactions with entries, search, pages."""
import pytest

from marketplace.extensions import db
from marketplace.ledger import service as ledger
from marketplace.ledger.models import AccountKind
from marketplace.money import Money
from tests.factories import make_brand, make_creator


@pytest.fixture
def books():
    glow = make_brand(company_name="GlowLab")
    trail = make_brand(company_name="TrailMate")
    lin = make_creator(handle="lin_writes")
    ledger.credit_topup(glow.id, Money(100000, "CNY"), "topup-1")
    ledger.credit_topup(trail.id, Money(5000, "CNY"), "topup-2")
    ledger.hold(glow.id, 41, Money(33000, "CNY"), "order-41-hold")
    ledger.settle(41, lin.id, Money(30000, "CNY"), Money(3000, "CNY"), Money(0, "CNY"), "order-41-settle")
    db.session.commit()
    return glow, trail, lin


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def test_accounts_page_lists_balances_and_totals(client, staff, books):
    page = client.get("/staff/ledger/").get_data(as_text=True)
    assert "GlowLab" in page and "TrailMate" in page and "@lin_writes" in page
    assert "CN¥670.00" in page   # GlowLab available: 1,000 − 330
    assert "CN¥300.00" in page   # lin's payable
    assert "CN¥-1,050.00" in page or "-CN¥1,050.00" in page  # the gateway's cash: both top-ups came from it
    assert 'class="data stack"' in page and 'data-label="Balance"' in page


def test_accounts_search_by_brand_creator_and_order(client, staff, books):
    glow = client.get("/staff/ledger/?q=glow").get_data(as_text=True)
    assert "GlowLab" in glow and "TrailMate" not in glow and "Order 41 · GlowLab" in glow
    lin = client.get("/staff/ledger/?q=@lin").get_data(as_text=True)
    assert "@lin_writes" in lin and "TrailMate" not in lin
    order = client.get("/staff/ledger/?q=41&kind=order_escrow").get_data(as_text=True)
    assert "Order 41 · GlowLab" in order and "@lin_writes" not in order


def test_transactions_show_their_entries_newest_first(client, staff, books):
    page = client.get("/staff/ledger/transactions").get_data(as_text=True)
    assert page.index("order-41-settle") < page.index("order-41-hold") < page.index("topup-1")
    assert "Settlement" in page and "Platform revenue" in page and "CN¥30.00" in page


def test_transactions_search_by_reference_brand_and_creator(client, staff, books):
    by_ref = client.get("/staff/ledger/transactions?q=topup-2").get_data(as_text=True)
    assert "topup-2" in by_ref and "topup-1" not in by_ref
    by_brand = client.get("/staff/ledger/transactions?q=TrailMate").get_data(as_text=True)
    assert "topup-2" in by_brand and "order-41-hold" not in by_brand
    by_creator = client.get("/staff/ledger/transactions?q=lin_writes").get_data(as_text=True)
    assert "order-41-settle" in by_creator and "topup-1" not in by_creator


def test_an_account_page_lists_its_movements_with_the_balance_after(client, staff, books):
    glow = books[0]
    account = ledger.find_account(AccountKind.BRAND_AVAILABLE, glow.id, "CNY")
    page = client.get(f"/staff/ledger/accounts/{account.id}").get_data(as_text=True)
    assert "GlowLab" in page and "CN¥670.00" in page
    assert "balance after: CN¥670.00" in page and "balance after: CN¥1,000.00" in page


def test_pages_go_back_in_time(app, client, staff, books):
    glow = books[0]
    for n in range(app.config["LEDGER_PAGE_SIZE"]):
        ledger.credit_topup(glow.id, Money(100 + n, "CNY"), f"topup-more-{n}")
    db.session.commit()
    first = client.get("/staff/ledger/transactions").get_data(as_text=True)
    assert "topup-2" not in first and "Older" in first
    second = client.get("/staff/ledger/transactions?page=2").get_data(as_text=True)
    assert "topup-2" in second and "Newer" in second


def test_a_transaction_page_links_a_reversal_both_ways(client, staff, books):
    topup = ledger.credit_topup(books[1].id, Money(100, "CNY"), "topup-3")
    reversal = ledger.reverse(topup, memo="card charged twice")
    db.session.commit()
    original = client.get(f"/staff/ledger/transactions/{topup.id}").get_data(as_text=True)
    assert f"/staff/ledger/transactions/{reversal.id}" in original
    back = client.get(f"/staff/ledger/transactions/{reversal.id}").get_data(as_text=True)
    assert f"/staff/ledger/transactions/{topup.id}" in back and "card charged twice" in back


def test_unknown_ids_are_404(client, staff):
    assert client.get("/staff/ledger/accounts/999").status_code == 404
    assert client.get("/staff/ledger/transactions/999").status_code == 404


def test_the_pages_speak_chinese(client, staff, books):
    page = client.get("/staff/ledger/transactions", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "交易" in page and "结算" in page


@pytest.mark.parametrize("role", ["brand", "creator"])
def test_only_staff_see_the_ledger(client, login_as, role):
    login_as(role)
    assert client.get("/staff/ledger/").status_code == 403


@pytest.mark.parametrize("url", ["/staff/ledger/", "/staff/ledger/transactions"])
def test_ledger_pages_do_not_query_per_row(client, staff, books, url):
    from sqlalchemy import event

    def count_queries():
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    few = count_queries()
    for n in range(6):  # more brands, creators, orders, transactions and accounts
        brand, creator = make_brand(), make_creator()
        ledger.credit_topup(brand.id, Money(1000, "CNY"), f"topup-x{n}")
        ledger.hold(brand.id, 100 + n, Money(500, "CNY"), f"order-{100 + n}-hold")
        ledger.settle(100 + n, creator.id, Money(500, "CNY"), Money(0, "CNY"), Money(0, "CNY"), f"order-{100 + n}-settle")
    db.session.commit()
    assert count_queries() == few
