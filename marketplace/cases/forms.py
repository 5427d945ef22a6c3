"""Forms for audit cases. Every staff decision carries a written reason (the audit log)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import Length

from marketplace.cases.service import APPEAL_MAX, REASON_MAX


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason (kept in the audit log)"), validators=[Length(max=REASON_MAX)])


class AppealDecisionForm(DecisionForm):
    outcome = RadioField(_l("Decision"), choices=[("deny", _l("Deny: the decision stands")),
                                                  ("grant", _l("Grant: overturn the case"))], default="deny")


class AppealForm(FlaskForm):
    text = TextAreaField(_l("Why is the decision wrong?"), validators=[Length(max=APPEAL_MAX)])


class FileThroughOrderForm(FlaskForm):
    order_id = SelectField(_l("Order"), coerce=int, choices=[])
