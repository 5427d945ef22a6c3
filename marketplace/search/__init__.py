"""Search: the analyzer, the two backends, the index kept in step after commit, the page."""
