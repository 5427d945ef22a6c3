"""Staff pages: verify brands, correct creators' reach, file and de-index notes, manage API
tokens.

Staff pages sit above every area: each change goes through the owning area's service, which
writes the audit-trail entry in the same transaction; each object's page shows that trail.
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import eligibility
from marketplace.access import audience
from marketplace.api_tokens import service as tokens
from marketplace.audit_trail import entries_for
from marketplace.auth.models import Role
from marketplace.brands import service as brands
from marketplace.creators import service as creators, stats
from marketplace.filings import service as filings
from marketplace.notes import service as notes
from marketplace.staff.forms import (AliasesForm, FileForm, FollowersForm, IndexReasonForm, NoteSearchForm,
                                     PayoutReadinessForm, ReasonForm, TokenForm)
from marketplace.web import act, perform

bp = Blueprint("staff", __name__, url_prefix="/staff")


# Staff actions below redirect to the object's page through `act`, which flashes a form error or
# a refusal rather than attaching it to a field that would not be shown.


@bp.route("/brands")
@audience(Role.STAFF)
def brand_list():
    return render_template("staff/brands.html", brands=brands.brands_for_staff())


@bp.route("/brands/<int:brand_id>")
@audience(Role.STAFF)
def brand_detail(brand_id: int):
    brand = brands.load_brand(brand_id)
    return render_template("staff/brand.html", brand=brand, form=ReasonForm(),
                           aliases_form=AliasesForm(aliases="\n".join(brand.aliases or [])),
                           history=entries_for("brand", brand.id))


@bp.route("/brands/<int:brand_id>/aliases", methods=["POST"])
@audience(Role.STAFF)
def set_brand_aliases(brand_id: int):
    brand = brands.load_brand(brand_id)
    form = AliasesForm()
    act(form, lambda: brands.set_aliases(current_user, brand, form.aliases.data, form.reason.data),
        _("Aliases for %(name)s are saved; the detector looks for them from now on.", name=brand.company_name))
    return redirect(url_for("staff.brand_detail", brand_id=brand.id))


@bp.route("/brands/<int:brand_id>/verify", methods=["POST"])
@audience(Role.STAFF)
def verify_brand(brand_id: int):
    brand = brands.load_brand(brand_id)
    form = ReasonForm()
    act(form, lambda: brands.verify_brand(current_user, brand, form.reason.data),
        _("%(name)s is verified.", name=brand.company_name))
    return redirect(url_for("staff.brand_detail", brand_id=brand.id))


@bp.route("/brands/<int:brand_id>/unverify", methods=["POST"])
@audience(Role.STAFF)
def unverify_brand(brand_id: int):
    brand = brands.load_brand(brand_id)
    form = ReasonForm()
    act(form, lambda: brands.unverify_brand(current_user, brand, form.reason.data),
        _("%(name)s is no longer verified.", name=brand.company_name))
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
    act(form, lambda: stats.set_payout_readiness_by_staff(
            current_user, profile, payouts_ready=form.payouts_ready.data,
            identity_confirmed=form.identity_confirmed.data, reason=form.reason.data),
        _("Payout readiness for @%(handle)s is saved.", handle=profile.handle))
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
    act(form, lambda: tokens.revoke_token(token, current_user, form.reason.data),
        _("Token %(name)s is revoked; clients using it now get 401.", name=token.name))
    return redirect(url_for("staff.api_tokens"))


# ---- notes -------------------------------------------------------------------------------

@bp.route("/notes")
@audience(Role.STAFF)
def note_list():
    form = NoteSearchForm(request.args)
    page = max(request.args.get("page", 1, type=int), 1)
    if form.validate():
        found, total = notes.notes_for_staff(form.creator.data, form.title.data, form.state.data or "", page=page)
    else:
        found, total = [], 0
    return render_template("staff/notes.html", form=form, notes=found, total=total, page=page, per_page=50)


@bp.route("/notes/<int:note_id>")
@audience(Role.STAFF)
def note(note_id: int):
    shown = notes.load_note(note_id, current_user)
    return render_template("notes/staff.html", note=shown, file_form=FileForm.for_brands(),
                           reason_form=IndexReasonForm(), history=entries_for("note", shown.id),
                           unindexed_reason=notes.not_indexable_reason(shown))


@bp.route("/notes/<int:note_id>/deindex", methods=["POST"])
@audience(Role.STAFF)
def deindex_note(note_id: int):
    return _index_action(note_id, notes.deindex_note, _("The note is out of search."))


@bp.route("/notes/<int:note_id>/reindex", methods=["POST"])
@audience(Role.STAFF)
def reindex_note(note_id: int):
    return _index_action(note_id, notes.restore_to_index, _("The note is back in search."))


def _index_action(note_id: int, action, done: str):
    shown = notes.load_note(note_id, current_user)
    form = IndexReasonForm()
    act(form, lambda: action(shown, current_user, form.reason.data), done)
    return redirect(url_for("staff.note", note_id=shown.id))


@bp.route("/notes/<int:note_id>/file", methods=["POST"])
@audience(Role.STAFF)
def file_note(note_id: int):
    shown = notes.load_note(note_id, current_user)
    form = FileForm.for_brands()
    act(form, lambda: filings.staff_file_note(shown, form.brand_id.data, form.order_reference.data, current_user,
                                              form.reason.data),
        lambda filing: _("The note is filed. Receipt %(code)s.", code=filing.code))
    return redirect(url_for("staff.note", note_id=shown.id))


# ---- what staff pages add to other pages ----------------------------------------------------

@bp.app_context_processor
def staff_helpers():
    def brands_waiting():
        return [b for b in brands.brands_for_staff() if not b.is_verified]

    def staff_creator_panel(profile) -> dict:
        """The staff panel on a creator's public page (``staff/_creator_panel.html``)."""
        return {
            "followers_form": FollowersForm(followers=profile.follower_count),
            "payouts_form": PayoutReadinessForm(payouts_ready=profile.payouts_ready_at is not None,
                                                identity_confirmed=profile.identity_confirmed_at is not None),
            "standing": eligibility.check(profile),
            "history": entries_for("creator", profile.id),
        }

    return {"brands_waiting": brands_waiting, "staff_creator_panel": staff_creator_panel}
