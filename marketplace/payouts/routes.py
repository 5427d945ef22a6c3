"""Payout pages: the creator's earnings, and the staff payouts page with retry and the
reconciliation results."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.access import audience
from marketplace.auth.models import Role
from marketplace.creators.service import profile_for
from marketplace.forms import PostOnlyForm
from marketplace.payouts import service
from marketplace.web import perform

bp = Blueprint("payouts", __name__)


@bp.route("/creator/earnings")
@audience(Role.CREATOR)
def earnings():
    profile = profile_for(current_user)
    found = service.earnings(profile) if profile is not None else None
    return render_template("payouts/earnings.html", profile=profile, earnings=found)


@bp.route("/staff/payouts")
@audience(Role.STAFF)
def staff():
    return render_template("payouts/staff.html", sections=service.staff_overview(), counts=service.counts(),
                           differences=service.differences(), form=PostOnlyForm())


@bp.route("/staff/payouts/<int:payout_id>/retry", methods=["POST"])
@audience(Role.STAFF)
def retry(payout_id: int):
    if PostOnlyForm().validate_on_submit():
        if perform(lambda: service.retry(current_user, payout_id)):
            flash(_("Payout %(id)s is due again; the next run pays it.", id=payout_id), "success")
    return redirect(url_for("payouts.staff"))
