"""Staff ledger pages under /staff/ledger: accounts with balances, transactions with their
entries, one account's movements, one transaction. Read-only: money moves only through the
ledger service, called by the areas that own each movement."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from marketplace.access import audience
from marketplace.auth.models import Role
from marketplace.extensions import db
from marketplace.ledger import listing, service
from marketplace.ledger.models import Account, AccountKind, Transaction

bp = Blueprint("ledger", __name__, url_prefix="/staff/ledger")


@bp.context_processor
def labels():
    return {"account_kind_label": lambda kind: listing.ACCOUNT_KIND_LABELS.get(kind, kind),
            "txn_kind_label": lambda kind: listing.TXN_KIND_LABELS.get(kind, kind)}


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


def _q() -> str:
    return (request.args.get("q") or "").strip()[:100]


@bp.route("/")
@audience(Role.STAFF)
def accounts():
    q, kind = _q(), request.args.get("kind", "")
    rows, has_more = listing.accounts_page(q, kind, _page())
    return render_template("ledger/accounts.html", rows=rows, has_more=has_more, page=_page(), q=q, kind=kind,
                           kinds=listing.ACCOUNT_KIND_LABELS, totals=listing.totals_by_kind())


@bp.route("/transactions")
@audience(Role.STAFF)
def transactions():
    q = _q()
    txns, names, has_more = listing.transactions_page(q, page=_page())
    return render_template("ledger/transactions.html", txns=txns, names=names, has_more=has_more,
                           page=_page(), q=q)


@bp.route("/accounts/<int:account_id>")
@audience(Role.STAFF)
def account(account_id: int):
    acct = db.session.get(Account, account_id) or abort(404)
    moves = service.movements(acct, _page())
    names = listing.owner_names({acct, *(e.account for m in moves.items for e in m.others)})
    return render_template("ledger/account.html", account=acct, balance=service.balance(acct), moves=moves,
                           names=names, outside=acct.kind == AccountKind.GATEWAY_CASH)


@bp.route("/transactions/<int:txn_id>")
@audience(Role.STAFF)
def transaction(txn_id: int):
    txn = db.session.get(Transaction, txn_id) or abort(404)
    reversal = db.session.scalar(select(Transaction).where(Transaction.reverses_id == txn.id))
    return render_template("ledger/transaction.html", txn=txn, reversal=reversal,
                           names=listing.owner_names({e.account for e in txn.entries}))
