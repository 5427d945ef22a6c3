"""Ledger tables: accounts, transactions and their entries (double entry, append-only).

An entry's ``amount`` is what its account gains, in integer minor units (negative: what it
gives). A transaction's entries sum to zero, and an account's balance is the sum of its
entries: there is no balance column to drift.

Entries carry their currency, and two composite foreign keys tie it to both the account's
and the transaction's currency, so PostgreSQL itself refuses an entry that would mix
currencies (SQLite does not enforce foreign keys; ``flask ledger verify`` checks there too).
Transactions and entries are never updated or deleted: :mod:`marketplace.ledger.guard`
installs triggers that refuse it.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (BigInteger, CheckConstraint, ForeignKey, ForeignKeyConstraint, Index, Integer,
                        String, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace import clock
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db

# 64-bit ids on PostgreSQL (a busy ledger outgrows 2^31 entries); SQLite's INTEGER PRIMARY
# KEY is already 64-bit and must stay plain INTEGER to be the rowid.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class AccountKind(StrEnum):
    GATEWAY_CASH = "gateway_cash"          # one per currency: where card money comes in from
    BRAND_AVAILABLE = "brand_available"    # per brand: money the brand can spend
    ORDER_ESCROW = "order_escrow"          # per order: money held for it (brand_id says whose)
    CREATOR_PAYABLE = "creator_payable"    # per creator: earned, not yet paid out
    CREATOR_PAID_OUT = "creator_paid_out"  # per creator: paid out to their payout account
    PLATFORM_REVENUE = "platform_revenue"  # one per currency: service fees and commission


# The gateway's cash is the outside world's side of the books: every top-up comes from it,
# so its balance is minus the money paid in. Every other account must never go below zero.
OUTSIDE_KINDS = frozenset({AccountKind.GATEWAY_CASH})
PLATFORM_OWNER = 0  # owner_id of the one-per-currency accounts


class TxnKind(StrEnum):
    TOPUP = "topup"          # gateway cash → brand available
    HOLD = "hold"            # brand available → order escrow
    RELEASE = "release"      # order escrow → brand available (unused hold)
    REFUND = "refund"        # order escrow → brand available (cancellation)
    SETTLE = "settle"        # order escrow → creator payable + platform revenue
    PAYOUT = "payout"        # creator payable → creator paid-out
    REVERSAL = "reversal"    # the exact opposite of an earlier transaction


def _one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Account(db.Model):
    __tablename__ = "ledger_accounts"
    __table_args__ = (
        UniqueConstraint("kind", "owner_id", "currency", name="uq_ledger_accounts_kind_owner_currency"),
        # The target of the entries' (account_id, currency) key.
        UniqueConstraint("id", "currency", name="uq_ledger_accounts_id_currency"),
        CheckConstraint(_one_of("kind", AccountKind), name="kind"),
        CheckConstraint("length(currency) = 3", name="currency"),
        Index("ix_ledger_accounts_brand", "brand_id", "kind", "currency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[int]  # brand, order or creator id; PLATFORM_OWNER for platform accounts
    currency: Mapped[str] = mapped_column(String(3))
    # Escrow only: the brand whose money the order holds (releases and refunds go back there).
    brand_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    @property
    def is_outside(self) -> bool:
        return self.kind in OUTSIDE_KINDS

    def __repr__(self) -> str:
        return f"<Account {self.id} {self.kind}:{self.owner_id} {self.currency}>"


class Transaction(db.Model):
    __tablename__ = "ledger_transactions"
    __table_args__ = (
        # Idempotency: a retried call or a duplicate webhook finds the booking already there.
        UniqueConstraint("kind", "reference", name="uq_ledger_transactions_kind_reference"),
        UniqueConstraint("id", "currency", name="uq_ledger_transactions_id_currency"),
        CheckConstraint(_one_of("kind", TxnKind), name="kind"),
        CheckConstraint("length(currency) = 3", name="currency"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(120))  # e.g. "topup-17", "order-5-hold"
    currency: Mapped[str] = mapped_column(String(3))
    memo: Mapped[str] = mapped_column(String(255), default="")
    actor: Mapped[str] = mapped_column(String(64))  # "user:12", "system:webhook", ...
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # A reversal names what it reverses; unique, so nothing is reversed twice.
    reverses_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("ledger_transactions.id"), unique=True)

    entries: Mapped[list["Entry"]] = relationship(
        primaryjoin="Transaction.id == foreign(Entry.transaction_id)", order_by="Entry.id",
        viewonly=True, lazy="selectin")

    def __repr__(self) -> str:
        return f"<Transaction {self.id} {self.kind}:{self.reference}>"


class Entry(db.Model):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        ForeignKeyConstraint(["account_id", "currency"], ["ledger_accounts.id", "ledger_accounts.currency"]),
        ForeignKeyConstraint(["transaction_id", "currency"],
                             ["ledger_transactions.id", "ledger_transactions.currency"]),
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        # A balance is SUM(amount) WHERE account_id = ?: this index answers it without
        # touching the table (covering), and lists an account's movements newest first.
        Index("ix_ledger_entries_account_balance", "account_id", "id", "amount"),
        # A booking names each account once; also how a transaction's entries are found.
        UniqueConstraint("transaction_id", "account_id", name="uq_ledger_entries_transaction_account"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    transaction_id: Mapped[int] = mapped_column(BigId)
    account_id: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)  # minor units; negative leaves the account

    account: Mapped[Account] = relationship(
        primaryjoin="foreign(Entry.account_id) == Account.id", viewonly=True, lazy="joined")
