"""Brief forms and the filter form for ranked lists. Rules live in ``briefs.service``."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import Label
from wtforms.validators import Length, Optional

from marketplace.briefs import service
from marketplace.briefs.service import BriefInput
from marketplace.creators import taxonomy
from marketplace.creators.forms import MultiCheckboxField, from_cents, to_cents
from marketplace.form_rules import RulesForm
from marketplace.matching.service import BRIEF_SORTS, CREATOR_SORTS, Filters


def end_of_day(day: date | None) -> datetime | None:
    """A date picked in the form means "by the end of that day" (UTC)."""
    return None if day is None else datetime.combine(day, time(23, 59), tzinfo=timezone.utc)


class BriefForm(RulesForm):
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


class FilterForm(FlaskForm):
    """GET filters for ranked lists: no CSRF (reading, not changing)."""

    class Meta:
        csrf = False

    category = SelectField(_l("Category"), choices=[], validators=[Optional()])
    region = SelectField(_l("Region"), choices=[], validators=[Optional()])
    min_followers = IntegerField(_l("Followers at least"), validators=[Optional()])
    max_followers = IntegerField(_l("Followers at most"), validators=[Optional()])
    min_quote = DecimalField(_l("Quote at least"), places=2, validators=[Optional()])
    max_quote = DecimalField(_l("Quote at most"), places=2, validators=[Optional()])
    deliverable = SelectField(_l("Format"), choices=[SelectChoice("", _l("Any")), SelectChoice("image", _l("Image note")),
                                                     SelectChoice("video", _l("Video note"))], validators=[Optional()])
    sort = SelectField(_l("Sort by"), choices=[], validators=[Optional()])
    page = IntegerField(default=1, validators=[Optional()])

    def __init__(self, *args, for_briefs: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice("", _l("Any"))] + taxonomy.category_choices()
        self.region.choices = [SelectChoice("", _l("Any"))] + taxonomy.region_choices()
        labels = {"score": _l("Best match"), "followers": _l("Most followers"), "engagement": _l("Engagement"),
                  "quote": _l("Lowest quote"), "fee": _l("Highest fee"), "apply_by": _l("Closing soonest")}
        self.sort.choices = [SelectChoice(code, labels[code]) for code in (BRIEF_SORTS if for_briefs else CREATOR_SORTS)]
        if for_briefs:
            # For a creator this bounds the brief's fee (quote-mode briefs always pass): words
            # that cannot be read as the creator's own quote or an "apply" to a brief.
            self.min_quote.label = Label(self.min_quote.id, _l("Fee at least"))

    def active_count(self, names) -> int:
        """How many of these filters are set (the sort order is not a filter)."""
        return sum(1 for name in names if name not in ("sort", "page") and self[name].data not in (None, "", []))

    def to_filters(self, per_page: int) -> Filters:
        self.validate()  # bad numbers become None rather than an error page
        def number(field):
            return field.data if not field.errors else None
        return Filters(category=self.category.data or None, region=self.region.data or None,
                       min_followers=number(self.min_followers), max_followers=number(self.max_followers),
                       min_quote_cents=to_cents(number(self.min_quote)), max_quote_cents=to_cents(number(self.max_quote)),
                       deliverable=self.deliverable.data or None, sort=self.sort.data or "score",
                       page=number(self.page) or 1, per_page=per_page)
