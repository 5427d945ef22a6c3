"""The after-commit queue (a transactional outbox): work that must happen once a change is
durable — re-index a note, delete a replaced file, and later send mail, notify, call the
payment gateway.

A service calls :func:`add` with a kind and a JSON payload; the item is a row written in the
same transaction as the change. When that transaction commits, its items are done right
away; when it rolls back, they vanish with it. Items a crash left behind (the process died
between the commit and the effect) are done by :func:`sweep` (``flask outbox sweep``, and the
scheduler process on its interval), with retries, backoff and, in the end, a ``failed``
state staff can look at. Areas register what each kind does with :func:`handler`, so a new
kind never touches this package.
"""
from marketplace.outbox.service import (  # noqa: F401  (the package's public face)
    SweepReport, add, add_sweeper, handler, on_rollback, run_items, sweep, wait_for_background,
)
