"""Creators' payout accounts: a Stripe Express account per creator, its onboarding, and the
state Stripe reports for it (``account.updated`` webhooks and a refresh button), which sets
the creator's ``payouts_ready_at`` and ``identity_confirmed_at``."""
