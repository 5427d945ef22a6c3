"""The language switch form (a POST, so switching language is never a GET side effect)."""
from flask import current_app
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice


class LanguageForm(FlaskForm):
    locale = SelectField(choices=[])
    next = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = [
            SelectChoice(code, name) for code, name in current_app.config["LANGUAGES"].items()
        ]
