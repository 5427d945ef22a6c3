"""The ledger's movements as the orders, payouts and webhook code will call them."""
import pytest
from sqlalchemy import func, select

from marketplace.errors import Conflict, Invalid
from marketplace.extensions import db
from marketplace.ledger import service as ledger
from marketplace.ledger.models import AccountKind, Entry, Transaction
from marketplace.money import Money
from tests.factories import make_brand, make_creator


def cny(yuan: float) -> Money:
    return Money(round(yuan * 100), "CNY")


def counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(Transaction)),
            db.session.scalar(select(func.count()).select_from(Entry)))


@pytest.fixture
def brand():
    return make_brand()


@pytest.fixture
def funded(brand):
    ledger.credit_topup(brand.id, cny(500), "topup-1")
    db.session.commit()
    return brand


def test_a_topup_credits_the_brand_from_the_gateway(brand):
    txn = ledger.credit_topup(brand.id, cny(500), "topup-1", actor="system:webhook")
    db.session.commit()
    assert ledger.brand_balance(brand.id, "CNY") == (cny(500), cny(0))
    assert sorted(e.amount for e in txn.entries) == [-50000, 50000]
    assert txn.actor == "system:webhook" and txn.currency == "CNY"
    cash = ledger.find_account(AccountKind.GATEWAY_CASH, 0, "CNY")
    assert ledger.balance(cash) == cny(-500)


def test_the_same_topup_twice_books_once(brand):
    first = ledger.credit_topup(brand.id, cny(500), "topup-1")
    db.session.commit()
    again = ledger.credit_topup(brand.id, cny(500), "topup-1")
    db.session.commit()
    assert again.id == first.id
    assert ledger.brand_balance(brand.id, "CNY")[0] == cny(500)
    assert counts() == (1, 2)


def test_a_reference_reused_for_another_amount_is_refused(brand):
    ledger.credit_topup(brand.id, cny(500), "topup-1")
    db.session.commit()
    with pytest.raises(Conflict, match="topup-1 is already booked"):
        ledger.credit_topup(brand.id, cny(5), "topup-1")


def test_hold_moves_money_into_the_orders_escrow(funded):
    ledger.hold(funded.id, 7, cny(330), "order-7-hold")
    db.session.commit()
    assert ledger.brand_balance(funded.id, "CNY") == (cny(170), cny(330))
    assert ledger.order_escrow(7) == cny(330)


def test_a_short_balance_refuses_the_hold_with_the_amount_missing_and_changes_nothing(funded):
    before = counts()
    with pytest.raises(Conflict) as refused:
        ledger.hold(funded.id, 7, cny(620), "order-7-hold")
    assert "short by CN¥120.00" in refused.value.reason
    assert isinstance(refused.value, ledger.InsufficientFunds)
    assert (refused.value.short, refused.value.has, refused.value.needs) == (cny(120), cny(500), cny(620))
    assert "CN¥500.00 available" in refused.value.reason
    assert counts() == before
    assert ledger.find_account(AccountKind.ORDER_ESCROW, 7, "CNY") is None  # not even opened
    assert ledger.brand_balance(funded.id, "CNY") == (cny(500), cny(0))


def test_a_brand_that_never_topped_up_is_short_by_the_whole_amount(brand):
    with pytest.raises(Conflict, match="short by CN¥10.00"):
        ledger.hold(brand.id, 7, cny(10), "order-7-hold")


def test_a_retried_hold_is_not_refused_for_the_money_it_already_moved(funded):
    first = ledger.hold(funded.id, 7, cny(400), "order-7-hold")
    db.session.commit()
    assert ledger.hold(funded.id, 7, cny(400), "order-7-hold").id == first.id
    assert ledger.brand_balance(funded.id, "CNY") == (cny(100), cny(400))


def test_release_and_refund_go_back_to_the_brand_that_was_held(funded):
    other = make_brand()
    ledger.hold(funded.id, 7, cny(300), "order-7-hold")
    ledger.release(7, cny(50), "order-7-release-bonus")
    ledger.refund(7, cny(200), "order-7-refund")
    db.session.commit()
    assert ledger.brand_balance(funded.id, "CNY") == (cny(450), cny(50))
    assert ledger.brand_balance(other.id, "CNY") == (cny(0), cny(0))
    with pytest.raises(Conflict, match="Order 7 holds CN¥50.00 in escrow; this needs CN¥60.00"):
        ledger.refund(7, cny(60), "order-7-refund-2")


def test_settle_pays_the_creator_and_the_platform_from_escrow(funded):
    creator = make_creator()
    fee, service_fee = ledger.split(cny(330), 9091)  # 300 + 30, parts add up
    assert (fee, service_fee) == (cny(300), cny(30))
    ledger.hold(funded.id, 7, cny(330), "order-7-hold")
    txn = ledger.settle(7, creator.id, fee, service_fee, cny(15), "order-7-settle")
    db.session.commit()
    assert ledger.order_escrow(7) == cny(0)
    payable = ledger.find_account(AccountKind.CREATOR_PAYABLE, creator.id, "CNY")
    revenue = ledger.find_account(AccountKind.PLATFORM_REVENUE, 0, "CNY")
    assert ledger.balance(payable) == cny(285)
    assert ledger.balance(revenue) == cny(45)
    assert len(txn.entries) == 3 and sum(e.amount for e in txn.entries) == 0


def test_settle_refuses_more_than_the_escrow_holds(funded):
    creator = make_creator()
    ledger.hold(funded.id, 7, cny(100), "order-7-hold")
    with pytest.raises(Conflict, match="short by CN¥10.00"):
        ledger.settle(7, creator.id, cny(100), cny(10), cny(0), "order-7-settle")
    with pytest.raises(Conflict, match="Nothing is held for order 8"):
        ledger.settle(8, creator.id, cny(1), cny(0), cny(0), "order-8-settle")


def test_pay_creator_moves_payable_to_paid_out_and_never_twice(funded):
    creator = make_creator()
    ledger.hold(funded.id, 7, cny(100), "order-7-hold")
    ledger.settle(7, creator.id, cny(100), cny(0), cny(0), "order-7-settle")
    ledger.pay_creator(creator.id, cny(100), "payout-1")
    db.session.commit()
    assert ledger.pay_creator(creator.id, cny(100), "payout-1")  # the same payout: booked once
    assert ledger.creator_balance(creator.id, "CNY") == (cny(0), cny(100))
    with pytest.raises(Conflict, match="The creator is owed CN¥0.00"):
        ledger.pay_creator(creator.id, cny(100), "payout-2")


def test_a_booking_never_mixes_currencies(funded):
    ledger.hold(funded.id, 7, cny(100), "order-7-hold")
    with pytest.raises(Invalid, match="held in CNY, not USD"):
        ledger.release(7, Money(100, "USD"), "order-7-release")
    with pytest.raises(Invalid, match="held in CNY, not USD"):
        ledger.hold(funded.id, 7, Money(100, "USD"), "order-7-hold-usd")
    with pytest.raises(Invalid, match="cannot mix currencies"):
        ledger.settle(7, make_creator().id, cny(50), Money(5, "USD"), cny(0), "order-7-settle")


def test_balances_are_kept_per_currency(brand):
    ledger.credit_topup(brand.id, cny(10), "topup-1")
    ledger.credit_topup(brand.id, Money(700, "USD"), "topup-2")
    db.session.commit()
    assert ledger.brand_balance(brand.id, "USD") == (Money(700, "USD"), Money(0, "USD"))
    assert ledger.brand_balance(brand.id, "CNY")[0] == cny(10)


@pytest.mark.parametrize("amount, message", [
    (Money(0, "CNY"), "more than zero"),
    (Money(-5, "CNY"), "more than zero"),
    (Money(5, "EUR"), "not a currency Pappus handles"),
])
def test_bad_amounts_are_invalid(brand, amount, message):
    with pytest.raises(Invalid, match=message):
        ledger.credit_topup(brand.id, amount, "topup-1")


def test_unknown_owners_and_empty_references_are_invalid(brand):
    with pytest.raises(Invalid, match="no brand 999"):
        ledger.credit_topup(999, cny(1), "topup-1")
    with pytest.raises(Invalid, match="reference"):
        ledger.credit_topup(brand.id, cny(1), "  ")
    with pytest.raises(Invalid, match="no creator 999"):
        ledger.pay_creator(999, cny(1), "payout-1")


def test_an_order_holds_one_brands_money(funded):
    ledger.hold(funded.id, 7, cny(10), "order-7-hold")
    other = make_brand()
    ledger.credit_topup(other.id, cny(10), "topup-2")
    with pytest.raises(Invalid, match="another brand"):
        ledger.hold(other.id, 7, cny(10), "order-7-hold-2")


def test_reverse_books_the_opposite_once(funded):
    txn = ledger.hold(funded.id, 7, cny(100), "order-7-hold")
    db.session.commit()
    reversal = ledger.reverse(txn, memo="held by mistake", actor="staff:1")
    db.session.commit()
    assert reversal.reverses_id == txn.id and reversal.reference == f"txn-{txn.id}"
    assert sorted(e.amount for e in reversal.entries) == sorted(-e.amount for e in txn.entries)
    assert ledger.brand_balance(funded.id, "CNY") == (cny(500), cny(0))
    assert ledger.reverse(txn).id == reversal.id
    with pytest.raises(Conflict, match="cannot be reversed"):
        ledger.reverse(reversal)


def test_a_reversal_cannot_take_back_money_already_spent(funded):
    topup = db.session.scalar(select(Transaction).where(Transaction.reference == "topup-1"))
    ledger.hold(funded.id, 7, cny(450), "order-7-hold")
    db.session.commit()
    with pytest.raises(Conflict, match="short by CN¥450.00"):
        ledger.reverse(topup)


def test_movements_are_newest_first_with_the_balance_after_each(funded):
    ledger.hold(funded.id, 7, cny(100), "order-7-hold")
    ledger.release(7, cny(40), "order-7-release")
    db.session.commit()
    page = ledger.movements((AccountKind.BRAND_AVAILABLE, funded.id))
    assert [(m.txn.kind, m.amount, m.balance_after) for m in page.items] == [
        ("release", cny(40), cny(440)), ("hold", cny(-100), cny(400)), ("topup", cny(500), cny(500))]
    assert [o.account.kind for o in page.items[0].others] == ["order_escrow"]
    assert not page.has_more


def test_movements_come_in_pages(funded, app):
    for n in range(5):
        ledger.hold(funded.id, 7, cny(1), f"order-7-hold-{n}")
    db.session.commit()
    first = ledger.movements((AccountKind.BRAND_AVAILABLE, funded.id), page=1, per_page=4)
    second = ledger.movements((AccountKind.BRAND_AVAILABLE, funded.id), page=2, per_page=4)
    assert first.has_more and not second.has_more
    assert [m.balance_after for m in first.items] == [cny(495), cny(496), cny(497), cny(498)]
    assert [m.balance_after for m in second.items] == [cny(499), cny(500)]
