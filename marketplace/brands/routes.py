"""Brand pages: the company profile (verification status included)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.access import audience
from marketplace.auth.models import Role
from marketplace.brands import service
from marketplace.brands.forms import CompanyForm
from marketplace.web import perform

bp = Blueprint("brands", __name__)


@bp.app_context_processor
def brand_helpers():
    return {"my_brand_profile": lambda: service.profile_for(current_user)}


@bp.route("/brand/profile", methods=["GET", "POST"])
@audience(Role.BRAND)
def edit_profile():
    profile = service.profile_for(current_user)
    form = CompanyForm(obj=profile)
    if form.validate_on_submit():
        outcome = perform(lambda: service.save_profile(
            current_user, company_name=form.company_name.data, website=form.website.data,
            industry=form.industry.data, version=form.opened_at()), form)
        if outcome:
            flash(_("Your company profile is saved."), "success")
            return redirect(url_for("brands.edit_profile"))
        if outcome.changed:  # saved meanwhile: show what is saved now (the version comes along)
            profile = service.profile_for(current_user)
            form = CompanyForm(formdata=None, obj=profile)
            return render_template("brands/edit.html", form=form, profile=profile), 409
    return render_template("brands/edit.html", form=form, profile=profile), (422 if form.errors else 200)
