"""The creator's payout account page: connect (Stripe Express onboarding), refresh."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.access import audience
from marketplace.auth.models import Role
from marketplace.creators.service import profile_for
from marketplace.forms import PostOnlyForm
from marketplace.payout_accounts import service
from marketplace.security import STRIPE_CONNECT_ORIGIN, csp_with_form_targets
from marketplace.web import perform

bp = Blueprint("payout_accounts", __name__, url_prefix="/creator/payouts")


@bp.route("/")
@audience(Role.CREATOR)
def show():
    profile = profile_for(current_user)
    response = current_app.make_response(render_template(
        "payout_accounts/show.html", profile=profile, account=service.account_for(profile),
        needed=service.still_needed(profile), form=PostOnlyForm()))
    # "Connect" answers with a redirect to Stripe's onboarding; the browser follows it only
    # if the form's page allows that site as a form target.
    response.headers["Content-Security-Policy"] = csp_with_form_targets(
        STRIPE_CONNECT_ORIGIN, current_app.config["STRIPE_API_BASE"])
    return response


@bp.route("/connect", methods=["POST"])
@audience(Role.CREATOR)
def connect():
    if not PostOnlyForm().validate_on_submit():
        return redirect(url_for("payout_accounts.show"))
    # The row and its key are committed first, then the account is created under that key.
    started = perform(lambda: service.start_connect(current_user, profile_for(current_user)))
    if not started:
        return redirect(url_for("payout_accounts.show"))
    created = perform(lambda: service.create_account(service.account_for(profile_for(current_user))))
    if not created:
        return redirect(url_for("payout_accounts.show"))
    linked = perform(lambda: service.onboarding_link(
        created.value, refresh_url=url_for("payout_accounts.show", _external=True),
        return_url=url_for("payout_accounts.show", _external=True)))
    if not linked:
        return redirect(url_for("payout_accounts.show"))
    return redirect(linked.value)


@bp.route("/refresh", methods=["POST"])
@audience(Role.CREATOR)
def refresh():
    if PostOnlyForm().validate_on_submit():
        if perform(lambda: service.refresh(service.account_for(profile_for(current_user)))):
            flash(_("Your payout account's state is up to date."), "success")
    return redirect(url_for("payout_accounts.show"))
