"""Sentences for the audit-trail entries this area writes, in the reader's language."""
from __future__ import annotations

from flask_babel import gettext as _


def sentence(entry) -> str:
    """One sentence for a trail entry ("Confirmed the case: an undisclosed ad."); the code
    itself for actions this area does not write."""
    params = entry.params or {}
    who = entry.actor_label
    action = entry.action
    if action == "case.confirm":
        return _("%(who)s confirmed the case: the note is an undisclosed ad.", who=who)
    if action == "case.confirm_unfiled":
        return _("The scheduler confirmed the case: the note was not filed in time.")
    if action == "case.dismiss":
        return _("%(who)s dismissed the case.", who=who)
    if action == "case.request_filing":
        return _("%(who)s asked the creator to file the note through its order.", who=who)
    if action == "case.filed":
        return _("%(who)s filed the note through order %(order)s.", who=who, order=params.get("order", "?"))
    if action == "case.rescanned":
        return _("The creator edited the note while the case waited: the case now shows version %(new)s "
                 "(score %(before)s → %(after)s); version %(old)s is kept below.",
                 old=params.get("from_version", "?"), new=params.get("to_version", "?"),
                 before=params.get("from_score", "?"), after=params.get("to_score", "?"))
    if action == "case.appeal":
        return _("%(who)s appealed the decision.", who=who)
    if action == "case.appeal_grant":
        return _("%(who)s granted the appeal: the case is overturned.", who=who)
    if action == "case.appeal_deny":
        return _("%(who)s denied the appeal: the decision stands.", who=who)
    if action == "creator.ban":
        return _("%(who)s banned @%(handle)s.", who=who, handle=params.get("handle", "?"))
    if action == "creator.unban":
        return _("%(who)s lifted the ban on @%(handle)s.", who=who, handle=params.get("handle", "?"))
    if action == "brand.aliases":
        return _("%(who)s set the brand's aliases to: %(aliases)s.", who=who,
                 aliases=", ".join(params.get("aliases") or []) or "—")
    if action == "note.deindex":
        return _("%(who)s removed the note from search.", who=who)
    if action == "note.reindex":
        return _("%(who)s returned the note to search.", who=who)
    return action
