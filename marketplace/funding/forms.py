"""The brand's top-up form: an amount in the platform's currency."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, NumberRange

from marketplace.parsing import DecimalField


class TopUpForm(FlaskForm):
    amount = DecimalField(_l("Amount to add"), places=2,
                          validators=[InputRequired(_l("Enter an amount.")),
                                      NumberRange(min=0, message=_l("Enter an amount above zero."))])
