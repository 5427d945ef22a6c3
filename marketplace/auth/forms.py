"""Account forms. Rules beyond "is it filled in" live in ``auth.service``; the sign-up form
shows all their refusals at once."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from marketplace.auth.service import signup_problems
from marketplace.form_rules import RulesForm


class SignupForm(RulesForm):
    """Sign-up; every rule of ``auth.service.signup_problems`` is shown beside its field at once."""

    role = RadioField(
        _l("I am"),
        choices=[SelectChoice("creator", _l("A creator")), SelectChoice("brand", _l("A brand"))],
        validators=[DataRequired(_l("Choose whether you are a creator or a brand."))],
    )
    display_name = StringField(
        _l("Display name"),
        validators=[DataRequired(_l("Tell us the name to show on Pappus.")), Length(max=80)],
    )
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Choose a password."))])
    confirm = PasswordField(
        _l("Confirm password"),
        validators=[
            DataRequired(_l("Type your password again.")),
            EqualTo("password", _l("The two passwords do not match.")),
        ],
    )

    def rule_problems(self):
        return signup_problems(self.email.data, self.password.data, self.display_name.data, self.role.data)


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me logged in on this device"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(_l("Choose a new password."))]
    )
    confirm = PasswordField(
        _l("Confirm new password"),
        validators=[
            DataRequired(_l("Type your new password again.")),
            EqualTo("new_password", _l("The two passwords do not match.")),
        ],
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address."))])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(_l("Choose a new password."))])
    confirm = PasswordField(
        _l("Confirm new password"),
        validators=[
            DataRequired(_l("Type your new password again.")),
            EqualTo("password", _l("The two passwords do not match.")),
        ],
    )
