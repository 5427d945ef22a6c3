"""What the staff ledger pages read: accounts with balances, transactions with their
entries, totals by kind, and a name for each account's owner. Read-only."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import func, or_, select

from marketplace.extensions import db
from marketplace.ledger.models import Account, AccountKind, Entry, Transaction, TxnKind
from marketplace.money import Money
from marketplace.parsing import bounded_int

K = AccountKind

ACCOUNT_KIND_LABELS = {
    K.GATEWAY_CASH: _l("Gateway cash"),
    K.BRAND_AVAILABLE: _l("Brand available"),
    K.ORDER_ESCROW: _l("Order escrow"),
    K.CREATOR_PAYABLE: _l("Creator payable"),
    K.CREATOR_PAID_OUT: _l("Creator paid out"),
    K.PLATFORM_REVENUE: _l("Platform revenue"),
}
TXN_KIND_LABELS = {
    TxnKind.TOPUP: _l("Top-up"),
    TxnKind.HOLD: _l("Hold"),
    TxnKind.RELEASE: _l("Release"),
    TxnKind.REFUND: _l("Refund"),
    TxnKind.SETTLE: _l("Settlement"),
    TxnKind.PAYOUT: _l("Payout"),
    TxnKind.REVERSAL: _l("Reversal"),
}


@dataclass(frozen=True)
class AccountRow:
    account: Account
    balance: Money
    owner: str  # a brand's name, "@handle", "Order 5 · Brand", or the platform


def _page_size() -> int:
    return current_app.config["LEDGER_PAGE_SIZE"]


def owner_names(accounts) -> dict[int, str]:
    """A readable owner for each account, loaded in two queries for the whole page."""
    from marketplace.brands.models import BrandProfile
    from marketplace.creators.models import CreatorProfile

    accounts = list(accounts)
    brand_ids = {a.owner_id for a in accounts if a.kind == K.BRAND_AVAILABLE} | {
        a.brand_id for a in accounts if a.brand_id is not None}
    creator_ids = {a.owner_id for a in accounts if a.kind in (K.CREATOR_PAYABLE, K.CREATOR_PAID_OUT)}
    brands = dict(db.session.execute(select(BrandProfile.id, BrandProfile.company_name)
                                     .where(BrandProfile.id.in_(brand_ids))).all()) if brand_ids else {}
    creators = dict(db.session.execute(select(CreatorProfile.id, CreatorProfile.handle)
                                       .where(CreatorProfile.id.in_(creator_ids))).all()) if creator_ids else {}
    names = {}
    for a in accounts:
        if a.kind == K.BRAND_AVAILABLE:
            names[a.id] = brands.get(a.owner_id) or _("Brand %(id)s", id=a.owner_id)
        elif a.kind == K.ORDER_ESCROW:
            names[a.id] = _("Order %(order)s · %(brand)s", order=a.owner_id,
                            brand=brands.get(a.brand_id) or _("Brand %(id)s", id=a.brand_id))
        elif a.kind in (K.CREATOR_PAYABLE, K.CREATOR_PAID_OUT):
            names[a.id] = "@" + creators[a.owner_id] if a.owner_id in creators else _("Creator %(id)s", id=a.owner_id)
        else:
            names[a.id] = _("Pappus")
    return names


def _balances(account_ids) -> dict[int, int]:
    if not account_ids:
        return {}
    return {account_id: int(total) for account_id, total in db.session.execute(
        select(Entry.account_id, func.sum(Entry.amount)).where(Entry.account_id.in_(account_ids))
        .group_by(Entry.account_id))}


def matching_accounts(q: str):
    """Account ids for a search: a brand's company name, a creator's handle, or an order id."""
    from marketplace.brands.models import BrandProfile
    from marketplace.creators.models import CreatorProfile

    brands = select(BrandProfile.id).where(BrandProfile.company_name.icontains(q, autoescape=True))
    creators = select(CreatorProfile.id).where(
        CreatorProfile.handle.contains(q.lstrip("@").lower(), autoescape=True))
    conditions = [
        (Account.kind == K.BRAND_AVAILABLE) & Account.owner_id.in_(brands),
        (Account.kind == K.ORDER_ESCROW) & Account.brand_id.in_(brands),
        Account.kind.in_([K.CREATOR_PAYABLE, K.CREATOR_PAID_OUT]) & Account.owner_id.in_(creators),
    ]
    order = bounded_int(q.lstrip("#"), 1)
    if order is not None:
        conditions.append((Account.kind == K.ORDER_ESCROW) & (Account.owner_id == order))
    return select(Account.id).where(or_(*conditions))


def accounts_page(q: str = "", kind: str = "", page: int = 1) -> tuple[list[AccountRow], bool]:
    """Accounts (newest first) with their balances, filtered by owner search and kind."""
    per_page = _page_size()
    statement = select(Account).order_by(Account.id.desc())
    if q:
        statement = statement.where(Account.id.in_(matching_accounts(q)))
    if kind in set(AccountKind):
        statement = statement.where(Account.kind == kind)
    accounts = list(db.session.scalars(statement.limit(per_page + 1).offset((max(1, page) - 1) * per_page)))
    has_more, accounts = len(accounts) > per_page, accounts[:per_page]
    balances = _balances([a.id for a in accounts])
    names = owner_names(accounts)
    return [AccountRow(a, Money(balances.get(a.id, 0), a.currency), names[a.id]) for a in accounts], has_more


def totals_by_kind() -> list[tuple[str, str, Money, int]]:
    """(kind, currency, total balance, accounts) for the overview; every currency sums to zero."""
    rows = db.session.execute(
        select(Account.kind, Account.currency, func.coalesce(func.sum(Entry.amount), 0),
               func.count(func.distinct(Account.id)))
        .join(Entry, Entry.account_id == Account.id, isouter=True)
        .group_by(Account.kind, Account.currency).order_by(Account.currency, Account.kind)).all()
    return [(kind, currency, Money(int(total), currency), count) for kind, currency, total, count in rows]


def transactions_page(q: str = "", *, account_id: int | None = None,
                      page: int = 1) -> tuple[list[Transaction], dict[int, str], bool]:
    """Newest transactions first with their entries (and a name for every account in them).
    ``q`` matches a reference, or the brand, creator or order whose accounts they touch."""
    per_page = _page_size()
    statement = select(Transaction).order_by(Transaction.id.desc())
    if q:
        statement = statement.where(or_(
            Transaction.reference.icontains(q, autoescape=True),
            Transaction.id.in_(select(Entry.transaction_id).where(Entry.account_id.in_(matching_accounts(q))))))
    if account_id is not None:
        statement = statement.where(Transaction.id.in_(
            select(Entry.transaction_id).where(Entry.account_id == account_id)))
    txns = list(db.session.scalars(statement.limit(per_page + 1).offset((max(1, page) - 1) * per_page)))
    has_more, txns = len(txns) > per_page, txns[:per_page]
    names = owner_names({e.account for t in txns for e in t.entries})
    return txns, names, has_more
