"""Creator pages: the profile and price card, the avatar, and the public creator page."""
from flask import abort, flash, redirect, render_template, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.access import PUBLIC, audience
from marketplace.auth.models import Role
from marketplace.creators import bp, eligibility, service, taxonomy
from marketplace.creators.forms import AvatarForm, ProfileForm, from_cents
from marketplace.staff.service import actions_for
from marketplace.web import perform


@bp.app_context_processor
def creator_helpers():
    """For the creator dashboard: the signed-in creator's profile and eligibility."""

    def my_creator_standing():
        profile = service.profile_for(current_user)
        return profile, eligibility.check(profile)

    return {"my_creator_standing": my_creator_standing, "tx_label": taxonomy.label}


@bp.route("/creator/profile", methods=["GET", "POST"])
@audience(Role.CREATOR)
def edit_profile():
    profile = service.profile_for(current_user)
    form = ProfileForm()
    if not form.is_submitted() and profile is not None:
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
    if form.validate_on_submit() and perform(lambda: service.save_profile(current_user, **form.profile_values()), form):
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("creators.edit_profile"))
    return render_template("creators/edit.html", form=form, profile=profile,
                           avatar_form=AvatarForm()), (422 if form.errors else 200)


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
    return send_from_directory(service.avatar_folder(), name, max_age=86400)


@bp.route("/c/<handle>")
@audience(PUBLIC)
def public_page(handle: str):
    profile = service.find_by_handle(handle)
    if profile is None or profile.is_banned and not (current_user.is_authenticated and current_user.is_staff):
        abort(404)
    staff_view = current_user.is_authenticated and current_user.is_staff
    context = {"profile": profile, "staff_view": staff_view}
    if staff_view:
        from marketplace.staff.forms import FollowersForm, PayoutReadinessForm

        context.update(history=actions_for("creator", profile.id),
                       followers_form=FollowersForm(followers=profile.follower_count),
                       payouts_form=PayoutReadinessForm(payouts_ready=profile.payouts_ready_at is not None,
                                                        identity_confirmed=profile.identity_confirmed_at is not None),
                       standing=eligibility.check(profile))
    return render_template("creators/public.html", **context)
