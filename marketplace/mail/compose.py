"""A message's words in its recipient's language, from a text and an HTML template."""
from __future__ import annotations

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale, get_locale


def recipient_locale(user=None) -> str:
    """The language to write to ``user`` in: their saved choice, else the language of the
    page they are using now, else the site default (mail sent by jobs)."""
    languages = current_app.config["LANGUAGES"]
    if user is not None and getattr(user, "locale", None) in languages:
        return user.locale
    if has_request_context():
        return str(get_locale())
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def render(template: str, locale: str, subject, **context) -> dict:
    """Subject, text and HTML for ``templates/<template>.txt`` and ``.html``, in ``locale``.
    ``subject`` is a lazy string (or a callable) so it too is translated in ``locale``."""
    with force_locale(locale):
        return {
            "subject": str(subject() if callable(subject) else subject),
            "text": render_template(f"{template}.txt", **context),
            "html": render_template(f"{template}.html", **context),
        }
