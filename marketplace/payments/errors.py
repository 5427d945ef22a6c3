"""Gateway failures as domain errors: a sentence a user can act on, never a 500.

``retryable`` tells a job whether the same call may succeed later under the same
idempotency key (the service was unavailable or busy); a refusal (a declined card, an
account that cannot receive transfers) will not change by retrying.
"""
from __future__ import annotations

from flask_babel import gettext as _

from marketplace.errors import DomainError


class GatewayError(DomainError):
    """The payment service refused or failed. ``code`` is Stripe's error code when it gave one."""

    status = 502
    retryable = False

    def __init__(self, reason: str, code: str | None = None, field: str | None = None):
        super().__init__(reason, field=field)
        self.code = code


class GatewayUnavailable(GatewayError):
    """No answer, a 5xx or a 429 even after the client's retries. The outcome of a POST is
    unknown only if it timed out; retrying with the same idempotency key is always safe."""

    status = 503
    retryable = True


class CardDeclined(GatewayError):
    status = 402


class WebhookSignatureInvalid(GatewayError):
    """A webhook whose signature does not match its body and our secret."""

    status = 400


def decline_sentence(code: str | None, decline_code: str | None = None) -> str:
    """Why a card payment failed, from Stripe's error ``code`` and the bank's ``decline_code``."""
    if decline_code == "insufficient_funds":
        return _("The card has insufficient funds.")
    if code == "expired_card":
        return _("The card has expired.")
    if code == "incorrect_cvc":
        return _("The card's security code is incorrect.")
    if code in ("incorrect_number", "invalid_number", "incomplete_number"):
        return _("The card number is not valid.")
    if code == "processing_error":
        return _("The card could not be processed; nothing was charged. Please try again.")
    if code in ("authentication_required", "payment_intent_authentication_failure"):
        return _("The card's bank did not confirm the payment.")
    return _("The card was declined.")
