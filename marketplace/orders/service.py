"""Orders' rules: how an order starts (invite, apply), accepting it with the money held,
saying no (decline, withdraw, expire), and cancelling with the refund schedule.

Drafts, review and publishing live in ``orders.drafts``; the scheduler's sweeps in
``orders.deadlines``. Every move goes through ``transitions.move`` (a conditional update),
and every function only flushes: the page, CLI command or job commits.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update

from marketplace import clock, eligibility
from marketplace.audit_trail import record_staff_action
from marketplace.auth.models import Role, User
from marketplace.brands.models import BrandProfile
from marketplace.briefs.models import Brief
from marketplace.creators.models import CreatorProfile
from marketplace.errors import Conflict, Invalid, NotAllowed, NotFound
from marketplace.extensions import db
from marketplace.ledger import service as ledger
from marketplace.ledger.books import lock_waits_refused
from marketplace.ledger.models import AccountKind
from marketplace.matching import scoring
from marketplace.money import Money, share_of
from marketplace.orders import transitions
from marketplace.orders.models import Order
from marketplace.orders.states import HOLDING, Actor, State
from marketplace.transaction import refuse_duplicates

MESSAGE_MAX = 2000
# States in which an order uses one of the brief's slots.
TAKING_SLOT = HOLDING | {State.PAYOUT_SCHEDULED, State.PAID, State.COMPLETED}

# Two invitations or applications for one creator and brief at once: the second commit hits
# the partial unique index and is refused like the sequential check below.
refuse_duplicates("uq_orders_live_brief_creator", lambda: Conflict(
    _("This creator already has an order for this brief.")))


def _reference() -> str:
    return "PO-" + secrets.token_hex(5).upper()


def _clean_message(text: str) -> str:
    text = (text or "").strip()
    if len(text) > MESSAGE_MAX:
        raise Invalid(_("A message has at most %(n)d characters.", n=MESSAGE_MAX), field="message")
    return text


def _fee_for(brief: Brief, quote_cents: int | None) -> tuple[int, int | None]:
    """The creator's fee and the quote it came from (None for a fixed fee)."""
    if brief.fee_mode == "fixed":
        return brief.fee_cents, None
    if not quote_cents or quote_cents <= 0:
        raise Invalid(_("This brief pays the creator's quote: give the quote as an amount above zero."),
                      field="quote")
    return quote_cents, quote_cents


def _live_order_exists(brief: Brief, creator: CreatorProfile) -> bool:
    failed = (State.DECLINED, State.WITHDRAWN, State.EXPIRED, State.CANCELLED)
    return bool(db.session.scalar(select(func.count()).select_from(Order).where(
        Order.brief_id == brief.id, Order.creator_id == creator.id, Order.state.not_in(failed))))


def _new_order(brief: Brief, creator: CreatorProfile, state: State, way_in: str, fee_cents: int,
               quote_cents: int | None, message: str) -> Order:
    if not brief.is_open:
        raise Conflict(_("This brief is not open, so it takes no new orders."))
    if _live_order_exists(brief, creator):
        raise Conflict(_("This creator already has an order for this brief."))
    order = Order(reference=_reference(), brief=brief, creator=creator, brand_id=brief.brand_id,
                  state=state, way_in=way_in, fee_cents=fee_cents,
                  service_fee_cents=share_of(fee_cents, current_app.config["SERVICE_FEE_BPS"]),
                  currency=brief.currency, quote_cents=quote_cents, message=message)
    db.session.add(order)
    db.session.flush()
    order.due_at = transitions.deadline_for(order, state, order.created_at)
    return order


def brand_of(user: User) -> BrandProfile:
    brand = db.session.scalar(select(BrandProfile).where(BrandProfile.user_id == user.id)) \
        if user.role == Role.BRAND else None
    if brand is None:
        raise NotAllowed(_("Only a brand can do this."))
    return brand


def creator_of(user: User) -> CreatorProfile:
    creator = db.session.scalar(select(CreatorProfile).where(CreatorProfile.user_id == user.id)) \
        if user.role == Role.CREATOR else None
    if creator is None:
        raise NotAllowed(_("Set up your creator profile first."))
    return creator


def invite(user: User, brief: Brief, creator: CreatorProfile, message: str = "",
           quote_cents: int | None = None) -> Order:
    """Custom order: the brief's brand invites a creator (picked from its matches)."""
    brand = brand_of(user)
    if brief.brand_id != brand.id:
        raise NotFound(_("There is no such brief."))
    if not eligibility.check(creator, brief).ok:
        raise Conflict(_("@%(handle)s cannot take this brief's orders right now.", handle=creator.handle))
    if quote_cents is None and brief.fee_mode == "quote":
        quote_cents = creator.quote_for(brief.deliverable)
    fee, quote = _fee_for(brief, quote_cents)
    order = _new_order(brief, creator, State.INVITED, "invite", fee, quote, _clean_message(message))
    transitions.record_start(order, "invite", user, Actor.BRAND, order.message)
    db.session.flush()
    return order


def apply(user: User, brief: Brief, pitch: str = "", quote_cents: int | None = None) -> Order:
    """Recruitment: a creator applies to an open brief with a pitch (and a quote, when asked)."""
    creator = creator_of(user)
    eligibility.require_eligible(creator, brief)
    if brief.apply_by < clock.now():
        raise Conflict(_("Applications for this brief closed on its apply-by date."))
    fee, quote = _fee_for(brief, quote_cents)
    order = _new_order(brief, creator, State.APPLIED, "apply", fee, quote, _clean_message(pitch))
    transitions.record_start(order, "apply", user, Actor.CREATOR, order.message)
    db.session.flush()
    return order


# ---- taking the order: slots and money --------------------------------------------------

def _lock_brief(brief: Brief) -> None:
    """Serialise acceptances for one brief, so two for its last slot cannot both count a free
    one (PostgreSQL: row lock; SQLite: a no-op UPDATE takes the write lock first)."""
    table = Brief.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(table.c.id).where(table.c.id == brief.id).with_for_update())
    else:
        db.session.execute(update(table).where(table.c.id == brief.id).values(id=table.c.id))


def slots_taken(brief: Brief) -> int:
    return db.session.scalar(select(func.count()).select_from(Order).where(
        Order.brief_id == brief.id, Order.state.in_(TAKING_SLOT))) or 0


def total(order: Order) -> Money:
    return Money(order.total_cents, order.currency)


def bonus_cap(order: Order) -> Money:
    """The most the brief's performance bonus can pay this order's creator (0 without one):
    held from the brand's balance with the fee at acceptance; the unused part goes back when
    the payout is settled."""
    brief = order.brief
    cents = brief.bonus_cap_cents if brief.bonus_per_1k_reads_cents and brief.bonus_cap_cents else 0
    return Money(cents, order.currency)


def held_at_acceptance(order: Order) -> Money:
    """What acceptance holds: the fee, the service fee and the bonus cap."""
    return total(order) + bonus_cap(order)


def _take(order: Order, action: str, user: User) -> Order:
    brief = order.brief
    eligibility.require_eligible(order.creator, brief)
    with lock_waits_refused():
        _lock_brief(brief)
        if slots_taken(brief) >= brief.slots:
            raise Conflict(_("All %(n)d slots of this brief are taken.", n=brief.slots))
        transitions.move(order, action, user, accepted_at=clock.now())
    ledger.hold(brief.brand_id, order.id, held_at_acceptance(order), f"{order.reference}-hold",
                memo=f"order {order.reference}", actor=user)
    return order


def accept(user: User, order: Order) -> Order:
    """The invited creator accepts: the fee and service fee are held from the brand's balance
    (or nothing happens and the balance's shortfall is named)."""
    return _take(order, "accept", user)


def select_applicant(user: User, order: Order) -> Order:
    """The brand picks an applicant: the same as an accepted invitation."""
    return _take(order, "select", user)


def decline(user: User, order: Order, comment: str = "") -> Order:
    """The creator declines an invitation, or the brand declines an application."""
    transitions.move(order, "decline", user, comment=_clean_message(comment))
    return order


def withdraw(user: User, order: Order, comment: str = "") -> Order:
    """The creator withdraws an application, or the brand its invitation."""
    transitions.move(order, "withdraw", user, comment=_clean_message(comment))
    return order


# ---- cancelling --------------------------------------------------------------------------

def refund_percent(order: Order, actor: Actor | None) -> int:
    """How much of the held money goes back to the brand if ``actor`` cancels now."""
    config = current_app.config
    if actor == Actor.CREATOR or transitions.is_late(order):
        return 100  # the creator stepped back or missed the date: the brand loses nothing
    if order.state == State.IN_REVIEW or (order.state == State.ACCEPTED and order.drafts):
        return config["CANCEL_REFUND_IN_REVIEW_PERCENT"]
    return config["CANCEL_REFUND_BEFORE_DRAFT_PERCENT"]


def cancel(user: User, order: Order, reason: str = "", *, percent: int | None = None) -> Order:
    """Cancel with the refund schedule. After approval only staff cancel (a dispute, with a
    written reason and a refund share they choose), or the brand once the creator is late."""
    actor = transitions.actor_for(order, user)
    reason = _clean_message(reason)
    if actor == Actor.STAFF:
        if not reason:
            raise Invalid(_("Write the reason for cancelling; it is kept in the order's history."), field="reason")
        percent = 100 if percent is None else percent
        if not 0 <= percent <= 100:
            raise Invalid(_("The refund share is a percentage from 0 to 100."), field="percent")
    else:
        percent = refund_percent(order, actor)
    held = order.state in HOLDING
    refund, kill_fee = _shares(order, percent) if held else (Money(0, order.currency),) * 2
    transitions.move(order, "cancel", user, comment=reason, cancel_reason=reason,
                     notice={"refund": refund, "kill_fee": kill_fee})
    if held:
        _pay_back(order, percent, user)
    if actor == Actor.STAFF:
        record_staff_action(user, "order.cancel", "order", order.id, reason, refund_percent=percent)
    return order


def _shares(order: Order, percent: int) -> tuple[Money, Money]:
    """What goes back to the brand (fee and service fee shares) and the creator's kill fee."""
    bps = percent * 100
    back_fee, kill_fee = ledger.split(Money(order.fee_cents, order.currency), bps)
    back_service, _kept = ledger.split(Money(order.service_fee_cents, order.currency), bps)
    return back_fee + back_service, kill_fee


def _pay_back(order: Order, percent: int, user: User | None) -> None:
    """``percent`` of the fee and of the service fee back to the brand; the rest of the fee is
    the creator's kill fee (less commission), the rest of the service fee the platform's."""
    bps = percent * 100
    back_fee, kill_fee = ledger.split(Money(order.fee_cents, order.currency), bps)
    back_service, kept_service = ledger.split(Money(order.service_fee_cents, order.currency), bps)
    back = back_fee + back_service
    if back.cents:
        ledger.refund(order.id, back, f"{order.reference}-refund", memo=f"order {order.reference} cancelled",
                      actor=user)
    if kill_fee.cents or kept_service.cents:
        commission = Money(share_of(kill_fee.cents, current_app.config["CREATOR_COMMISSION_BPS"]), order.currency)
        ledger.settle(order.id, order.creator_id, kill_fee, kept_service, commission,
                      f"{order.reference}-kill-fee", memo=f"order {order.reference} kill fee", actor=user)
    bonus = ledger.order_escrow(order.id)
    if bonus is not None and bonus.cents > 0:  # the bonus cap held at acceptance: all of it back
        ledger.release(order.id, bonus, f"{order.reference}-bonus-release",
                       memo=f"order {order.reference} cancelled: bonus hold", actor=user)


# ---- loading -----------------------------------------------------------------------------

def load_order(order_id: int, viewer) -> Order:
    """The order, for its brand, its creator or staff; anyone else is told it does not exist."""
    order = db.session.get(Order, order_id)
    if order is None or viewer is None or not getattr(viewer, "is_authenticated", False) \
            or transitions.actor_for(order, viewer) is None:
        raise NotFound(_("There is no such order."))
    return order


def complete(order: Order) -> Order:
    """A paid order is done: it counts in the creator's record (on time when the note went out
    by the brief's publish date), which matching ranks by."""
    transitions.move(order, "complete", None)
    on_time = int(order.published_at is not None and order.published_at <= order.brief.publish_by)
    table = CreatorProfile.__table__
    # An increment in SQL, not a read-modify-write: two orders completing at once both count.
    db.session.execute(update(table).where(table.c.id == order.creator_id).values(
        orders_completed=table.c.orders_completed + 1, orders_on_time=table.c.orders_on_time + on_time))
    db.session.flush()
    db.session.expire(order.creator)
    return order


# ---- what pages show ---------------------------------------------------------------------

def expected_payout(order: Order) -> tuple[Money, datetime] | None:
    """What the creator should receive for the order, and when, from the moment they accept:
    the fee less the platform's commission, due ``PAYOUT_HOLD_HOURS`` after the metrics
    window closes (counted from publishing, or from the brief's publish-by date until then).
    None before acceptance and for orders that did not go ahead."""
    if order.state not in TAKING_SLOT:
        return None
    config = current_app.config
    amount = order.fee_cents - share_of(order.fee_cents, config["CREATOR_COMMISSION_BPS"])
    if order.metrics_closed_at is not None:
        closes = order.metrics_closed_at
    else:
        start = order.published_at or max(order.brief.publish_by, clock.now())
        closes = start + timedelta(days=order.brief.metrics_window_days)
    return Money(amount, order.currency), closes + timedelta(hours=config["PAYOUT_HOLD_HOURS"])


def refund_split(order: Order, user: User) -> dict | None:
    """What cancelling now would do with the held money, for the confirmation step: the
    brand's refund and the creator's kill fee (None when nothing is held)."""
    if order.state not in HOLDING:
        return None
    percent = refund_percent(order, transitions.actor_for(order, user))
    back_fee, kill_fee = ledger.split(Money(order.fee_cents, order.currency), percent * 100)
    back_service, kept_service = ledger.split(Money(order.service_fee_cents, order.currency), percent * 100)
    return {"percent": percent, "refund": back_fee + back_service, "kill_fee": kill_fee, "kept_service": kept_service}


def _viewer_scope(user: User):
    """The condition that limits a list to ``user``'s orders (None: staff see every order)."""
    if user.role == Role.BRAND:
        return Order.brand_id == brand_of(user).id
    if user.role == Role.CREATOR:
        return Order.creator_id == creator_of(user).id
    if user.role == Role.STAFF:
        return None
    raise NotAllowed(_("Only brands, creators and staff have orders."))


def orders_for(user: User, state: str | None = None, limit: int = 200) -> tuple[list[Order], dict[str, int]]:
    """``user``'s orders (staff: everyone's), newest first, optionally in one state, and how
    many there are in each state."""
    scope = _viewer_scope(user)
    where = [scope] if scope is not None else []
    counts = dict(db.session.execute(
        select(Order.state, func.count()).where(*where).group_by(Order.state)).all())
    query = select(Order).where(*where)
    if state:
        query = query.where(Order.state == state)
    orders = list(db.session.scalars(query.order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)))
    return orders, counts


def orders_on_brief(brief: Brief, creator: CreatorProfile | None = None) -> list[Order]:
    query = select(Order).where(Order.brief_id == brief.id)
    if creator is not None:
        query = query.where(Order.creator_id == creator.id)
    return list(db.session.scalars(query.order_by(Order.created_at.desc())))


def applicants(brief: Brief) -> list[Order]:
    """The brief's applications, oldest first, whatever became of them."""
    return list(db.session.scalars(select(Order).where(
        Order.brief_id == brief.id, Order.way_in == "apply").order_by(Order.created_at)))


def ranked_applicants(brief: Brief) -> tuple[list[dict], list[dict]]:
    """The applications waiting for the brand, best match first by the same score and reasons
    as the brief's ranked creators (``matching.scoring``), and those already answered.
    Each row: ``{"order", "reasons", "score"}``."""
    speaker = scoring.Speaker()
    rows = []
    for order in applicants(brief):
        reasons = scoring.explain(order.creator, brief, speaker)
        rows.append({"order": order, "reasons": reasons, "score": scoring.total(reasons)})
    waiting = sorted((r for r in rows if r["order"].state == State.APPLIED),
                     key=lambda r: (-r["score"], r["order"].id))
    return waiting, [r for r in rows if r["order"].state != State.APPLIED]


def _duration(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(num)d day", "%(num)d days", days))
    if hours or (days and not parts):
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if not days and not hours:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", max(minutes, 1)))
    return " ".join(parts)


def deadline_sentence(order: Order, now: datetime | None = None) -> str | None:
    """The current deadline as a sentence: who has how long to do what ("the brand has
    2 days 4 hours to review the draft"), or what happens now that it has passed."""
    if order.due_at is None or order.is_final:
        return None
    now = now or clock.now()
    left = order.due_at - now
    if left.total_seconds() <= 0:
        if transitions.is_late(order, now):
            return _("The creator missed the date; the brand may cancel with a full refund.")
        return _("The deadline has passed; the scheduler applies it shortly.")
    time = _duration(left)
    sentences = {
        State.INVITED: _("The creator has %(time)s to answer the invitation.", time=time),
        State.APPLIED: _("The brand has %(time)s to answer the application.", time=time),
        State.ACCEPTED: _("The creator has %(time)s to hand in a draft.", time=time),
        State.IN_REVIEW: _("The brand has %(time)s to review the draft; after that it is approved.", time=time),
        State.APPROVED: _("The creator has %(time)s to publish the approved draft.", time=time),
        State.PUBLISHED: _("The metrics window closes in %(time)s.", time=time),
    }
    return sentences.get(order.state)


def money_moves(order: Order) -> dict:
    """The order's escrow: every movement, what was held and what left it (released,
    refunded or settled)."""
    page = ledger.movements((AccountKind.ORDER_ESCROW, order.id), per_page=100)
    held = sum(m.amount.cents for m in page.items if m.amount.cents > 0)
    left = -sum(m.amount.cents for m in page.items if m.amount.cents < 0)
    return {"items": page.items, "held": Money(held, order.currency), "released": Money(left, order.currency),
            "now": Money(held - left, order.currency)}


# The states in which each side has the next move (for dashboards).
WAITING_ON = {Role.BRAND: (State.APPLIED, State.IN_REVIEW),
              Role.CREATOR: (State.INVITED, State.ACCEPTED, State.APPROVED)}


def waiting_count(user: User) -> int:
    """How many of ``user``'s orders wait for them to act (0 without a profile)."""
    try:
        _orders, counts = orders_for(user, limit=0)
    except NotAllowed:
        return 0
    return sum(counts.get(state, 0) for state in WAITING_ON.get(user.role, ()))
