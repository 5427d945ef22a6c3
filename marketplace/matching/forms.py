"""The filter form of the ranked lists (brands' creators for a brief, creators' briefs)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import Label
from wtforms.validators import Optional
from wtforms.widgets import Select

from marketplace.parsing import DecimalField, IntegerField
from marketplace import taxonomy
from marketplace.matching.service import BRIEF_SORTS, CREATOR_SORTS, Filters
from marketplace.money import to_cents


class _Select(Select):
    """WTForms' select, with plain options written directly: the same HTML (its attribute order,
    its escaping) without building and sorting an attribute dict per option; the region list
    alone has dozens of options on every ranked page."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or not isinstance(choice.value, str):
            return super().render_option(choice, **kwargs)
        label = escape(choice.label or choice.value)
        selected = "selected " if choice.selected else ""
        return Markup(f'<option {selected}value="{escape(choice.value)}">{label}</option>')


class FilterForm(FlaskForm):
    """GET filters for ranked lists: no CSRF (reading, not changing)."""

    class Meta:
        csrf = False

    category = SelectField(_l("Category"), choices=[], validators=[Optional()], widget=_Select())
    region = SelectField(_l("Region"), choices=[], validators=[Optional()], widget=_Select())
    min_followers = IntegerField(_l("Followers at least"), validators=[Optional()])
    max_followers = IntegerField(_l("Followers at most"), validators=[Optional()])
    min_quote = DecimalField(_l("Quote at least"), places=2, validators=[Optional()])
    max_quote = DecimalField(_l("Quote at most"), places=2, validators=[Optional()])
    deliverable = SelectField(_l("Format"), choices=[SelectChoice("", _l("Any")), SelectChoice("image", _l("Image note")),
                                                     SelectChoice("video", _l("Video note"))], validators=[Optional()],
                              widget=_Select())
    sort = SelectField(_l("Sort by"), choices=[], validators=[Optional()], widget=_Select())
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
