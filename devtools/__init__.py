"""Development and test tools that are not part of the app.

Nothing under ``marketplace/`` imports this package. ``stripe_server`` (a local
Stripe-compatible server) extends localstripe, which is licensed GPL-3.0-or-later; the
modules here that build on it carry the same licence. The app talks to them only over HTTP,
exactly as it talks to Stripe.
"""
