"""Creator pages: the profile and price card, the avatar, and the public creator page.

Higher areas add to the public page through template helpers they register themselves: the
creator's notes (``notes_of``) and, for staff, the staff panel (``staff_creator_panel``)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.access import PUBLIC, audience
from marketplace.auth.models import Role
from marketplace.creators import service
from marketplace.creators.forms import AvatarForm, ProfileForm
from marketplace.money import from_cents
from marketplace.web import perform

bp = Blueprint("creators", __name__)


@bp.route("/creator/profile", methods=["GET", "POST"])
@audience(Role.CREATOR)
def edit_profile():
    profile = service.profile_for(current_user)
    form = ProfileForm()
    if not form.is_submitted() and profile is not None:
        _fill(form, profile)
    if form.validate_on_submit():
        outcome = perform(lambda: service.save_profile(current_user, **form.profile_values(),
                                                       version=form.opened_at()), form)
        if outcome:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("creators.edit_profile"))
        if outcome.changed:  # saved meanwhile (another tab): show what is saved now
            profile = service.profile_for(current_user)
            form = ProfileForm(formdata=None)
            _fill(form, profile)
            return render_template("creators/edit.html", form=form, profile=profile,
                                   avatar_form=AvatarForm()), 409
    return render_template("creators/edit.html", form=form, profile=profile,
                           avatar_form=AvatarForm()), (422 if form.errors else 200)


def _fill(form: ProfileForm, profile) -> None:
    form.handle.data = profile.handle
    form.bio.data = profile.bio
    form.categories.data = profile.categories
    form.region.data = profile.region
    form.languages.data = profile.language_list
    form.currency.data = profile.currency
    form.image_enabled.data = profile.image_quote_cents is not None
    form.image_quote.data = from_cents(profile.image_quote_cents)
    form.video_enabled.data = profile.video_quote_cents is not None
    form.video_quote.data = from_cents(profile.video_quote_cents)
    form.accepting_orders.data = profile.accepting_orders
    form.show_version(profile)


@bp.route("/creator/profile/avatar", methods=["POST"])
@audience(Role.CREATOR)
def upload_avatar():
    profile = service.profile_for(current_user)
    form = AvatarForm()
    if profile is None:
        flash(_("Save your profile first, then add an avatar."), "error")
    elif form.validate_on_submit():
        upload = form.avatar.data
        if perform(lambda: service.set_avatar(profile, upload.read() if upload else b"")):
            flash(_("Your avatar is updated."), "success")
    return redirect(url_for("creators.edit_profile"))


@bp.route("/avatars/<name>")
@audience(PUBLIC)
def avatar(name: str):
    return service.AVATARS.serve(name, max_age=86400)


@bp.route("/c/<handle>")
@audience(PUBLIC)
def public_page(handle: str):
    profile = service.load_creator(handle, current_user)
    staff_view = current_user.is_authenticated and current_user.is_staff
    return render_template("creators/public.html", profile=profile, staff_view=staff_view)
