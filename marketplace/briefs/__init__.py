"""Briefs: a brand's campaign (what, for whom, for how much, by when) and its life as
draft, open and closed."""
