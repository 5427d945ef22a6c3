"""Form pieces every area's pages share: the bare POST button, a list of checkboxes, the
language switch, the version an edit form was opened at. Area forms live in their area's
``forms.py``."""
from flask import current_app
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


class PostOnlyForm(FlaskForm):
    """A button that changes state (log out, open a brief): a POST with nothing but the CSRF token."""


class VersionedForm(FlaskForm):
    """An edit form for a versioned object (``db_types.Versioned``): it carries, hidden, the
    version it was opened at, so a save made after someone else's is refused, not merged."""

    version = HiddenField()

    def opened_at(self) -> int | None:
        """The version the form was opened at; None for a new object or a missing field."""
        raw = str(self.version.data or "").strip()
        return int(raw) if raw.isdigit() and len(raw) < 10 else None

    def show_version(self, obj) -> None:
        self.version.data = str(obj.version) if obj is not None and obj.version else ""


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LanguageForm(FlaskForm):
    """The language switch (a POST, so switching language is never a GET side effect)."""

    locale = SelectField(choices=[])
    next = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = [
            SelectChoice(code, name) for code, name in current_app.config["LANGUAGES"].items()
        ]
