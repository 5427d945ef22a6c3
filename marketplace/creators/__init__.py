"""Creators: profiles, price cards, feed-reported stats, public pages, eligibility."""
