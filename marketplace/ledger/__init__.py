"""The ledger: the one module that owns money records (double entry, append-only).

``service`` is the API every other area calls (top-ups, holds, releases, refunds,
settlements, payouts, reversals, balances); ``books`` is the booking core under it;
``verify`` checks the books; ``routes`` are the staff pages under /staff/ledger.
"""
