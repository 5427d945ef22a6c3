"""Account pages: sign up, log in, log out, change password."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from marketplace.access import PUBLIC, SIGNED_IN, audience
from marketplace.auth import service
from marketplace.auth.forms import ChangePasswordForm, LoginForm, SignupForm
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.forms import PostOnlyForm
from marketplace.web import perform, safe_next, show_error

bp = Blueprint("auth", __name__)


@bp.route("/signup", methods=["GET", "POST"])
@audience(PUBLIC)
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = SignupForm(role=request.args.get("role", "creator"))
    if form.validate_on_submit() and (outcome := perform(lambda: service.sign_up(
            form.email.data, form.password.data, form.display_name.data, form.role.data), form)):
        login_user(outcome.value)
        flash(_("Welcome to Pappus, %(name)s.", name=outcome.value.display_name), "success")
        return redirect(url_for("main.dashboard"))
    return render_template("auth/signup.html", form=form), (422 if form.errors else 200)


@bp.route("/login", methods=["GET", "POST"])
@audience(PUBLIC)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.email.data, form.password.data, request.remote_addr)
        except service.Throttled as error:
            db.session.rollback()
            show_error(None, error)
            status = 429
        except DomainError as error:
            db.session.commit()  # keep the recorded failure: throttling counts it
            show_error(None, error)
            status = 401
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("main.dashboard")))
    elif form.errors:
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@audience(SIGNED_IN)
def logout():
    if PostOnlyForm().validate_on_submit():
        logout_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("main.landing"))


@bp.route("/account/password", methods=["GET", "POST"])
@audience(SIGNED_IN)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit() and perform(lambda: service.change_password(
            current_user, form.current_password.data, form.new_password.data), form):
        login_user(current_user._get_current_object())  # new nonce: keep this session
        flash(_("Your password is changed. Other devices are logged out."), "success")
        return redirect(url_for("main.dashboard"))
    return render_template("auth/password.html", form=form), (422 if form.errors else 200)
