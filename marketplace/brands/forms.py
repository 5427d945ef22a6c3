"""The company profile form. Rules live in ``brands.service``."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from marketplace.forms import VersionedForm


class CompanyForm(VersionedForm):
    company_name = StringField(_l("Company name"),
                               validators=[DataRequired(_l("Enter your company's registered name.")),
                                           Length(max=120)])
    website = StringField(_l("Website"), validators=[Length(max=255)])
    industry = StringField(_l("Industry"), validators=[Length(max=64)])
