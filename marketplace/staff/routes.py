"""Staff pages: verify brands, correct creators' reach, manage API tokens.

Each change goes through the owning area's service, which writes the staff log row in the
same transaction; each object's page shows that log.
"""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.access import audience
from marketplace.api_tokens import service as tokens
from marketplace.auth.models import Role
from marketplace.brands import service as brands
from marketplace.creators import service as creators, stats
from marketplace.staff import bp
from marketplace.staff.forms import FollowersForm, PayoutReadinessForm, ReasonForm, TokenForm
from marketplace.audit_trail import entries_for
from marketplace.web import perform


# Staff actions below redirect to the object's page, so `perform` gets no form: a refusal is
# flashed rather than attached to a field that would not be shown.


@bp.route("/brands")
@audience(Role.STAFF)
def brand_list():
    return render_template("staff/brands.html", brands=brands.brands_for_staff())


@bp.route("/brands/<int:brand_id>")
@audience(Role.STAFF)
def brand_detail(brand_id: int):
    brand = brands.load_brand(brand_id)
    return render_template("staff/brand.html", brand=brand, form=ReasonForm(),
                           history=entries_for("brand", brand.id))


@bp.route("/brands/<int:brand_id>/verify", methods=["POST"])
@audience(Role.STAFF)
def verify_brand(brand_id: int):
    brand = brands.load_brand(brand_id)
    form = ReasonForm()
    if form.validate_on_submit() and perform(lambda: brands.verify_brand(current_user, brand, form.reason.data)):
        flash(_("%(name)s is verified.", name=brand.company_name), "success")
    return redirect(url_for("staff.brand_detail", brand_id=brand.id))


@bp.route("/brands/<int:brand_id>/unverify", methods=["POST"])
@audience(Role.STAFF)
def unverify_brand(brand_id: int):
    brand = brands.load_brand(brand_id)
    form = ReasonForm()
    if form.validate_on_submit() and perform(lambda: brands.unverify_brand(current_user, brand, form.reason.data)):
        flash(_("%(name)s is no longer verified.", name=brand.company_name), "success")
    return redirect(url_for("staff.brand_detail", brand_id=brand.id))


@bp.route("/creators")
@audience(Role.STAFF)
def creator_list():
    query = (request.args.get("q") or "").strip()
    return render_template("staff/creators.html", creators=creators.creators_for_staff(query), q=query)


@bp.route("/creators/<int:creator_id>/followers", methods=["POST"])
@audience(Role.STAFF)
def set_followers(creator_id: int):
    profile = creators.load_creator_by_id(creator_id)
    form = FollowersForm()
    if not form.validate_on_submit():
        flash(_("Enter a whole number of followers and a reason."), "error")
    elif perform(lambda: stats.set_followers_by_staff(current_user, profile, form.followers.data, form.reason.data)):
        flash(_("Follower count for @%(handle)s set to %(n)s.", handle=profile.handle,
                n="{:,}".format(profile.follower_count)), "success")
    return redirect(url_for("creators.public_page", handle=profile.handle))


@bp.route("/creators/<int:creator_id>/payouts", methods=["POST"])
@audience(Role.STAFF)
def set_payout_readiness(creator_id: int):
    profile = creators.load_creator_by_id(creator_id)
    form = PayoutReadinessForm()
    if form.validate_on_submit() and perform(lambda: stats.set_payout_readiness_by_staff(
            current_user, profile, payouts_ready=form.payouts_ready.data,
            identity_confirmed=form.identity_confirmed.data, reason=form.reason.data)):
        flash(_("Payout readiness for @%(handle)s is saved.", handle=profile.handle), "success")
    return redirect(url_for("creators.public_page", handle=profile.handle))


@bp.route("/api-tokens", methods=["GET", "POST"])
@audience(Role.STAFF)
def api_tokens():
    form = TokenForm()
    shown_once = None
    if form.validate_on_submit() and (
            outcome := perform(lambda: tokens.create_token(form.name.data, created_by=current_user), form)):
        _token, shown_once = outcome.value
        form = TokenForm(formdata=None)
    response = render_template("staff/api_tokens.html", form=form, tokens=tokens.list_tokens(),
                               shown_once=shown_once, revoke_form=ReasonForm(),
                               history=tokens.token_history())
    # The plain token is on this page only; keep it out of any cache.
    return response, (422 if form.errors else 200), {"Cache-Control": "no-store"}


@bp.route("/api-tokens/<int:token_id>/revoke", methods=["POST"])
@audience(Role.STAFF)
def revoke_api_token(token_id: int):
    token = tokens.load_token(token_id)
    form = ReasonForm()
    if form.validate_on_submit() and perform(lambda: tokens.revoke_token(token, current_user, form.reason.data)):
        flash(_("Token %(name)s is revoked; clients using it now get 401.", name=token.name), "success")
    return redirect(url_for("staff.api_tokens"))


@bp.app_context_processor
def staff_helpers():
    def brands_waiting():
        return [b for b in brands.brands_for_staff() if not b.is_verified]

    return {"brands_waiting": brands_waiting}
