"""Account pages: sign up, log in, log out (here or everywhere), the account page, password
change, and the pages behind the links we mail (password reset, email confirmation)."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_user, logout_user

from marketplace.access import PUBLIC, SIGNED_IN, audience
from marketplace.auth import recovery, service, sessions
from marketplace.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, ResetPasswordForm, SignupForm
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.forms import PostOnlyForm
from marketplace.web import perform, safe_next, show_error

bp = Blueprint("auth", __name__)


def _user_agent() -> str:
    return request.user_agent.string or ""


def _sign_in_browser(user, remember: bool = False) -> None:
    """Put the user's new session key in this browser's cookies, and give the browser a new
    CSRF token: one planted or read before log-in must not authorise anything after it."""
    login_user(user, remember=remember)
    session.pop("csrf_token", None)


@bp.route("/signup", methods=["GET", "POST"])
@audience(PUBLIC)
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = SignupForm(role=request.args.get("role", "creator"))
    if form.validate_on_submit() and (outcome := perform(lambda: service.sign_up(
            form.email.data, form.password.data, form.display_name.data, form.role.data,
            locale=str(get_locale()), user_agent=_user_agent()), form)):
        user = outcome.value
        _sign_in_browser(user)
        flash(_("Welcome to Pappus, %(name)s.", name=user.display_name), "success")
        flash(_("We sent a link to %(email)s: open it to confirm your email address.",
                email=user.email), "info")
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
            user = service.log_in(form.email.data, form.password.data, request.remote_addr,
                                  _user_agent())
        except DomainError as error:
            db.session.rollback()  # the attempt itself is already recorded by the throttle
            show_error(None, error)
            status = error.status if error.status == 429 else 401
        else:
            db.session.commit()
            _sign_in_browser(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("main.dashboard")))
    elif form.errors:
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@audience(SIGNED_IN)
def logout():
    if PostOnlyForm().validate_on_submit() and perform(lambda: service.log_out(current_user)):
        logout_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("main.landing"))


@bp.route("/account")
@audience(SIGNED_IN)
def account():
    return render_template("auth/account.html", sessions=sessions.sessions_of(current_user),
                           is_current=lambda record: sessions.is_current(record, current_user),
                           describe=sessions.describe_device, form=PostOnlyForm())


@bp.route("/account/logout-everywhere", methods=["POST"])
@audience(SIGNED_IN)
def logout_everywhere():
    if PostOnlyForm().validate_on_submit() and perform(
            lambda: service.log_out_everywhere(current_user)):
        logout_user()
        flash(_("You are logged out on every device."), "info")
        return redirect(url_for("main.landing"))
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@audience(SIGNED_IN)
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            service.change_password(current_user, form.current_password.data,
                                    form.new_password.data, request.remote_addr)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status if error.status == 429 else 422
        else:
            db.session.commit()
            flash(_("Your password is changed. Other devices are logged out."), "success")
            return redirect(url_for("auth.account"))
    elif form.errors:
        status = 422
    return render_template("auth/password.html", form=form), status


# ---- links we mail: forgot password, reset it, confirm an address ------------------------
# Opening a link (GET) only shows a page; the change happens on the POST it shows, so mail
# scanners that fetch links change nothing.

@bp.route("/password/forgot", methods=["GET", "POST"])
@audience(PUBLIC)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit() and perform(
            lambda: recovery.request_password_reset(form.email.data), form):
        return render_template("auth/forgot_sent.html", email=form.email.data,
                               minutes=recovery.reset_minutes())
    return render_template("auth/forgot.html", form=form), (422 if form.errors else 200)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@audience(PUBLIC)
def reset_password(token):
    try:
        user = recovery.user_for_reset(token)
    except DomainError as error:
        return render_template("auth/reset_invalid.html", reason=error.reason,
                               form=ForgotPasswordForm()), 410
    form = ResetPasswordForm()
    if form.validate_on_submit() and perform(
            lambda: recovery.reset_password(token, form.password.data), form):
        flash(_("Your password is changed and every device is logged out. Log in with your new "
                "password."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, email=user.email), \
        (422 if form.errors else 200)


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
@audience(PUBLIC)
def confirm_email(token):
    form = PostOnlyForm()
    if form.validate_on_submit():
        try:
            recovery.confirm_email(token)
        except DomainError as error:
            db.session.rollback()
            return render_template("auth/confirm_email.html", form=form, refusal=error.reason), 410
        db.session.commit()
        flash(_("Thank you: your email address is confirmed."), "success")
        return redirect(url_for("main.dashboard" if current_user.is_authenticated else "auth.login"))
    return render_template("auth/confirm_email.html", form=form)


@bp.route("/account/email/resend", methods=["POST"])
@audience(SIGNED_IN)
def resend_confirmation():
    if PostOnlyForm().validate_on_submit() and perform(
            lambda: recovery.resend_verification(current_user)):
        flash(_("We sent a new link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("auth.account"))
