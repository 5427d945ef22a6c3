"""Filing forms: staff filing a note, and the sponsored library's search."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Optional

from marketplace.filings import service


class FileForm(FlaskForm):
    brand_id = SelectField(_l("Brand"), coerce=int, choices=[])
    order_reference = StringField(_l("Order reference"),
                                  validators=[DataRequired(_l("Give the order reference."))])
    reason = StringField(_l("Reason"), validators=[DataRequired(_l("Write the reason for this change."))])

    @classmethod
    def for_brands(cls, **kwargs):
        form = cls(**kwargs)
        form.brand_id.choices = service.brand_choices()
        return form


class LibraryForm(FlaskForm):
    """A GET search form: no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    brand = StringField(_l("Brand"))
    creator = StringField(_l("Creator"))
    since = DateField(_l("Filed from"), validators=[Optional()])
    until = DateField(_l("Filed until"), validators=[Optional()])
