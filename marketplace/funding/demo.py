"""Demo data: every demo brand starts with a funded balance.

``make run`` loads the demo data before honcho starts the local Stripe server, so these
balances are booked straight into the ledger as top-ups with a ``demo-`` reference (no
card payment, no TopUp row, no PaymentIntent): real top-ups made in the browser then go
through Stripe and the webhook as usual.
"""
from __future__ import annotations

from sqlalchemy import select

from marketplace.brands.models import BrandProfile
from marketplace.extensions import db
from marketplace.funding.service import currency
from marketplace.ledger import service as ledger
from marketplace.ledger.models import Transaction, TxnKind
from marketplace.money import Money

VERIFIED_BALANCE_MAJOR = 50_000
UNVERIFIED_BALANCE_MAJOR = 2_000


def seed_balances() -> None:
    booked = set(db.session.scalars(select(Transaction.reference).where(
        Transaction.kind == TxnKind.TOPUP, Transaction.reference.like("demo-%"))))
    for brand in db.session.scalars(select(BrandProfile).order_by(BrandProfile.id)):
        reference = f"demo-topup-brand-{brand.id}"
        if reference in booked:
            continue
        major = VERIFIED_BALANCE_MAJOR if brand.is_verified else UNVERIFIED_BALANCE_MAJOR
        ledger.credit_topup(brand.id, Money(major * 100, currency()), reference,
                            memo="Demo data: opening balance", actor="system:demo")
