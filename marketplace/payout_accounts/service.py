"""Connecting a creator's payout account and keeping its state.

:func:`start_connect` writes the row and its idempotency key (the caller commits);
:func:`create_account` creates the Express account at Stripe under that key (commit again);
:func:`onboarding_link` returns Stripe's single-use onboarding address. :func:`apply_status`
(webhooks and :func:`refresh`) keeps Stripe's view of the account and derives the creator's
readiness from it:

- ``payouts_ready_at``: transfers and payouts enabled and nothing due;
- ``identity_confirmed_at``: details submitted and no identity requirement due.

Staff can still set both by hand (``creators.stats.set_payout_readiness_by_staff``, logged
with a reason); the next state Stripe reports for the account replaces it.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import clock
from marketplace.creators.models import CreatorProfile
from marketplace.errors import Conflict, NotAllowed
from marketplace.extensions import db
from marketplace.payments import gateway
from marketplace.payments.requirements import in_plain_words
from marketplace.payout_accounts.models import PayoutAccount
from marketplace.transaction import refuse_duplicates
from marketplace.errors import Changed

# Requirements that are about who the creator is (rather than where the money goes).
IDENTITY_PREFIXES = ("individual.verification", "individual.id_number", "individual.ssn_last_4",
                     "individual.dob", "individual.first_name", "individual.last_name")

refuse_duplicates("uq_payout_accounts_creator_id", Changed)


def account_for(profile: CreatorProfile | None) -> PayoutAccount | None:
    if profile is None:
        return None
    return db.session.scalar(select(PayoutAccount).where(PayoutAccount.creator_id == profile.id))


def start_connect(user, profile: CreatorProfile | None) -> PayoutAccount:
    """The creator's payout account row (made once, key stored; only flushed)."""
    if profile is None or profile.user_id != user.id:
        raise NotAllowed(_("Set up your creator profile before you connect a payout account."))
    account = account_for(profile)
    if account is None:
        account = PayoutAccount(creator_id=profile.id)
        db.session.add(account)
        db.session.flush()
        account.idempotency_key = f"payout-account-{account.id}"
        db.session.flush()
    return account


def create_account(account: PayoutAccount) -> PayoutAccount:
    """The Express account at Stripe (once: the row's key makes a retry return the same one)."""
    if account.stripe_account_id is None:
        status = gateway.create_express_account(account.creator.user.email, idempotency_key=account.idempotency_key,
                                                metadata={"creator_id": account.creator_id})
        account.stripe_account_id = status.id
        _keep(account, status, _whole_second())
        db.session.flush()
    return account


def onboarding_link(account: PayoutAccount, refresh_url: str, return_url: str) -> str:
    if account.stripe_account_id is None:
        raise Conflict(_("Connect a payout account first."))
    # A link is single-use and short-lived: each request gets a fresh key.
    link = gateway.create_account_link(account.stripe_account_id, refresh_url, return_url,
                                       idempotency_key=f"account-link-{account.id}-{uuid.uuid4().hex}")
    return link.url


def refresh(account: PayoutAccount | None) -> str:
    """Ask Stripe for the account's state now and keep it."""
    if account is None or account.stripe_account_id is None:
        raise Conflict(_("Connect a payout account first."))
    return apply_status(gateway.retrieve_account(account.stripe_account_id), as_of=_whole_second())


def _whole_second() -> datetime:
    # Stripe stamps events to the second: what we read now counts as of this second, so an
    # event from the same second still applies (it may be the newer one).
    return clock.now().replace(microsecond=0)


def apply_status(status: gateway.AccountStatus, as_of: datetime) -> str:
    """Keep Stripe's state of the account unless a newer one is already kept (only flushed)."""
    account = db.session.scalar(select(PayoutAccount).where(PayoutAccount.stripe_account_id == status.id)
                                .with_for_update(of=PayoutAccount))  # not the joined creator row
    if account is None:
        return f"no payout account for {status.id}"
    if account.status_as_of is not None and as_of < account.status_as_of:
        return f"older than the state kept for {status.id}; ignored"
    _keep(account, status, as_of)
    db.session.flush()
    return f"payout account {account.id} ready" if account.ready else f"payout account {account.id} not ready"


def _keep(account: PayoutAccount, status: gateway.AccountStatus, as_of: datetime) -> None:
    account.details_submitted = status.details_submitted
    account.payouts_enabled = status.payouts_enabled
    account.transfers_active = status.can_receive_transfers
    account.requirements_due = list(status.requirement_codes)
    account.disabled_reason = (status.disabled_reason or "")[:120]
    account.status_as_of = as_of
    profile, now = account.creator, clock.now()
    profile.payouts_ready_at = (profile.payouts_ready_at or now) if account.ready else None
    identity_due = any(code.startswith(IDENTITY_PREFIXES) for code in account.requirements_due)
    confirmed = status.details_submitted and not identity_due
    profile.identity_confirmed_at = (profile.identity_confirmed_at or now) if confirmed else None


def still_needed(profile: CreatorProfile | None) -> tuple[str, ...]:
    """What Stripe still needs from the creator, in plain words ("your ID document")."""
    account = account_for(profile)
    return in_plain_words(account.requirements_due) if account is not None else ()


def identity_needed(profile: CreatorProfile | None) -> tuple[str, ...]:
    account = account_for(profile)
    if account is None:
        return ()
    return in_plain_words([c for c in account.requirements_due if c.startswith(IDENTITY_PREFIXES)])
