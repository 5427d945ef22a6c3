"""The landing page, the dashboard of each role and the language switch."""
from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_login import current_user

from marketplace import eligibility
from marketplace.access import PUBLIC, SIGNED_IN, audience
from marketplace.auth import service as accounts
from marketplace.auth.models import Role
from marketplace.creators import service as creators
from marketplace.forms import LanguageForm
from marketplace.i18n import LOCALE_COOKIE
from marketplace.web import perform, safe_next

bp = Blueprint("main", __name__)


@bp.app_context_processor
def dashboard_helpers():
    def my_creator_standing():
        """For the creator dashboard: the signed-in creator's profile and eligibility."""
        profile = creators.profile_for(current_user)
        return profile, eligibility.check(profile)

    return {"my_creator_standing": my_creator_standing}


@bp.route("/")
@audience(PUBLIC)
def landing():
    return render_template("main/landing.html")


@bp.route("/dashboard")
@audience(SIGNED_IN)
def dashboard():
    return redirect(url_for(f"main.{current_user.role}_dashboard"))


@bp.route("/creator")
@audience(Role.CREATOR)
def creator_dashboard():
    return render_template("main/creator_dashboard.html")


@bp.route("/brand")
@audience(Role.BRAND)
def brand_dashboard():
    return render_template("main/brand_dashboard.html")


@bp.route("/staff")
@audience(Role.STAFF)
def staff_dashboard():
    return render_template("main/staff_dashboard.html", users_by_role=accounts.count_users_by_role())


@bp.route("/language", methods=["POST"])
@audience(PUBLIC)
def set_language():
    """Remember the chosen language: on the account when signed in, in a cookie always."""
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    back = safe_next(form.next.data, url_for("main.landing"))
    if current_user.is_authenticated and not perform(
            lambda: accounts.set_locale(current_user, form.locale.data)):
        return redirect(back)
    response = redirect(back)
    response.set_cookie(LOCALE_COOKIE, form.locale.data, max_age=365 * 24 * 3600,
                        samesite="Lax", httponly=True,
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response

