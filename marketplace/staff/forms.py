"""Staff forms. Every change carries a written reason, kept in the audit trail."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from marketplace.parsing import IntegerField
from marketplace.filings import service as filings


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (kept in the audit log)"), validators=[Length(max=2000)])


class AliasesForm(ReasonForm):
    aliases = TextAreaField(_l("Aliases (one per line: other names, Chinese names, product lines)"),
                            validators=[Length(max=2000)])


class FollowersForm(ReasonForm):
    followers = IntegerField(_l("Follower count"),
                             validators=[InputRequired(_l("Enter a whole number of followers.")),
                                         NumberRange(min=0, message=_l("Enter a whole number of followers, zero or more."))])


class PayoutReadinessForm(ReasonForm):
    payouts_ready = BooleanField(_l("Payout account connected"))
    identity_confirmed = BooleanField(_l("Identity confirmed"))


class FileForm(FlaskForm):
    """File a commercial note against the brand that paid for it."""

    brand_id = SelectField(_l("Brand"), coerce=int, choices=[])
    order_reference = StringField(_l("Order reference"),
                                  validators=[DataRequired(_l("Give the order reference."))])
    reason = StringField(_l("Reason"), validators=[DataRequired(_l("Write the reason for this change."))])

    @classmethod
    def for_brands(cls, **kwargs):
        form = cls(**kwargs)
        form.brand_id.choices = filings.brand_choices()
        return form


class IndexReasonForm(FlaskForm):
    """De-index or re-index a note: the reason goes to the audit trail."""

    reason = StringField(_l("Reason"), validators=[DataRequired(_l("Write the reason for this change."))])


class TokenForm(FlaskForm):
    name = StringField(_l("Client name"), validators=[Length(max=80)])


class NoteSearchForm(FlaskForm):
    """The staff notes list's filters (a GET form: no CSRF token, it changes nothing)."""

    class Meta:
        csrf = False

    creator = StringField(_l("Creator (handle or name)"), validators=[Length(max=80)])
    title = StringField(_l("Title contains"), validators=[Length(max=100)])
    state = SelectField(_l("State"), choices=[SelectChoice(code, label) for code, label in (
        ("", _l("Any")), ("paid", _l("Paid content")), ("filed", _l("Filed")),
        ("unfiled_paid", _l("Paid, not filed")), ("deindexed", _l("Removed from search")),
        ("private", _l("Private")), ("deleted", _l("Deleted")))], validators=[Optional()])
