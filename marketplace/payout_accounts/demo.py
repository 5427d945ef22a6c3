"""Demo data: every demo creator marked ready to be paid has a payout account to match.

The demo is loaded before the local Stripe server starts, so these accounts are not
created at Stripe: their ids start with ``acct_demo_`` and they are kept as ready (the local
Stripe server, devtools/stripe_connect.py, knows such ids as verified accounts on first use,
so the scheduler pays demo payouts under `make run`). A demo
creator who is not ready connects a real (local) account from the payout page.
"""
from __future__ import annotations

from sqlalchemy import select

from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from marketplace.payout_accounts.models import PayoutAccount


def seed_payout_accounts() -> None:
    have = set(db.session.scalars(select(PayoutAccount.creator_id)))
    ready = select(CreatorProfile.id).where(CreatorProfile.payouts_ready_at.is_not(None),
                                            CreatorProfile.identity_confirmed_at.is_not(None))
    for creator_id in db.session.scalars(ready.order_by(CreatorProfile.id)):
        if creator_id in have:
            continue
        db.session.add(PayoutAccount(
            creator_id=creator_id, idempotency_key=f"demo-payout-account-{creator_id}",
            stripe_account_id=f"acct_demo_{creator_id}", details_submitted=True, payouts_enabled=True,
            transfers_active=True, requirements_due=[], status_as_of=None))
    db.session.flush()
