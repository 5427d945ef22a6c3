"""Choosing the language of a request: the user's saved choice, a cookie, then the browser."""
from flask import current_app, has_request_context, request
from flask_login import current_user

LOCALE_COOKIE = "pappus_lang"

# Accept-Language tags that mean a supported locale. Simplified Chinese is the one we ship,
# so every zh tag falls to it rather than to English.
_TAGS = {"en": "en", "zh": "zh_Hans", "zh-hans": "zh_Hans", "zh-cn": "zh_Hans", "zh-sg": "zh_Hans"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and scheduled jobs speak the default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in languages:
        return chosen
    for tag, _quality in request.accept_languages:
        tag = tag.lower().replace("_", "-")
        for candidate in (tag, tag.split("-")[0]):
            if candidate in _TAGS:
                return _TAGS[candidate]
    return current_app.config["BABEL_DEFAULT_LOCALE"]
