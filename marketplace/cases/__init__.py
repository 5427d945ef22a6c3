"""Audit cases of undisclosed ads: the detector run after every publish and edit, the staff
queue and its decisions, strikes and brand points, the creator's side (why, file, appeal),
the dashboard and the disclosure linter. Placed above orders and filings, below the pages.
"""
