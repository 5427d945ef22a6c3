"""``flask ledger verify``: prove the books are consistent, from the rows alone.

The checks are SQL over the whole ledger, so they run the same on SQLite and PostgreSQL and
catch what the database itself could not refuse (SQLite does not enforce foreign keys; no
database can say "these rows sum to zero"):

- every transaction has at least two entries and its entries sum to zero;
- no entry's currency differs from its account's or its transaction's (so no account and no
  transaction mixes currencies), and every entry names an account and transaction that exist;
- no account except the gateway's cash has a balance below zero (a brand never spent money
  it did not have; no escrow or payable paid out twice);
- each escrow account says which brand's money it holds, and only escrow accounts do;
- every reversal is the exact negation of the transaction it names.

Balances are never cached (each is the sum of its entries), so there is no stored figure that
could disagree with them; should one ever be added, its check belongs here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text

from marketplace.ledger.models import OUTSIDE_KINDS, AccountKind, TxnKind

SHOWN = 20  # offenders listed per check; the count says how many there are in all

_OUTSIDE = ", ".join(f"'{k}'" for k in sorted(OUTSIDE_KINDS))

CHECKS: list[tuple[str, str]] = [
    ("transactions whose entries do not sum to zero",
     "SELECT transaction_id, SUM(amount) FROM ledger_entries GROUP BY transaction_id HAVING SUM(amount) <> 0"),
    ("transactions with fewer than two entries",
     "SELECT t.id, COUNT(e.id) FROM ledger_transactions AS t LEFT JOIN ledger_entries AS e "
     "ON e.transaction_id = t.id GROUP BY t.id HAVING COUNT(e.id) < 2"),
    ("entries whose account is missing or in another currency (an account mixing currencies)",
     "SELECT e.id, e.currency, a.currency FROM ledger_entries AS e LEFT JOIN ledger_accounts AS a "
     "ON a.id = e.account_id WHERE a.id IS NULL OR a.currency <> e.currency"),
    ("entries whose transaction is missing or in another currency (a transaction mixing currencies)",
     "SELECT e.id, e.currency, t.currency FROM ledger_entries AS e LEFT JOIN ledger_transactions AS t "
     "ON t.id = e.transaction_id WHERE t.id IS NULL OR t.currency <> e.currency"),
    ("entries of zero",
     "SELECT id FROM ledger_entries WHERE amount = 0"),
    ("accounts below zero (only the gateway's cash may be)",
     "SELECT a.id, a.kind, a.owner_id, a.currency, SUM(e.amount) FROM ledger_accounts AS a "
     f"JOIN ledger_entries AS e ON e.account_id = a.id WHERE a.kind NOT IN ({_OUTSIDE}) "
     "GROUP BY a.id, a.kind, a.owner_id, a.currency HAVING SUM(e.amount) < 0"),
    ("escrow accounts without a brand, or other accounts with one",
     "SELECT id, kind, brand_id FROM ledger_accounts "
     f"WHERE (kind = '{AccountKind.ORDER_ESCROW}') <> (brand_id IS NOT NULL)"),
    ("reversals that do not name what they reverse, or do not exactly undo it",
     # Same number of entries, and each of the reversal's entries is the negation of one of
     # the original's on the same account (a booking names each account once).
     "SELECT r.id, r.reverses_id FROM ledger_transactions AS r "
     f"WHERE r.kind = '{TxnKind.REVERSAL}' AND (r.reverses_id IS NULL "
     "OR (SELECT COUNT(*) FROM ledger_entries WHERE transaction_id = r.id) "
     "   <> (SELECT COUNT(*) FROM ledger_entries WHERE transaction_id = r.reverses_id) "
     "OR EXISTS (SELECT 1 FROM ledger_entries AS e WHERE e.transaction_id = r.id AND NOT EXISTS ("
     "   SELECT 1 FROM ledger_entries AS o WHERE o.transaction_id = r.reverses_id "
     "   AND o.account_id = e.account_id AND o.amount = -e.amount)))"),
]


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    transactions: int = 0
    entries: int = 0
    accounts: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return (f"Ledger OK: {self.transactions} transactions, {self.entries} entries, "
                    f"{self.accounts} accounts; every transaction sums to zero, no currency mixed, "
                    "no balance below zero.")
        return "Ledger NOT OK:\n" + "\n".join(self.problems)


def verify(conn) -> Report:
    """Run every check on ``conn`` (a Connection or a Session; a session also sees what it
    has flushed but not committed)."""
    report = Report()
    for what, sql in CHECKS:
        rows = conn.execute(text(sql)).all()
        if rows:
            shown = "; ".join(", ".join(str(v) for v in row) for row in rows[:SHOWN])
            more = f" (and {len(rows) - SHOWN} more)" if len(rows) > SHOWN else ""
            report.problems.append(f"- {what} ({len(rows)}): {shown}{more}")
    report.transactions, report.entries, report.accounts = conn.execute(text(
        "SELECT (SELECT COUNT(*) FROM ledger_transactions), (SELECT COUNT(*) FROM ledger_entries), "
        "(SELECT COUNT(*) FROM ledger_accounts)")).one()
    return report
