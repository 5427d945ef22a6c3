"""Staff forms. Every change carries a written reason, kept in the staff log."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (kept in the audit log)"), validators=[Length(max=2000)])


class FollowersForm(ReasonForm):
    followers = IntegerField(_l("Follower count"),
                             validators=[InputRequired(_l("Enter a whole number of followers.")),
                                         NumberRange(min=0, message=_l("Enter a whole number of followers, zero or more."))])


class PayoutReadinessForm(ReasonForm):
    payouts_ready = BooleanField(_l("Payout account connected"))
    identity_confirmed = BooleanField(_l("Identity confirmed"))


class TokenForm(FlaskForm):
    name = StringField(_l("Client name"), validators=[Length(max=80)])
