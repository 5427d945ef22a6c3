"""Creator profile forms. Rules beyond "is it filled in" live in ``creators.service``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from marketplace import taxonomy
from marketplace.forms import MultiCheckboxField, VersionedForm
from marketplace.money import CURRENCIES


class ProfileForm(VersionedForm):
    handle = StringField(_l("Handle"), validators=[DataRequired(_l("Choose a handle.")), Length(max=31)])
    bio = TextAreaField(_l("Bio"), validators=[Length(max=500)])
    categories = MultiCheckboxField(_l("Categories you post about"), choices=[])
    region = SelectField(_l("Region"), choices=[])
    languages = MultiCheckboxField(_l("Languages you post in"), choices=[])
    currency = SelectField(_l("Currency of your quotes"), choices=[SelectChoice(c, c) for c in CURRENCIES])
    image_enabled = BooleanField(_l("I make image notes"))
    image_quote = DecimalField(_l("Quote for an image note"), places=2, validators=[Optional(), NumberRange(min=0)])
    video_enabled = BooleanField(_l("I make video notes"))
    video_quote = DecimalField(_l("Quote for a video note"), places=2, validators=[Optional(), NumberRange(min=0)])
    accepting_orders = BooleanField(_l("I am accepting orders"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories.choices = taxonomy.category_choices()
        self.region.choices = [SelectChoice("", _l("Choose…"))] + taxonomy.region_choices()
        self.languages.choices = taxonomy.language_choices()


class AvatarForm(FlaskForm):
    avatar = FileField(_l("Avatar (PNG, JPEG or WebP)"))
