"""The sponsored library's search form. (Staff file notes from the staff pages.)"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Optional

from marketplace.parsing import DateField


class LibraryForm(FlaskForm):
    """A GET search form: no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    brand = StringField(_l("Brand"))
    creator = StringField(_l("Creator"))
    since = DateField(_l("Filed from"), validators=[Optional()])
    until = DateField(_l("Filed until"), validators=[Optional()])
