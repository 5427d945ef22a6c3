"""Creator profile forms. Rules beyond "is it filled in" live in ``creators.service``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from marketplace.parsing import DecimalField
from marketplace import taxonomy
from marketplace.creators import service
from marketplace.form_rules import RulesForm
from marketplace.forms import MultiCheckboxField, VersionedForm
from marketplace.money import CURRENCIES, to_cents


class ProfileForm(RulesForm, VersionedForm):
    """Profile and price card; every rule of ``creators.service.profile_problems`` is shown
    beside its field at once (the service needs the signed-in user for the handle rule)."""

    handle = StringField(_l("Handle"), validators=[DataRequired(_l("Choose a handle.")), Length(max=31)])
    bio = TextAreaField(_l("Bio"), validators=[Length(max=500)])
    categories = MultiCheckboxField(_l("Categories you post about"), choices=[])
    region = SelectField(_l("Region"), choices=[])
    languages = MultiCheckboxField(_l("Languages you post in"), choices=[])
    currency = SelectField(_l("Currency of your quotes"), choices=[SelectChoice(c, c) for c in CURRENCIES])
    image_enabled = BooleanField(_l("I make image notes"))
    image_quote = DecimalField(_l("Quote for an image note"), places=2,
                               validators=[Optional(), NumberRange(min=0, message=_l("Enter an amount of zero or more."))])
    video_enabled = BooleanField(_l("I make video notes"))
    video_quote = DecimalField(_l("Quote for a video note"), places=2,
                               validators=[Optional(), NumberRange(min=0, message=_l("Enter an amount of zero or more."))])
    accepting_orders = BooleanField(_l("I am accepting orders"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories.choices = taxonomy.category_choices()
        self.region.choices = [SelectChoice("", _l("Choose…"))] + taxonomy.region_choices()
        self.languages.choices = taxonomy.language_choices()

    def rule_problems(self):
        return service.profile_problems(current_user, **self.profile_values())

    def profile_values(self) -> dict:
        """The typed values as ``creators.service.save_profile`` takes them."""
        return dict(handle=self.handle.data, bio=self.bio.data, categories=self.categories.data or [],
                    region=self.region.data, languages=self.languages.data or [], currency=self.currency.data,
                    image_enabled=self.image_enabled.data, image_quote_cents=to_cents(self.image_quote.data),
                    video_enabled=self.video_enabled.data, video_quote_cents=to_cents(self.video_quote.data),
                    accepting_orders=self.accepting_orders.data)


class AvatarForm(FlaskForm):
    avatar = FileField(_l("Avatar (PNG, JPEG or WebP)"))
