"""Order pages: invite a creator from a brief's matches, apply to a brief, the brand's
applicants, order lists, the order page with its next actions, drafts and their review,
cancelling with a confirmation step, and staff's view of every order with a dispute cancel.

Views parse, call one service through ``web.perform`` and render. Which buttons an order
page shows comes from ``states.TRANSITIONS`` (``transitions.next_actions``)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import eligibility
from marketplace.access import audience
from marketplace.audit_trail.service import entries_for
from marketplace.auth.models import Role
from marketplace.briefs import service as briefs
from marketplace.creators import service as creators
from marketplace.errors import NotAllowed
from marketplace.forms import PostOnlyForm
from marketplace.ledger import listing
from marketplace.ledger.books import InsufficientFunds
from marketplace.matching import scoring
from marketplace.money import from_cents
from marketplace.orders import drafts, images, service, transitions
from marketplace.orders.forms import ApplyForm, CancelForm, DisputeCancelForm, DraftForm, InviteForm, ReviewForm
from marketplace.orders.states import HOLDING, Actor, State
from marketplace.web import perform, safe_next

bp = Blueprint("orders", __name__)

# The one-button moves an order page offers (POST /orders/<id>/do/<action>); cancelling has its
# own confirmation page, submitting a draft and reviewing have forms.
SIMPLE_ACTIONS = {
    "accept": lambda user, order: service.accept(user, order),
    "select": lambda user, order: service.select_applicant(user, order),
    "decline": lambda user, order: service.decline(user, order),
    "withdraw": lambda user, order: service.withdraw(user, order),
    "publish": lambda user, order: drafts.publish(user, order),
}


@bp.app_context_processor
def orders_helpers():
    def orders_of_brief(brief):
        """On a brief's page: the signed-in creator's own order for it, if any."""
        if not (current_user.is_authenticated and current_user.is_creator):
            return []
        profile = creators.profile_for(current_user)
        return service.orders_on_brief(brief, profile) if profile else []

    return {"my_orders_on_brief": orders_of_brief,
            "orders_waiting_for_me": lambda: service.waiting_count(current_user),
            "order_state_label": transitions.state_label,
            "order_action_label": lambda action: str(transitions.ACTION_LABELS.get(action, action)),
            "order_actor_label": lambda actor: str(transitions.ACTOR_LABELS.get(actor, actor))}


def _done_message(action: str) -> str:
    return {
        "accept": _("You accepted the order. The brand's money is held until the work is done."),
        "select": _("You selected this creator. The fee and service fee are held from your balance."),
        "decline": _("Declined."),
        "withdraw": _("Withdrawn."),
        "publish": _("Your note is published and filed for the brand."),
    }[action]


# ---- ways in -------------------------------------------------------------------------------

@bp.route("/briefs/<int:brief_id>/invite/<handle>", methods=["GET", "POST"])
@audience(Role.BRAND)
def invite(brief_id: int, handle: str):
    brief = briefs.load_brief(brief_id, current_user, edit=True)
    creator = creators.load_creator(handle, current_user)
    form = InviteForm()
    if not form.is_submitted() and brief.fee_mode == "quote":
        quote = creator.quote_for(brief.deliverable)
        form.quote.data = from_cents(quote, brief.currency) if quote else None
    standing = eligibility.check(creator, brief)
    if form.validate_on_submit() and (outcome := perform(lambda: service.invite(
            current_user, brief, creator, form.message.data, form.quote_cents(brief.currency)), form)):
        flash(_("Invitation sent to @%(handle)s.", handle=creator.handle), "success")
        return redirect(url_for("orders.show", order_id=outcome.value.id))
    return render_template("orders/invite.html", form=form, brief=brief, creator=creator, standing=standing,
                           reasons=scoring.explain(creator, brief)), (422 if form.is_submitted() else 200)


@bp.route("/briefs/<int:brief_id>/apply", methods=["GET", "POST"])
@audience(Role.CREATOR)
def apply(brief_id: int):
    brief = briefs.load_brief(brief_id, current_user)
    profile = creators.profile_for(current_user)
    form = ApplyForm()
    if not form.is_submitted() and brief.fee_mode == "quote" and profile is not None:
        quote = profile.quote_for(brief.deliverable)
        form.quote.data = from_cents(quote, brief.currency) if quote else None
    if form.validate_on_submit() and (outcome := perform(lambda: service.apply(
            current_user, brief, form.pitch.data, form.quote_cents(brief.currency)), form)):
        flash(_("Your application is sent. The brand answers it from its list of applicants."), "success")
        return redirect(url_for("orders.show", order_id=outcome.value.id))
    standing = eligibility.check(profile, brief)
    return render_template("orders/apply.html", form=form, brief=brief, profile=profile, standing=standing), \
        (422 if form.is_submitted() else 200)


@bp.route("/briefs/<int:brief_id>/applicants")
@audience(Role.BRAND, Role.STAFF)
def applicants(brief_id: int):
    brief = briefs.load_brief(brief_id, current_user, edit=not current_user.is_staff)
    waiting, answered = service.ranked_applicants(brief)
    return render_template("orders/applicants.html", brief=brief, waiting=waiting, answered=answered,
                           slots_taken=service.slots_taken(brief))


# ---- lists ---------------------------------------------------------------------------------

def _state_filter() -> str | None:
    state = request.args.get("state") or None
    return state if state in set(State) else None


@bp.route("/orders")
@audience(Role.BRAND, Role.CREATOR)
def mine():
    state = _state_filter()
    try:
        orders, counts = service.orders_for(current_user, state)
    except NotAllowed as error:
        flash(error.reason, "info")
        orders, counts = [], {}
    return render_template("orders/list.html", orders=orders, counts=counts, state=state, staff=False)


@bp.route("/staff/orders")
@audience(Role.STAFF)
def staff_list():
    state = _state_filter()
    orders, counts = service.orders_for(current_user, state)
    return render_template("orders/list.html", orders=orders, counts=counts, state=state, staff=True)


# ---- the order page ------------------------------------------------------------------------

def _render_order(order, status: int = 200, *, short=None, review_form=None, cancel_form=None):
    actor = transitions.actor_for(order, current_user)
    draft = order.latest_draft
    return render_template(
        "orders/show.html", order=order, actor=actor, actions=transitions.next_actions(order, actor),
        simple_actions=SIMPLE_ACTIONS, deadline=service.deadline_sentence(order),
        money=service.money_moves(order), payout=service.expected_payout(order) if actor != Actor.BRAND else None,
        draft=draft, checklist=drafts.checklist(order.brief, draft), short=short,
        review_form=review_form or ReviewForm(formdata=None),
        dispute_form=cancel_form or DisputeCancelForm(formdata=None),
        txn_kind_label=lambda kind: str(listing.TXN_KIND_LABELS.get(kind, kind)),
        history=entries_for("order", order.id) if actor == Actor.STAFF else None,
        late=transitions.is_late(order), holding=order.state in HOLDING), status


@bp.route("/orders/<int:order_id>")
@audience(Role.BRAND, Role.CREATOR, Role.STAFF)
def show(order_id: int):
    return _render_order(service.load_order(order_id, current_user))


@bp.route("/orders/<int:order_id>/do/<action>", methods=["POST"])
@audience(Role.BRAND, Role.CREATOR)
def act(order_id: int, action: str):
    order = service.load_order(order_id, current_user)
    if action not in SIMPLE_ACTIONS:
        abort(404)
    if not PostOnlyForm().validate_on_submit():
        abort(400)
    outcome = perform(lambda: SIMPLE_ACTIONS[action](current_user, order))
    back = safe_next(request.form.get("next"), url_for("orders.show", order_id=order.id))
    if outcome:
        flash(_done_message(action), "success")
        return redirect(back)
    if isinstance(outcome.error, InsufficientFunds):
        return _render_order(service.load_order(order_id, current_user), 409, short=outcome.error.short)
    return redirect(back)


@bp.route("/orders/<int:order_id>/cancel", methods=["GET", "POST"])
@audience(Role.BRAND, Role.CREATOR)
def cancel(order_id: int):
    """Cancelling asks first, without script: this page shows where the money would go."""
    order = service.load_order(order_id, current_user)
    actor = transitions.actor_for(order, current_user)
    form = CancelForm()
    if form.validate_on_submit() and perform(lambda: service.cancel(current_user, order, form.reason.data), form):
        flash(_("The order is cancelled."), "success")
        return redirect(url_for("orders.show", order_id=order.id))
    if form.is_submitted() and not form.errors:
        return redirect(url_for("orders.show", order_id=order.id))
    return render_template("orders/cancel.html", order=order, form=form,
                           allowed=transitions.allowed(order, "cancel", actor) is not None,
                           split=service.refund_split(order, current_user)), (422 if form.errors else 200)


@bp.route("/staff/orders/<int:order_id>/cancel", methods=["POST"])
@audience(Role.STAFF)
def dispute_cancel(order_id: int):
    order = service.load_order(order_id, current_user)
    form = DisputeCancelForm()
    if form.validate_on_submit() and perform(lambda: service.cancel(
            current_user, order, form.reason.data, percent=form.percent.data), form):
        flash(_("The order is cancelled; the reason is kept in its history."), "success")
        return redirect(url_for("orders.show", order_id=order.id))
    return _render_order(service.load_order(order_id, current_user), 422, cancel_form=form)


# ---- drafts --------------------------------------------------------------------------------

@bp.route("/orders/<int:order_id>/draft", methods=["GET", "POST"])
@audience(Role.CREATOR)
def submit_draft(order_id: int):
    order = service.load_order(order_id, current_user)
    form = DraftForm()
    latest = order.latest_draft
    if not form.is_submitted() and latest is not None:
        form.title.data, form.body.data, form.tags.data = latest.title, latest.body, " ".join(latest.tag_list)
    if form.validate_on_submit() and perform(lambda: drafts.submit(
            current_user, order, form.title.data, form.body.data, form.tags.data,
            uploads=request.files.getlist(form.images.name)), form):
        flash(_("Your draft is handed in. The brand reviews it next."), "success")
        return redirect(url_for("orders.show", order_id=order.id))
    return render_template("orders/draft_form.html", order=order, form=form, latest=latest,
                           checklist=drafts.checklist(order.brief, None)), (422 if form.is_submitted() else 200)


@bp.route("/orders/<int:order_id>/review", methods=["POST"])
@audience(Role.BRAND)
def review(order_id: int):
    order = service.load_order(order_id, current_user)
    form = ReviewForm()
    decision = request.form.get("decision")
    if decision not in ("approve", "revise"):
        abort(400)
    if form.validate_on_submit():
        if decision == "approve":
            done = perform(lambda: drafts.approve(current_user, order, form.comments.data), form)
            message = _("You approved the draft. The creator can publish it now.")
        else:
            done = perform(lambda: drafts.request_revision(current_user, order, form.comments.data), form)
            message = _("You asked for a revision. The creator sees your comments.")
        if done:
            flash(message, "success")
            return redirect(url_for("orders.show", order_id=order.id))
    return _render_order(service.load_order(order_id, current_user), 422, review_form=form)


@bp.route("/orders/<int:order_id>/drafts")
@audience(Role.BRAND, Role.CREATOR, Role.STAFF)
def versions(order_id: int):
    order = service.load_order(order_id, current_user)
    by_number = {d.number: d for d in order.drafts}
    newest = order.drafts[-1].number if order.drafts else 0
    new = by_number.get(request.args.get("b", newest, type=int))
    old = by_number.get(request.args.get("a", (new.number - 1) if new else 0, type=int))
    changes = drafts.diff(old, new) if old and new and old is not new else None
    return render_template("orders/drafts.html", order=order, old=old, new=new, changes=changes,
                           checklist=drafts.checklist(order.brief, new))


@bp.route("/orders/<int:order_id>/images/<name>")
@audience(Role.BRAND, Role.CREATOR, Role.STAFF)
def draft_image(order_id: int, name: str):
    order = service.load_order(order_id, current_user)
    if not images.STORED_NAME.match(name) or images.find(order.drafts, name) is None:
        abort(404)
    response = send_from_directory(images.upload_folder(), name, max_age=3600)
    response.cache_control.public = False
    response.cache_control.private = True
    return response
