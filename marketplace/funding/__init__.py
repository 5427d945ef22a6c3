"""Funding: brands pay money in by card, and Stripe's signed webhooks say when it arrived.

``models`` holds top-ups and the webhook events received; ``service`` starts a top-up (the
row and its idempotency key first, then the PaymentIntent through the gateway);
``webhooks`` verifies and de-duplicates Stripe's events and applies them (a succeeded
payment credits the brand's ledger balance, once; ``account.updated`` goes to the creators'
payout accounts); ``routes`` are the brand's top-up and balance pages, the webhook endpoint
and the staff payments page.
"""
