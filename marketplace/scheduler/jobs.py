"""Every scheduled job, in one table.

``Job("package.module:function", every=...)``: the function takes no arguments, reads the time
from ``clock.now()``, commits each unit of work itself and is safe to run twice and from two
processes at once. ``every`` is seconds, or the name of a config setting holding seconds.
A job's first run is when the scheduler starts, so a deadline that passed while it was down
is applied at once.
"""
from __future__ import annotations

from marketplace.scheduler.runner import Job

JOBS: tuple[Job, ...] = (
    Job("marketplace.orders.deadlines:sweep", every="SCHEDULER_DEADLINES_SECONDS"),
    Job("marketplace.outbox:sweep", every="SCHEDULER_OUTBOX_SECONDS"),
    # Metrics → settlement → payment: a report that covers a closed window ends in a transfer.
    Job("marketplace.metrics.jobs:close_windows", every="SCHEDULER_METRICS_SECONDS"),
    Job("marketplace.payouts.jobs:settle_reported", every="SCHEDULER_SETTLE_SECONDS"),
    Job("marketplace.payouts.jobs:run_due", every="SCHEDULER_PAYOUTS_SECONDS"),
    Job("marketplace.payouts.jobs:reconcile", every="SCHEDULER_RECONCILE_SECONDS"),
    # Staff audit: strikes and points expire, overdue filing requests close, notes are rescanned.
    Job("marketplace.cases.jobs:sweep", every="SCHEDULER_AUDIT_SWEEP_SECONDS"),
    Job("marketplace.cases.jobs:rescan", every="SCHEDULER_AUDIT_RESCAN_SECONDS"),
    # The learned ranking is fitted again when staff decisions (its labels) changed.
    Job("marketplace.audit.jobs:retrain", every="SCHEDULER_AUDIT_RETRAIN_SECONDS"),
)
