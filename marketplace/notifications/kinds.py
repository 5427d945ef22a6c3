"""Every kind of notification, in one table: its code (stored on the row), the mail's subject
and the sentence shown on the notifications page and in the mail.

Placeholders are ``%(name)s`` filled from the values the caller passed to ``notify``. A value
given as money (``{"cents": …, "currency": …}``, what :func:`money_value` makes) is written
in the reader's language. Adding a kind is one row here (and its Chinese in messages.po).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    subject: object   # lazy string with placeholders
    sentence: object  # lazy string with placeholders


KINDS: dict[str, Kind] = {
    # Orders (orders/notices.py says who is told which, on which move).
    "order.invited": Kind(
        _l("New invitation: %(brief)s"),
        _l("%(brand)s invited you to the brief “%(brief)s” for %(fee)s (order %(ref)s). Accept or decline "
           "before it expires.")),
    "order.applied": Kind(
        _l("New application: %(brief)s"),
        _l("@%(creator)s applied to your brief “%(brief)s” for %(fee)s (order %(ref)s). Select or decline "
           "the application.")),
    "order.accepted": Kind(
        _l("Invitation accepted: %(brief)s"),
        _l("@%(creator)s accepted your invitation to “%(brief)s”; %(total)s is held from your balance "
           "(order %(ref)s).")),
    "order.selected": Kind(
        _l("You were selected: %(brief)s"),
        _l("%(brand)s selected you for “%(brief)s”; your fee of %(fee)s is held and you can start on the "
           "draft (order %(ref)s).")),
    "order.invitation_declined": Kind(
        _l("Invitation declined: %(brief)s"),
        _l("@%(creator)s declined your invitation to “%(brief)s” (order %(ref)s).")),
    "order.application_declined": Kind(
        _l("Application declined: %(brief)s"),
        _l("%(brand)s declined your application to “%(brief)s” (order %(ref)s).")),
    "order.invitation_withdrawn": Kind(
        _l("Invitation withdrawn: %(brief)s"),
        _l("%(brand)s withdrew its invitation to “%(brief)s” (order %(ref)s).")),
    "order.application_withdrawn": Kind(
        _l("Application withdrawn: %(brief)s"),
        _l("@%(creator)s withdrew their application to “%(brief)s” (order %(ref)s).")),
    "order.expired": Kind(
        _l("Order expired: %(brief)s"),
        _l("Order %(ref)s for “%(brief)s” expired: it was not answered in time.")),
    "order.draft_submitted": Kind(
        _l("Draft to review: %(brief)s"),
        _l("@%(creator)s submitted a draft for “%(brief)s” (order %(ref)s). Approve it or ask for a "
           "revision.")),
    "order.revision_requested": Kind(
        _l("Revision requested: %(brief)s"),
        _l("%(brand)s asked for a revision of your draft for “%(brief)s” (order %(ref)s).")),
    "order.approved": Kind(
        _l("Draft approved: %(brief)s"),
        _l("%(brand)s approved your draft for “%(brief)s”: you can publish it now (order %(ref)s).")),
    "order.auto_approved": Kind(
        _l("Draft approved automatically: %(brief)s"),
        _l("The draft for “%(brief)s” was approved automatically (review time ran out, or every revision "
           "was used) (order %(ref)s).")),
    "order.published": Kind(
        _l("Note published: %(brief)s"),
        _l("@%(creator)s published the note for “%(brief)s”; it is filed and its metrics window is open "
           "(order %(ref)s).")),
    "order.cancelled": Kind(
        _l("Order cancelled: %(brief)s"),
        _l("Order %(ref)s for “%(brief)s” was cancelled: %(refund)s goes back to the brand and "
           "%(kill_fee)s to the creator as a kill fee.")),
    "order.draft_missed": Kind(
        _l("Draft date missed: %(brief)s"),
        _l("The draft for “%(brief)s” was due and has not come (order %(ref)s). The brand may now cancel "
           "with a full refund.")),
    "order.publish_missed": Kind(
        _l("Publish date missed: %(brief)s"),
        _l("The note for “%(brief)s” was not published by its date (order %(ref)s). The brand may now "
           "cancel with a full refund.")),
    "order.payout_scheduled": Kind(
        _l("Payout scheduled: %(brief)s"),
        _l("Your fee for order %(ref)s (“%(brief)s”) is released from escrow; the payout is scheduled.")),
    "order.paid": Kind(
        _l("Payout sent: %(brief)s"),
        _l("The payout for order %(ref)s (“%(brief)s”) was sent to your payout account.")),
    "payout.held": Kind(
        _l("Payout on hold: order %(ref)s"),
        _l("Your payout of %(amount)s for order %(ref)s is on hold: your payout account cannot receive "
           "transfers yet. Finish setting it up and it is paid on the next run.")),
    # Staff audit of undisclosed ads (cases.service, cases.standing).
    "case.confirmed": Kind(
        _l("Your note was found to be an undisclosed ad"),
        _l("Staff confirmed case %(case)s: your note “%(title)s” is an undisclosed ad. It no longer appears "
           "in search and you now have %(strikes)s strike(s). You can appeal once.")),
    "case.filing_requested": Kind(
        _l("Please file your note: %(title)s"),
        _l("Staff ask you to file your note “%(title)s” through an order (case %(case)s). File it within "
           "%(days)s days and there is no strike.")),
    "case.appeal_granted": Kind(
        _l("Appeal granted: case %(case)s"),
        _l("Your appeal on case %(case)s was granted: the strike is removed and “%(title)s” is back in "
           "search.")),
    "case.appeal_refused": Kind(
        _l("Appeal refused: case %(case)s"),
        _l("Your appeal on case %(case)s (“%(title)s”) was refused; the decision stands.")),
    "creator.banned": Kind(
        _l("Your creator account was banned"),
        _l("Staff banned your creator account from the marketplace. Reason: %(reason)s")),
    "creator.unbanned": Kind(
        _l("Your creator account is no longer banned"),
        _l("Staff lifted the ban on your creator account. Reason: %(reason)s")),
    "brand.violation_points": Kind(
        _l("Violation points: %(points)s of %(limit)s"),
        _l("A confirmed undisclosed-ad case was tied to your brand. You now have %(points)s violation points; "
           "at %(limit)s you cannot open new briefs for a while.")),
}


def money_value(cents: int, currency: str) -> dict:
    """An amount as a notification value: shown in the reader's language and currency style."""
    return {"cents": int(cents), "currency": currency}


def get(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        raise LookupError(f"no notification kind {code!r}; add it to notifications/kinds.py") from None
