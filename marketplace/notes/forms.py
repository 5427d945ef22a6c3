"""Note forms. The rules live in ``notes.service``; the form shows all their refusals at once."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, MultipleFileField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.form_rules import RulesForm
from marketplace.forms import VersionedForm
from marketplace.notes.models import TITLE_MAX
from marketplace.notes.service import note_problems


class NoteForm(RulesForm, VersionedForm):
    """A note; every rule of ``notes.service.note_problems`` is shown beside its field at once.
    The edit page sets ``stored_images`` to the note's image count."""

    stored_images = 0

    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the note a title.")),
                                                 Length(max=TITLE_MAX)])
    body = TextAreaField(_l("Note"), render_kw={"rows": 10})
    tags = StringField(_l("Tags"), description=_l("Separate tags with spaces or commas, e.g. 防晒 skincare"))
    images = MultipleFileField(_l("Images"), render_kw={"accept": "image/jpeg,image/png,image/gif,image/webp"})
    remove_images = SelectMultipleField(_l("Remove images"), coerce=int, choices=[],
                                        widget=ListWidget(prefix_label=False),
                                        option_widget=CheckboxInput(), validate_choice=False)
    is_paid = BooleanField(_l("Paid content: I made this note for a brand in exchange for money or goods"))
    is_private = BooleanField(_l("Private: only I can see this note"))

    def rule_problems(self):
        kept = self.stored_images - len(self.remove_images.data or [])
        return note_problems(self.title.data, self.body.data, self.tags.data, self.images.data or [],
                             images_kept=kept)
