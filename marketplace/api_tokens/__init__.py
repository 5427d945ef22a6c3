"""API tokens for machine clients (the data feed): the token table and its rules
(``service``), the guards API views wear (``guards``) and ``flask api-tokens`` (``cli``)."""
