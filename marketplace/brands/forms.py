"""The company profile form. Rules live in ``brands.service``; the form shows every refusal
of ``brands.service.profile_problems`` beside its field at once."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from marketplace.brands import service
from marketplace.form_rules import RulesForm
from marketplace.forms import VersionedForm


class CompanyForm(RulesForm, VersionedForm):
    company_name = StringField(_l("Company name"),
                               validators=[DataRequired(_l("Enter your company's registered name.")),
                                           Length(max=120)])
    website = StringField(_l("Website"), validators=[Length(max=255)])
    industry = StringField(_l("Industry"), validators=[Length(max=64)])

    def rule_problems(self):
        return service.profile_problems(company_name=self.company_name.data, website=self.website.data,
                                        industry=self.industry.data)
