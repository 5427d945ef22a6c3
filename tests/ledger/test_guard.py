"""Bookings are append-only, and the database itself refuses to edit or remove one."""
import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from marketplace.extensions import db
from marketplace.ledger import guard
from marketplace.ledger import service as ledger
from marketplace.money import Money
from tests.factories import make_brand

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def booked():
    brand = make_brand()
    txn = ledger.credit_topup(brand.id, Money(50000, "CNY"), "topup-1")
    db.session.commit()
    return brand, txn


@pytest.mark.parametrize("statement", [
    "UPDATE ledger_entries SET amount = amount * 2",
    "DELETE FROM ledger_entries",
    "UPDATE ledger_transactions SET reference = 'topup-2'",
    "DELETE FROM ledger_transactions",
])
def test_the_database_refuses_to_change_a_booking(booked, statement):
    brand, _txn = booked
    with pytest.raises(DatabaseError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(text(statement))
    assert ledger.brand_balance(brand.id, "CNY")[0] == Money(50000, "CNY")


def test_an_edit_through_the_orm_is_refused_too(booked):
    _brand, txn = booked
    txn.entries[0].amount = 1
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_emptying_the_tables_wholesale_is_refused(booked):
    # PostgreSQL's TRUNCATE skips row triggers, so it has a statement trigger of its own;
    # SQLite has no TRUNCATE (its "truncate optimisation" of DELETE is off when triggers exist).
    statement = ("TRUNCATE ledger_entries, ledger_transactions CASCADE"
                 if db.engine.dialect.name == "postgresql" else "DELETE FROM ledger_entries WHERE 1")
    with pytest.raises(DatabaseError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(text(statement))


def test_the_migration_installs_the_same_guard():
    path = next((ROOT / "migrations" / "versions").glob("*_ledger.py"))
    spec = importlib.util.spec_from_file_location("ledger_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.LEDGER_GUARD_SQLITE == guard.install_statements("sqlite")
    assert migration.LEDGER_GUARD_POSTGRES == guard.install_statements("postgresql")
