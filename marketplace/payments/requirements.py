"""Stripe's account requirement names in plain words ("individual.verification.document" ->
"your ID document"), for creators who must finish setting up payouts."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Longest prefix wins; the names are Stripe's (docs: Connect "required verification
# information"). Several fields share one phrase: a creator fixes them in one place.
_PHRASES = (
    ("individual.verification.additional_document", _l("a second identity document")),
    ("individual.verification.document", _l("your ID document")),
    ("individual.verification", _l("proof of your identity")),
    ("individual.dob", _l("your date of birth")),
    ("individual.first_name", _l("your legal name")),
    ("individual.last_name", _l("your legal name")),
    ("individual.address", _l("your home address")),
    ("individual.id_number", _l("your ID number")),
    ("individual.ssn_last_4", _l("your ID number")),
    ("individual.email", _l("your email address")),
    ("individual.phone", _l("your phone number")),
    ("external_account", _l("a bank account for payouts")),
    ("tos_acceptance", _l("acceptance of Stripe's terms")),
    ("business_type", _l("whether you are paid as an individual or a company")),
    ("business_profile", _l("a description of your work")),
    ("company", _l("your company's details")),
    ("representative", _l("your company representative's details")),
    ("owners", _l("your company's owners")),
    ("directors", _l("your company's directors")),
    ("settings.payments.statement_descriptor", _l("a statement descriptor")),
)


def in_plain_words(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Each requirement as a phrase, once, in Stripe's order; unknown ones say what they are."""
    phrases: list[str] = []
    for name in names:
        phrase = next((str(text) for prefix, text in _PHRASES
                       if name == prefix or name.startswith(prefix + ".")),
                      name.replace("_", " ").replace(".", " "))
        if phrase not in phrases:
            phrases.append(phrase)
    return tuple(phrases)
