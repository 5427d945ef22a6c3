"""The ledger's public API: every money movement Pappus makes, and the balances it reads.

Each function books one transaction (or returns the one already booked under the same
kind and reference, so a retry or a duplicate webhook books once) and only flushes: the
caller commits. A refusal (``Invalid`` for a malformed request, ``Conflict`` for a state
that does not allow it, and its subclass ``InsufficientFunds``, carrying the amount missing,
when the money is not there) is raised before anything is written.

    credit_topup   gateway cash     → brand available              (a card payment arrived)
    hold           brand available  → order escrow                 (an order was accepted)
    release        order escrow     → brand available              (an unused hold, e.g. bonus)
    refund         order escrow     → brand available              (a cancelled order)
    settle         order escrow     → creator payable + platform revenue
    pay_creator    creator payable  → creator paid-out             (a transfer to the creator)
    reverse        the exact opposite of an earlier booking
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, func, select

from marketplace.errors import Conflict, Invalid
from marketplace.extensions import db
from marketplace.ledger import books
from marketplace.ledger.books import InsufficientFunds, Key, Leg  # noqa: F401  (part of the API)
from marketplace.ledger.models import PLATFORM_OWNER, Account, AccountKind, Entry, Transaction, TxnKind
from marketplace.money import Money, share_of

K = AccountKind


def _amount(money: Money) -> int:
    if not isinstance(money, Money):
        raise Invalid(_("Amounts are given as Money (minor units and a currency)."))
    books.check_currency(money.currency)
    if money.cents <= 0:
        raise Invalid(_("The amount must be more than zero."))
    return money.cents


def _brand(brand_id: int) -> int:
    from marketplace.brands.models import BrandProfile

    if db.session.get(BrandProfile, brand_id) is None:
        raise Invalid(_("There is no brand %(id)s.", id=brand_id))
    return brand_id


def _creator(creator_id: int) -> int:
    from marketplace.creators.models import CreatorProfile

    if db.session.get(CreatorProfile, creator_id) is None:
        raise Invalid(_("There is no creator %(id)s.", id=creator_id))
    return creator_id


def _escrow(order_id: int) -> Account:
    """The order's escrow account, which must exist (money was held for the order)."""
    found = db.session.scalar(select(Account).where(Account.kind == K.ORDER_ESCROW, Account.owner_id == order_id))
    if found is None:
        raise Conflict(_("Nothing is held for order %(order)s.", order=order_id))
    return found


def _escrow_key(escrow: Account, money: Money) -> Key:
    if money.currency != escrow.currency:
        raise Invalid(_("Order %(order)s is held in %(held)s, not %(given)s.",
                        order=escrow.owner_id, held=escrow.currency, given=money.currency))
    return Key(K.ORDER_ESCROW, escrow.owner_id, escrow.currency, escrow.brand_id)


def credit_topup(brand_id: int, money: Money, reference: str, *, memo: str = "", actor=None) -> Transaction:
    """A card payment for the brand arrived (the gateway's webhook): credit its balance."""
    cents = _amount(money)
    _brand(brand_id)
    return books.book(TxnKind.TOPUP, reference, [
        Leg(Key(K.GATEWAY_CASH, PLATFORM_OWNER, money.currency), -cents),
        Leg(Key(K.BRAND_AVAILABLE, brand_id, money.currency), cents),
    ], memo=memo, actor=actor)


def hold(brand_id: int, order_id: int, money: Money, reference: str, *, memo: str = "",
         actor=None) -> Transaction:
    """Move ``money`` from the brand's balance into the order's escrow, or refuse with the
    amount missing ("Your balance is short by CN¥120.00 …") and change nothing."""
    cents = _amount(money)
    _brand(brand_id)
    existing = db.session.scalar(select(Account).where(Account.kind == K.ORDER_ESCROW,
                                                       Account.owner_id == order_id))
    if existing is not None:
        if existing.brand_id != brand_id:
            raise Invalid(_("Order %(order)s holds another brand's money.", order=order_id))
        _escrow_key(existing, money)  # one order, one currency
    return books.book(TxnKind.HOLD, reference, [
        Leg(Key(K.BRAND_AVAILABLE, brand_id, money.currency), -cents),
        Leg(Key(K.ORDER_ESCROW, order_id, money.currency, brand_id), cents),
    ], memo=memo, actor=actor)


def _back_to_brand(kind: TxnKind, order_id: int, money: Money, reference: str, memo: str, actor) -> Transaction:
    cents = _amount(money)
    escrow = _escrow(order_id)
    return books.book(kind, reference, [
        Leg(_escrow_key(escrow, money), -cents),
        Leg(Key(K.BRAND_AVAILABLE, escrow.brand_id, escrow.currency), cents),
    ], memo=memo, actor=actor)


def release(order_id: int, money: Money, reference: str, *, memo: str = "", actor=None) -> Transaction:
    """Give back held money the order no longer needs (e.g. the unearned part of a bonus)."""
    return _back_to_brand(TxnKind.RELEASE, order_id, money, reference, memo, actor)


def refund(order_id: int, money: Money, reference: str, *, memo: str = "", actor=None) -> Transaction:
    """Give held money back to the brand because the order was cancelled. A kill fee for the
    creator is a :func:`settle` of the rest (see :func:`split`)."""
    return _back_to_brand(TxnKind.REFUND, order_id, money, reference, memo, actor)


def settle(order_id: int, creator_id: int, fee: Money, service_fee: Money, commission: Money,
           reference: str, *, memo: str = "", actor=None) -> Transaction:
    """Pay out of escrow: ``fee − commission`` to the creator's payable, ``service_fee +
    commission`` to platform revenue. Takes ``fee + service_fee`` from the escrow."""
    currencies = {fee.currency, service_fee.currency, commission.currency}
    if len(currencies) != 1:
        raise Invalid(_("A booking cannot mix currencies (%(currencies)s).", currencies=", ".join(sorted(currencies))))
    if fee.cents < 0 or service_fee.cents < 0 or commission.cents < 0:
        raise Invalid(_("Fees and commission cannot be negative."))
    if commission.cents > fee.cents:
        raise Invalid(_("The commission cannot be more than the creator's fee."))
    total = _amount(fee + service_fee)
    _creator(creator_id)
    escrow = _escrow(order_id)
    return books.book(TxnKind.SETTLE, reference, [
        Leg(_escrow_key(escrow, fee), -total),
        Leg(Key(K.CREATOR_PAYABLE, creator_id, fee.currency), fee.cents - commission.cents),
        Leg(Key(K.PLATFORM_REVENUE, PLATFORM_OWNER, fee.currency), service_fee.cents + commission.cents),
    ], memo=memo, actor=actor)


def pay_creator(creator_id: int, money: Money, reference: str, *, memo: str = "", actor=None) -> Transaction:
    """Record a transfer to the creator: their payable goes down, their paid-out total up."""
    cents = _amount(money)
    _creator(creator_id)
    return books.book(TxnKind.PAYOUT, reference, [
        Leg(Key(K.CREATOR_PAYABLE, creator_id, money.currency), -cents),
        Leg(Key(K.CREATOR_PAID_OUT, creator_id, money.currency), cents),
    ], memo=memo, actor=actor)


def reverse(txn: Transaction, *, memo: str = "", actor=None) -> Transaction:
    """Book the exact opposite of ``txn`` (reference ``txn-<id>``), once. Refused when the
    money has moved on (a reversed top-up the brand already spent) or ``txn`` is a reversal."""
    if txn.kind == TxnKind.REVERSAL:
        raise Conflict(_("A reversal cannot be reversed; book the movement again instead."))
    legs = [Leg(Key(AccountKind(e.account.kind), e.account.owner_id, e.currency, e.account.brand_id), -e.amount)
            for e in txn.entries]
    return books.book(TxnKind.REVERSAL, f"txn-{txn.id}", legs, memo=memo, actor=actor, reverses=txn)


def split(money: Money, bps: int) -> tuple[Money, Money]:
    """``bps`` basis points of ``money`` (rounded half up) and the rest, which add up to it:
    e.g. a cancellation's refund share and the creator's kill fee."""
    first = share_of(money.cents, bps)
    return Money(first, money.currency), Money(money.cents - first, money.currency)


# ---- reading ---------------------------------------------------------------------------

def balance(acct: Account) -> Money:
    """An account's balance: the sum of its entries."""
    return books.balance(acct)


def find_account(kind: AccountKind, owner_id: int, currency: str) -> Account | None:
    return books.account(kind, owner_id, currency)


def brand_balance(brand_id: int, currency: str) -> tuple[Money, Money]:
    """(available, held): what the brand can spend, and what sits in its orders' escrow."""
    available = books.account(K.BRAND_AVAILABLE, brand_id, currency)
    held = db.session.scalar(
        select(func.coalesce(func.sum(Entry.amount), 0)).join(Account, Account.id == Entry.account_id)
        .where(Account.kind == K.ORDER_ESCROW, Account.brand_id == brand_id, Account.currency == currency))
    return (Money(int(books.balance_cents(available.id)) if available else 0, currency),
            Money(int(held), currency))


def creator_balance(creator_id: int, currency: str) -> tuple[Money, Money]:
    """(payable, paid out): what the creator has earned and not been paid, and what was paid."""
    figures = []
    for kind in (K.CREATOR_PAYABLE, K.CREATOR_PAID_OUT):
        found = books.account(kind, creator_id, currency)
        figures.append(books.balance(found) if found else Money(0, currency))
    return figures[0], figures[1]


def order_escrow(order_id: int) -> Money | None:
    """What is held for the order now (None when nothing was ever held)."""
    found = db.session.scalar(select(Account).where(Account.kind == K.ORDER_ESCROW, Account.owner_id == order_id))
    return books.balance(found) if found else None


@dataclass(frozen=True)
class Movement:
    entry: Entry
    txn: Transaction
    amount: Money            # into the account (negative: out of it)
    balance_after: Money     # the account's balance right after this movement
    others: list[Entry]      # the other side(s) of the booking


@dataclass(frozen=True)
class MovementPage:
    items: list[Movement]
    page: int
    per_page: int
    has_more: bool


def movements(target: Account | tuple[AccountKind, int], page: int = 1, per_page: int | None = None) -> MovementPage:
    """An account's movements newest first, or those of every account an owner has of one
    kind (``(AccountKind.BRAND_AVAILABLE, brand_id)``: a brand's balance page, all currencies)."""
    per_page = per_page or current_app.config["LEDGER_PAGE_SIZE"]
    page = max(1, page)
    if isinstance(target, Account):
        accounts = [target]
    else:
        kind, owner_id = target
        accounts = list(db.session.scalars(select(Account).where(Account.kind == kind, Account.owner_id == owner_id)))
    if not accounts:
        return MovementPage([], page, per_page, False)
    ids = [a.id for a in accounts]
    rows = list(db.session.scalars(
        select(Entry).where(Entry.account_id.in_(ids)).order_by(Entry.id.desc())
        .limit(per_page + 1).offset((page - 1) * per_page)))
    has_more, rows = len(rows) > per_page, rows[:per_page]
    if not rows:
        return MovementPage([], page, per_page, False)
    txns = {t.id: t for t in db.session.scalars(
        select(Transaction).where(Transaction.id.in_({e.transaction_id for e in rows})))}
    # Balance right after each row: today's balance less what was booked after the page's
    # newest row (one grouped query), then walking back down the page.
    newest = rows[0].id
    running = {account_id: int(total) - int(newer) for account_id, total, newer in db.session.execute(
        select(Entry.account_id, func.sum(Entry.amount),
               func.coalesce(func.sum(case((Entry.id > newest, Entry.amount), else_=0)), 0))
        .where(Entry.account_id.in_(ids)).group_by(Entry.account_id))}
    items = []
    for entry in rows:
        txn = txns[entry.transaction_id]
        items.append(Movement(entry, txn, Money(entry.amount, entry.currency),
                              Money(running[entry.account_id], entry.currency),
                              [e for e in txn.entries if e.id != entry.id]))
        running[entry.account_id] -= entry.amount
    return MovementPage(items, page, per_page, has_more)
