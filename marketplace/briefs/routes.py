"""Brief pages: a brand's list, create/edit/open/close/delete, and the brief page.

The ranked lists (creators for a brief, briefs for a creator) and the creator's fit on the
brief page come from the matching area, which sits above briefs."""
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.access import SIGNED_IN, audience
from marketplace.auth.models import Role
from marketplace.brands import service as brands
from marketplace.briefs import service
from marketplace.briefs.forms import BriefForm
from marketplace.forms import PostOnlyForm
from marketplace.web import act, perform

bp = Blueprint("briefs", __name__)


@bp.route("/brand/briefs")
@audience(Role.BRAND)
def my_briefs():
    return render_template("briefs/mine.html", briefs=service.briefs_of(current_user),
                           brand=brands.profile_for(current_user))


@bp.route("/briefs/new", methods=["GET", "POST"])
@audience(Role.BRAND)
def create():
    brand = brands.profile_for(current_user)
    if brand is None:
        flash(_("Set up your company profile before posting a brief."), "info")
        return redirect(url_for("brands.edit_profile"))
    form = BriefForm()
    if not form.is_submitted():
        form.min_followers.data = current_app.config["MIN_FOLLOWERS"]
        form.metrics_window_days.data = current_app.config["METRICS_WINDOW_DAYS"]
        form.protection_days.data = current_app.config["PROTECTION_MIN_DAYS"]
    if form.validate_on_submit() and (
            outcome := perform(lambda: service.create_draft(current_user, form.to_input()), form)):
        flash(_("Draft saved. Check it, then open it to creators."), "success")
        return redirect(url_for("briefs.show", brief_id=outcome.value.id))
    return render_template("briefs/form.html", form=form, brief=None, brand=brand), (422 if form.errors else 200)


@bp.route("/briefs/<int:brief_id>/edit", methods=["GET", "POST"])
@audience(Role.BRAND)
def edit(brief_id: int):
    brief = service.load_brief(brief_id, current_user, edit=True)
    if reason := service.edit_refusal(brief):  # no form that could only be refused
        flash(reason, "info")
        return redirect(url_for("briefs.show", brief_id=brief.id))
    form = BriefForm()
    if not form.is_submitted():
        form.fill_from(brief)
    if form.validate_on_submit():
        outcome = perform(lambda: service.update_draft(current_user, brief, form.to_input(),
                                                       version=form.opened_at()), form)
        if outcome:
            flash(_("Draft saved."), "success")
            return redirect(url_for("briefs.show", brief_id=brief.id))
        if outcome.changed:  # someone saved first: show what they saved, with its version
            form = BriefForm(formdata=None)
            form.fill_from(brief)
            return render_template("briefs/form.html", form=form, brief=brief, brand=brief.brand), 409
    return render_template("briefs/form.html", form=form, brief=brief, brand=brief.brand), (422 if form.errors else 200)


def _change_state(brief_id: int, change, done: str):
    brief = service.load_brief(brief_id, current_user, edit=True)
    act(PostOnlyForm(), lambda: change(current_user, brief), done)
    return redirect(url_for("briefs.show", brief_id=brief.id))


@bp.route("/briefs/<int:brief_id>/open", methods=["POST"])
@audience(Role.BRAND)
def open_brief(brief_id: int):
    return _change_state(brief_id, service.open_brief, _("The brief is open. Eligible creators can see it now."))


@bp.route("/briefs/<int:brief_id>/close", methods=["POST"])
@audience(Role.BRAND)
def close_brief(brief_id: int):
    return _change_state(brief_id, service.close_brief, _("The brief is closed to new applications."))


@bp.route("/briefs/<int:brief_id>/delete", methods=["POST"])
@audience(Role.BRAND)
def delete_brief(brief_id: int):
    brief = service.load_brief(brief_id, current_user, edit=True)
    if PostOnlyForm().validate_on_submit() and perform(lambda: service.delete_draft(current_user, brief)):
        flash(_("The draft is deleted."), "success")
        return redirect(url_for("briefs.my_briefs"))
    return redirect(url_for("briefs.show", brief_id=brief_id))


@bp.route("/briefs/<int:brief_id>")
@audience(SIGNED_IN)
def show(brief_id: int):
    brief = service.load_brief(brief_id, current_user)
    is_owner = service.is_owner(current_user, brief)
    open_refusal = service.open_refusal(current_user, brief) if is_owner and brief.is_draft else None
    return render_template("briefs/show.html", brief=brief, is_owner=is_owner, open_refusal=open_refusal)
