"""Search: the analyzer, the two backends, the index kept in step after commit (through the
outbox), the search page and the home feed."""
