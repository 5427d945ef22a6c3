"""The booking core: find or open accounts, lock what a booking takes money from, read
balances from entries, and write one balanced transaction, once per (kind, reference).

Everything that moves money goes through :func:`book`. It refuses, before writing anything,
a booking that does not balance, mixes currencies, or would take an account other than the
gateway's cash below zero. Concurrency: each account that gives money is locked before its
balance is read (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite a no-op ``UPDATE`` of the
account row, which takes the database's write lock first), so two bookings against one
balance are serialised and neither can spend what the other already took.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from marketplace import clock
from marketplace.errors import Conflict, Invalid
from marketplace.extensions import db
from marketplace.ledger.models import OUTSIDE_KINDS, Account, AccountKind, Entry, Transaction, TxnKind
from marketplace.money import CURRENCIES, Money, format_money

MAX_REFERENCE = 120


class InsufficientFunds(Conflict):
    """The account that would give the money does not hold enough. ``short`` is the amount
    missing (a page can offer a top-up of exactly that), ``has`` and ``needs`` the figures."""

    def __init__(self, reason: str, *, short: Money, has: Money, needs: Money):
        super().__init__(reason)
        self.short, self.has, self.needs = short, has, needs


@dataclass(frozen=True)
class Key:
    """Names an account that may not exist yet: it is opened only when a booking into it
    goes through, so a refused booking leaves no trace at all."""

    kind: AccountKind
    owner_id: int
    currency: str
    brand_id: int | None = None  # escrow only: whose money it holds

    @property
    def is_outside(self) -> bool:
        return self.kind in OUTSIDE_KINDS


@dataclass(frozen=True)
class Leg:
    """One side of a booking: ``amount`` minor units into the account (negative: out of it)."""

    key: Key
    amount: int


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _insert(model):
    return (postgresql.insert if _dialect() == "postgresql" else sqlite.insert)(model)


def actor_label(actor) -> str:
    """Who caused a booking, as stored: a user ("user:12") or a named process ("system:webhook")."""
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor[:64]
    return f"user:{actor.id}"


def check_currency(currency: str) -> None:
    if currency not in CURRENCIES:
        raise Invalid(_("%(currency)s is not a currency Pappus handles.", currency=currency))


def account(kind: AccountKind, owner_id: int, currency: str, *, create: bool = False,
            brand_id: int | None = None) -> Account | None:
    """The account for (kind, owner, currency); opened on first use when ``create``.

    Opening is ``INSERT … ON CONFLICT DO NOTHING`` then a read, so two requests opening the
    same account at once both end up with the one row.
    """
    check_currency(currency)
    where = (Account.kind == kind, Account.owner_id == owner_id, Account.currency == currency)
    found = db.session.scalar(select(Account).where(*where))
    if found is None and create:
        db.session.execute(
            _insert(Account.__table__).values(kind=str(kind), owner_id=owner_id, currency=currency, brand_id=brand_id,
                                    created_at=clock.now())
            .on_conflict_do_nothing(index_elements=["kind", "owner_id", "currency"]))
        found = db.session.scalar(select(Account).where(*where))
    return found


def balance_cents(account_id: int) -> int:
    """The sum of the account's entries (answered from the covering index)."""
    return db.session.scalar(
        select(func.coalesce(func.sum(Entry.amount), 0)).where(Entry.account_id == account_id))


def balance(acct: Account) -> Money:
    return Money(int(balance_cents(acct.id)), acct.currency)


def _is_lock_error(error: OperationalError) -> bool:
    """SQLite's busy timeout ran out, or PostgreSQL broke a deadlock or a lock wait."""
    code = getattr(error.orig, "sqlstate", None)
    return "database is locked" in str(error.orig) or code in ("40P01", "55P03")


@contextmanager
def lock_waits_refused():
    """A booking that waited too long for another one becomes a clear refusal (the caller
    rolls back; nothing was booked), never a server error."""
    try:
        yield
    except OperationalError as error:
        if not _is_lock_error(error):
            raise
        raise Conflict(_("The balance is being changed by another request and nothing was booked. "
                         "Try again in a moment.")) from error


def lock(account_ids) -> None:
    """Serialise bookings that take money from these accounts (in id order: no deadlocks)."""
    ids = sorted(set(account_ids))
    if not ids:
        return
    if _dialect() == "postgresql":
        db.session.execute(select(Account.id).where(Account.id.in_(ids)).order_by(Account.id).with_for_update())
    else:
        # Setting a column to itself changes nothing but takes SQLite's write lock, which
        # it keeps to the end of the transaction: the balance read after it is current.
        db.session.execute(update(Account.__table__).where(Account.__table__.c.id.in_(ids))
                           .values(id=Account.__table__.c.id))


def find(kind: TxnKind, reference: str) -> Transaction | None:
    return db.session.scalar(select(Transaction).where(Transaction.kind == kind,
                                                       Transaction.reference == reference))


def _clean_reference(reference: str) -> str:
    reference = (reference or "").strip()
    if not reference or len(reference) > MAX_REFERENCE:
        raise Invalid(_("A booking needs a reference of 1 to %(n)d characters.", n=MAX_REFERENCE))
    return reference


def _same_booking(txn: Transaction, legs: list[Leg]) -> bool:
    booked = sorted((e.account.kind, e.account.owner_id, e.amount) for e in txn.entries)
    return booked == sorted((str(leg.key.kind), leg.key.owner_id, leg.amount) for leg in legs) and \
        txn.currency == legs[0].key.currency


def _replay(txn: Transaction, legs: list[Leg]) -> Transaction:
    """The same reference booked before: the same movement is a retry (return it), another
    one is a mistake the caller must hear about."""
    if not _same_booking(txn, legs):
        raise Conflict(_("Reference %(reference)s is already booked for a different amount or account.",
                         reference=txn.reference))
    return txn


def shortage_reason(key: Key, has: int, needs: int) -> str:
    short = format_money(needs - has, key.currency)
    held, needed = format_money(has, key.currency), format_money(needs, key.currency)
    if key.kind == AccountKind.BRAND_AVAILABLE:
        return _("Your balance is short by %(short)s: it has %(has)s available and this needs %(needs)s.",
                 short=short, has=held, needs=needed)
    if key.kind == AccountKind.ORDER_ESCROW:
        return _("Order %(order)s holds %(has)s in escrow; this needs %(needs)s (short by %(short)s).",
                 order=key.owner_id, has=held, needs=needed, short=short)
    if key.kind == AccountKind.CREATOR_PAYABLE:
        return _("The creator is owed %(has)s; this needs %(needs)s (short by %(short)s).",
                 has=held, needs=needed, short=short)
    return _("The account holds %(has)s; this needs %(needs)s (short by %(short)s).",
             has=held, needs=needed, short=short)


def book(kind: TxnKind, reference: str, legs: list[Leg], *, memo: str = "", actor=None,
         reverses: Transaction | None = None) -> Transaction:
    """Write one balanced transaction, or refuse having written nothing."""
    with lock_waits_refused():
        return _book(kind, reference, legs, memo=memo, actor=actor, reverses=reverses)


def _book(kind: TxnKind, reference: str, legs: list[Leg], *, memo: str, actor,
          reverses: Transaction | None) -> Transaction:
    reference = _clean_reference(reference)
    legs = [leg for leg in legs if leg.amount != 0]
    if len(legs) < 2 or len({(leg.key.kind, leg.key.owner_id) for leg in legs}) != len(legs):
        raise Invalid(_("A booking moves money between at least two different accounts."))
    currencies = {leg.key.currency for leg in legs}
    if len(currencies) != 1:
        raise Invalid(_("A booking cannot mix currencies (%(currencies)s).",
                        currencies=", ".join(sorted(currencies))))
    if sum(leg.amount for leg in legs) != 0:
        raise Invalid(_("A booking's amounts must add up to zero."))
    (currency,) = currencies
    check_currency(currency)

    found = {leg.key: account(leg.key.kind, leg.key.owner_id, currency) for leg in legs}
    givers = [leg for leg in legs if leg.amount < 0 and not leg.key.is_outside]
    lock(found[leg.key].id for leg in givers if found[leg.key] is not None)
    # Looked up after the lock: a twin request that got there first is now visible, and is
    # answered as a retry rather than refused for the money it already moved.
    existing = find(kind, reference)
    if existing is not None:
        return _replay(existing, legs)
    for leg in givers:
        acct = found[leg.key]
        has = int(balance_cents(acct.id)) if acct is not None else 0
        if has + leg.amount < 0:
            raise InsufficientFunds(shortage_reason(leg.key, has, -leg.amount),
                                    short=Money(-leg.amount - has, currency), has=Money(has, currency),
                                    needs=Money(-leg.amount, currency))
    for leg in legs:
        if found[leg.key] is None:
            found[leg.key] = account(leg.key.kind, leg.key.owner_id, currency, create=True,
                                     brand_id=leg.key.brand_id)

    txn_id = db.session.scalar(
        _insert(Transaction.__table__).values(
            kind=str(kind), reference=reference, currency=currency, memo=(memo or "")[:255],
            actor=actor_label(actor), at=clock.now(), reverses_id=reverses.id if reverses is not None else None)
        .on_conflict_do_nothing(index_elements=["kind", "reference"]).returning(Transaction.__table__.c.id))
    if txn_id is None:  # a twin with no lock to wait on (a top-up) committed first
        return _replay(find(kind, reference), legs)
    db.session.execute(Entry.__table__.insert(), [
        {"transaction_id": txn_id, "account_id": found[leg.key].id, "currency": currency, "amount": leg.amount}
        for leg in legs])
    return db.session.get(Transaction, txn_id)
