"""`flask ledger verify` finds books that do not add up, and says what is wrong."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from marketplace import clock
from marketplace.extensions import db
from marketplace.ledger import guard
from marketplace.ledger import service as ledger
from marketplace.ledger.models import AccountKind, Entry, Transaction
from marketplace.ledger.verify import verify
from marketplace.money import Money
from tests.factories import make_brand


@pytest.fixture
def brand():
    brand = make_brand()
    ledger.credit_topup(brand.id, Money(10000, "CNY"), "topup-1")
    db.session.commit()
    return brand


def _account(kind, owner, currency="CNY"):
    return ledger.find_account(kind, owner, currency)


def _raw_transaction(legs, *, kind="hold", reference="raw-1", currency="CNY", reverses_id=None):
    """Write a transaction straight into the tables, bypassing every check in the service:
    what a bug or a hand-typed INSERT could do."""
    txn_id = db.session.execute(Transaction.__table__.insert().values(
        kind=kind, reference=reference, currency=currency, memo="", actor="test", at=clock.now(),
        reverses_id=reverses_id).returning(Transaction.__table__.c.id)).scalar_one()
    db.session.execute(Entry.__table__.insert(), [
        {"transaction_id": txn_id, "account_id": account_id, "currency": entry_currency, "amount": amount}
        for account_id, entry_currency, amount in legs])
    return txn_id


def test_clean_books_verify(brand, runner):
    ledger.hold(brand.id, 7, Money(4000, "CNY"), "order-7-hold")
    db.session.commit()
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Ledger OK: 2 transactions, 4 entries, 3 accounts")


def test_an_unbalanced_transaction_is_reported(brand):
    available = _account(AccountKind.BRAND_AVAILABLE, brand.id)
    _raw_transaction([(available.id, "CNY", 500), (_account(AccountKind.GATEWAY_CASH, 0).id, "CNY", -400)])
    report = verify(db.session)
    assert not report.ok
    assert "transactions whose entries do not sum to zero (1)" in report.summary()


def test_a_lone_entry_is_reported(brand):
    _raw_transaction([(_account(AccountKind.GATEWAY_CASH, 0).id, "CNY", -400)])
    assert "fewer than two entries" in verify(db.session).summary()


def test_a_brand_balance_below_zero_is_reported(brand):
    available = _account(AccountKind.BRAND_AVAILABLE, brand.id)
    cash = _account(AccountKind.GATEWAY_CASH, 0)
    _raw_transaction([(available.id, "CNY", -20000), (cash.id, "CNY", 20000)])
    summary = verify(db.session).summary()
    assert "accounts below zero" in summary and f"brand_available, {brand.id}, CNY, -10000" in summary


def test_a_currency_mixed_into_an_account_is_refused_or_reported(brand):
    available = _account(AccountKind.BRAND_AVAILABLE, brand.id)
    cash = _account(AccountKind.GATEWAY_CASH, 0)
    if db.engine.dialect.name == "postgresql":
        # The composite foreign keys (account, currency) and (transaction, currency) refuse it.
        with pytest.raises(IntegrityError):
            _raw_transaction([(available.id, "USD", 100), (cash.id, "USD", -100)], currency="USD")
        return
    _raw_transaction([(available.id, "USD", 100), (cash.id, "CNY", -100)], currency="CNY")
    summary = verify(db.session).summary()
    assert "account is missing or in another currency" in summary
    assert "transaction is missing or in another currency" in summary


def test_a_reversal_that_does_not_undo_its_original_is_reported(brand):
    topup = db.session.scalar(db.select(Transaction))
    available = _account(AccountKind.BRAND_AVAILABLE, brand.id)
    cash = _account(AccountKind.GATEWAY_CASH, 0)
    _raw_transaction([(available.id, "CNY", -100), (cash.id, "CNY", 100)], kind="reversal",
                     reference=f"txn-{topup.id}", reverses_id=topup.id)
    assert "reversals that do not name what they reverse, or do not exactly undo it" in verify(db.session).summary()
    db.session.rollback()
    ledger.reverse(topup)
    assert verify(db.session).ok


@pytest.fixture
def committed_damage(brand):
    """Unbalanced books, committed (the command reads through its own connection). Removed
    afterwards, guard lifted deliberately, before the suite's own check of the books."""
    available = _account(AccountKind.BRAND_AVAILABLE, brand.id)
    _raw_transaction([(available.id, "CNY", 500), (_account(AccountKind.GATEWAY_CASH, 0).id, "CNY", -1)])
    db.session.commit()
    yield
    with db.engine.begin() as conn:
        guard.lift(conn)
        conn.execute(text("DELETE FROM ledger_entries WHERE transaction_id IN "
                          "(SELECT id FROM ledger_transactions WHERE reference = 'raw-1')"))
        conn.execute(text("DELETE FROM ledger_transactions WHERE reference = 'raw-1'"))
        guard.install(conn)


def test_the_command_prints_what_is_wrong_and_fails(committed_damage, runner):
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    assert "Ledger NOT OK" in result.output
    assert "transactions whose entries do not sum to zero (1)" in result.output
