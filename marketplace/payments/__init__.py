"""Payments: the payment gateway seam (Stripe's API at a configured address).

``gateway.py`` is the only module in the app that imports ``stripe``; everything else calls
its functions with plain values and gets plain values back. ``errors.py`` holds the
``GatewayError`` family, so callers can catch them without touching Stripe.
"""
