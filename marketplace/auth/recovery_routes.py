"""Pages behind the links we mail: forgot password, reset it, confirm an email address.

Opening a link (GET) only shows a page; the change happens on the button or form it shows
(POST), so mail scanners that fetch links change nothing.
"""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.access import PUBLIC, SIGNED_IN, audience
from marketplace.auth import bp, recovery
from marketplace.auth.forms import ForgotPasswordForm, PostOnlyForm, ResetPasswordForm
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.web import perform


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
