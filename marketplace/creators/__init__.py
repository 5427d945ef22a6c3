"""Creators: profiles, price cards, feed-reported stats and the public creator page."""
