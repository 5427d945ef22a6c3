"""The brief form. Rules live in ``briefs.service``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from marketplace.parsing import DateField, DecimalField, IntegerField
from marketplace import taxonomy
from marketplace.briefs import service
from marketplace.briefs.service import BriefInput, end_of_day
from marketplace.form_rules import RulesForm
from marketplace.forms import MultiCheckboxField, VersionedForm
from marketplace.money import from_cents, to_cents


class BriefForm(RulesForm, VersionedForm):
    """The brief; every rule of ``briefs.service.problems`` is shown beside its field at once."""

    title = StringField(_l("Title"), validators=[Length(max=120)])
    product = StringField(_l("Product"), validators=[Length(max=120)])
    description = TextAreaField(_l("What you want"))
    must_include = TextAreaField(_l("Must include (one per line)"))
    must_avoid = TextAreaField(_l("Must avoid (one per line)"))
    categories = MultiCheckboxField(_l("Categories"), choices=[])
    deliverable = RadioField(_l("Deliverable"), choices=[SelectChoice("image", _l("Image note")), SelectChoice("video", _l("Video note"))],
                             default="image")
    fee_mode = RadioField(_l("Fee per creator"), choices=[SelectChoice("fixed", _l("A fixed fee")),
                                                          SelectChoice("quote", _l("The creator's quote"))], default="fixed")
    fee = DecimalField(_l("Fixed fee"), places=2, validators=[Optional()])
    slots = IntegerField(_l("Creators wanted"), default=1, validators=[Optional()])
    min_followers = IntegerField(_l("Minimum followers"), validators=[Optional()])
    regions = MultiCheckboxField(_l("Audience regions (none = everywhere)"), choices=[])
    apply_by = DateField(_l("Apply by"), validators=[Optional()])
    draft_due = DateField(_l("Draft due"), validators=[Optional()])
    publish_by = DateField(_l("Publish by"), validators=[Optional()])
    metrics_window_days = IntegerField(_l("Metrics window (days)"), default=7, validators=[Optional()])
    protection_days = IntegerField(_l("Protection period (days)"), default=30, validators=[Optional()])
    bonus_per_1k = DecimalField(_l("Bonus per 1,000 reads"), places=2, validators=[Optional()])
    bonus_cap = DecimalField(_l("Bonus cap per creator"), places=2, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories.choices = taxonomy.category_choices()
        self.regions.choices = taxonomy.region_choices()

    def rule_problems(self):
        return service.problems(self.to_input())

    def to_input(self) -> BriefInput:
        return BriefInput(
            title=self.title.data or "", product=self.product.data or "",
            description=self.description.data or "", must_include=self.must_include.data or "",
            must_avoid=self.must_avoid.data or "", categories=self.categories.data or [],
            deliverable=self.deliverable.data, fee_mode=self.fee_mode.data,
            fee_cents=to_cents(self.fee.data), slots=self.slots.data, min_followers=self.min_followers.data,
            regions=self.regions.data or [], apply_by=end_of_day(self.apply_by.data),
            draft_due=end_of_day(self.draft_due.data), publish_by=end_of_day(self.publish_by.data),
            metrics_window_days=self.metrics_window_days.data, protection_days=self.protection_days.data,
            bonus_per_1k_reads_cents=to_cents(self.bonus_per_1k.data), bonus_cap_cents=to_cents(self.bonus_cap.data),
        )

    def fill_from(self, brief) -> None:
        self.title.data, self.product.data = brief.title, brief.product
        self.description.data, self.must_include.data = brief.description, brief.must_include
        self.must_avoid.data, self.categories.data = brief.must_avoid, brief.categories
        self.deliverable.data, self.fee_mode.data = brief.deliverable, brief.fee_mode
        self.fee.data, self.slots.data = from_cents(brief.fee_cents), brief.slots
        self.min_followers.data, self.regions.data = brief.min_followers, brief.region_list
        self.apply_by.data, self.draft_due.data = brief.apply_by.date(), brief.draft_due.date()
        self.publish_by.data = brief.publish_by.date()
        self.metrics_window_days.data, self.protection_days.data = brief.metrics_window_days, brief.protection_days
        self.bonus_per_1k.data = from_cents(brief.bonus_per_1k_reads_cents)
        self.bonus_cap.data = from_cents(brief.bonus_cap_cents)
        self.show_version(brief)
