"""Staff pages: verify brands, correct creators' reach, file and de-index notes, API tokens.

The log of what staff did is the audit trail (:mod:`marketplace.audit_trail`), below every area."""
