"""Payouts: settling an order once its metrics are reported, and paying the creator exactly
once through the gateway's Stripe Transfer (``settlement``, ``runner``, ``reconcile``)."""
