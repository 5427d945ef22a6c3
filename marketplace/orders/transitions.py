"""The one way an order changes state: :func:`move`.

It looks the move up in ``states.TRANSITIONS`` for the actor, then changes the row with a
conditional update (``UPDATE orders … WHERE id = ? AND state = <the state the caller saw>``):
when two requests race (approve and cancel at once, two sweeps), the database lets exactly one
update the row and the other finds no row to change and is refused with "someone else got
there first". Then it writes the timeline event and tells the other side what
``orders.notices`` says (mail goes after the commit). Money is the callers' part
(``orders.service``, ``orders.drafts``), done after the move in the same transaction.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from marketplace import clock
from marketplace.auth.models import Role, User
from marketplace.errors import Conflict, NotAllowed
from marketplace.extensions import db
from marketplace.orders import notices, states
from marketplace.orders.models import Order, OrderEvent
from marketplace.orders.states import Actor, State, Transition

STATE_LABELS = {
    State.INVITED: _l("invited"), State.APPLIED: _l("applied"), State.ACCEPTED: _l("accepted"),
    State.IN_REVIEW: _l("draft in review"), State.APPROVED: _l("draft approved"),
    State.PUBLISHED: _l("published"), State.METRICS_REPORTED: _l("metrics reported"),
    State.PAYOUT_SCHEDULED: _l("payout scheduled"), State.PAID: _l("paid"),
    State.COMPLETED: _l("completed"), State.DECLINED: _l("declined"), State.WITHDRAWN: _l("withdrawn"),
    State.EXPIRED: _l("expired"), State.CANCELLED: _l("cancelled"),
}
ACTION_LABELS = {
    "invite": _l("invite"), "apply": _l("apply"), "accept": _l("accept"), "decline": _l("decline"),
    "withdraw": _l("withdraw"), "expire": _l("expire"), "select": _l("select"), "submit": _l("submit a draft"),
    "cancel": _l("cancel"), "approve": _l("approve the draft"), "revise": _l("request a revision"),
    "publish": _l("publish"), "close_metrics": _l("close the metrics window"),
    "schedule_payout": _l("schedule the payout"), "mark_paid": _l("mark paid"), "complete": _l("complete"),
    "mark_late": _l("mark the date missed"),
}
ACTOR_LABELS = {Actor.CREATOR: _l("the creator"), Actor.BRAND: _l("the brand"), Actor.STAFF: _l("staff"),
                Actor.SCHEDULER: _l("the scheduler")}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def actor_for(order: Order, user: User | None) -> Actor | None:
    """The part ``user`` plays on ``order`` (None: the scheduler), or None for a stranger."""
    if user is None:
        return Actor.SCHEDULER
    if user.role == Role.STAFF:
        return Actor.STAFF
    if user.role == Role.CREATOR and order.creator.user_id == user.id:
        return Actor.CREATOR
    if user.role == Role.BRAND and order.brand.user_id == user.id:
        return Actor.BRAND
    return None


def is_late(order: Order, now: datetime | None = None) -> bool:
    """The creator missed the current state's date (draft due, publish by)."""
    rule = states.DEADLINES.get(order.state)
    if rule is None or rule.effect != "mark_late" or order.due_at is None:
        return False
    return order.due_at <= (now or clock.now())


def deadline_for(order: Order, state: State, now: datetime) -> datetime | None:
    """The moment ``state``'s time runs out for ``order`` entering it now (states.DEADLINES)."""
    config, brief = current_app.config, order.brief
    hours = lambda knob: timedelta(hours=config[knob])  # noqa: E731
    if state == State.INVITED:
        return now + hours("INVITATION_EXPIRY_HOURS")
    if state == State.APPLIED:
        return max(brief.apply_by, now) + hours("INVITATION_EXPIRY_HOURS")
    # After the brand's answer the creator always has some time, even past the brief's date.
    if state == State.ACCEPTED:
        return brief.draft_due if not order.drafts else max(brief.draft_due, now + hours("ACT_AFTER_REVIEW_HOURS"))
    if state == State.IN_REVIEW:
        return now + hours("DRAFT_REVIEW_HOURS")
    if state == State.APPROVED:
        return max(brief.publish_by, now + hours("ACT_AFTER_REVIEW_HOURS"))
    if state == State.PUBLISHED:
        return now + timedelta(days=brief.metrics_window_days)
    return None


def refusal(order: Order, action: str, actor: Actor | None) -> Exception:
    here = states.transitions_from(order.state)
    doing = str(ACTION_LABELS.get(action, action))
    if actor is None:
        return NotAllowed(_("This is not your order."))
    someone = [t for t in here if t.action == action]
    if someone:
        late = [t for t in someone if actor in t.actors and t.only_when_late]
        if late:
            return Conflict(_("You can %(action)s this order only once the creator has missed its date "
                              "(%(state)s).", action=doing, state=state_label(order.state)))
        who = ", ".join(str(ACTOR_LABELS[a]) for t in someone for a in sorted(t.actors))
        return NotAllowed(_("Only %(who)s can %(action)s this order now.", who=who, action=doing))
    return Conflict(_("This order is %(state)s, so you cannot %(action)s now.",
                      state=state_label(order.state), action=doing))


def allowed(order: Order, action: str, actor: Actor | None, now: datetime | None = None) -> Transition | None:
    """The move ``actor`` may make with ``action`` now, or None."""
    if actor is None:
        return None
    move_ = states.find(action, order.state, actor)
    if move_ is None:
        return None
    if move_.only_when_late and not is_late(order, now):
        return None
    return move_


def next_actions(order: Order, actor: Actor | None) -> list[str]:
    """The actions ``actor`` may take on ``order`` now, in table order (for buttons)."""
    seen: list[str] = []
    for t in states.transitions_from(order.state):
        if t.action not in seen and allowed(order, t.action, actor):
            seen.append(t.action)
    return seen


def move(order: Order, action: str, user: User | None, *, comment: str = "", actor: Actor | None = None,
         notice: dict | None = None, **values) -> Transition:
    """Make ``action`` on ``order`` as ``user`` (None: the scheduler), or refuse and change
    nothing. ``values`` are more columns to set in the same UPDATE; ``notice`` more values
    for the notifications (e.g. a cancellation's amounts)."""
    actor = actor or actor_for(order, user)
    now = clock.now()
    transition = allowed(order, action, actor, now)
    if transition is None:
        raise refusal(order, action, actor)
    seen = order.state
    values.setdefault("due_at", deadline_for(order, transition.target, now))
    values.setdefault("late_at", None)
    if transition.target in states.FINAL:
        values["ended_at"] = now
    result = db.session.execute(
        update(Order).where(Order.id == order.id, Order.state == seen)
        .values(state=transition.target, version=Order.version + 1, **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_("Someone else got there first: this order is no longer %(state)s. Reload the "
                         "page to see what happened.", state=state_label(seen)))
    db.session.add(OrderEvent(order_id=order.id, at=now, actor=actor, user_id=user.id if user else None,
                              action=action, from_state=seen, to_state=transition.target, comment=comment))
    db.session.flush()
    db.session.refresh(order)
    notices.tell(order, action, seen, actor, **(notice or {}))
    return transition


def record_start(order: Order, action: str, user: User, actor: Actor, comment: str = "") -> None:
    """The first event of a new order (invite or apply): no state before it."""
    db.session.add(OrderEvent(order_id=order.id, at=clock.now(), actor=actor, user_id=user.id,
                              action=action, from_state=None, to_state=order.state, comment=comment))
    notices.tell(order, action, None, actor)
