"""Order forms: invite, apply, hand in a draft, review it, cancel. The rules live in
``orders.service`` and ``orders.drafts``; these only read the fields."""
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField, MultipleFileField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from marketplace.forms import PostOnlyForm
from marketplace.money import to_cents
from marketplace.notes.models import TITLE_MAX
from marketplace.orders.service import MESSAGE_MAX


class _QuoteMixin:
    def quote_cents(self, currency: str) -> int | None:
        return to_cents(self.quote.data, currency) if self.quote.data is not None else None


class InviteForm(PostOnlyForm, _QuoteMixin):
    message = TextAreaField(_l("Message to the creator"), validators=[Length(max=MESSAGE_MAX)], render_kw={"rows": 4})
    quote = DecimalField(_l("Creator's quote"), places=2, validators=[Optional()],
                         description=_l("Leave empty to use the quote on the creator's price card."))


class ApplyForm(PostOnlyForm, _QuoteMixin):
    pitch = TextAreaField(_l("Your pitch"), validators=[Length(max=MESSAGE_MAX)], render_kw={"rows": 5},
                          description=_l("Why you, and what you would make for this brief."))
    quote = DecimalField(_l("Your quote"), places=2, validators=[Optional()])


class DraftForm(PostOnlyForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the draft a title.")), Length(max=TITLE_MAX)])
    body = TextAreaField(_l("Text"), render_kw={"rows": 10})
    tags = StringField(_l("Tags"), description=_l("Separate tags with spaces or commas, e.g. 防晒 skincare"))
    images = MultipleFileField(_l("Images"), render_kw={"accept": "image/jpeg,image/png,image/gif,image/webp"},
                               description=_l("Leave empty to keep the previous version's images."))


class ReviewForm(PostOnlyForm):
    comments = TextAreaField(_l("Comments for the creator"), validators=[Length(max=2000)], render_kw={"rows": 4},
                             description=_l("Needed when you ask for a revision: say what should change."))


class CancelForm(PostOnlyForm):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=MESSAGE_MAX)], render_kw={"rows": 3})


class DisputeCancelForm(PostOnlyForm):
    reason = TextAreaField(_l("Reason (kept in the order's history)"),
                           validators=[DataRequired(_l("Write the reason for cancelling.")), Length(max=MESSAGE_MAX)],
                           render_kw={"rows": 3})
    percent = IntegerField(_l("Refund to the brand, in percent"), default=100,
                           validators=[InputRequired(), NumberRange(0, 100)])
