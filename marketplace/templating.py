"""What every template can use: the language switch and log-out forms, role and taxonomy
labels, and the money, rate, count and date filters."""
from flask import Flask, current_app, request, url_for
from flask_babel import format_datetime, get_locale, lazy_gettext as _l

from marketplace import formatting, taxonomy
from marketplace.forms import PostOnlyForm
from marketplace.money import format_money

ROLE_LABELS = {"creator": _l("Creator"), "brand": _l("Brand"), "staff": _l("Staff")}


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def shell_context():
        def language_switch() -> dict:
            """What the footer's language switch shows: plain values, not a form object, as
            every page has one (``main.set_language`` validates the POST with LanguageForm)."""
            return {"locale": str(get_locale()), "next": request.full_path.rstrip("?"),
                    "choices": current_app.config["LANGUAGES"].items()}

        def page_url(number: int) -> str:
            """This page's address with the same filters and another page number."""
            args = request.args.to_dict()
            args["page"] = number
            return url_for(request.endpoint, **(request.view_args or {}), **args)

        return {
            "language_switch": language_switch,
            "page_url": page_url,
            "post_form": PostOnlyForm,
            "role_label": lambda role: ROLE_LABELS.get(role, role),
            "tx_label": taxonomy.label,
            "current_locale": lambda: str(get_locale()),
            "html_lang": lambda: "zh-Hans" if str(get_locale()) == "zh_Hans" else "en",
        }

    filters = app.jinja_env.filters
    filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt)
    filters["money"] = format_money
    filters["bps"] = formatting.bps
    filters["count"] = formatting.count
    filters["day"] = formatting.day
    filters["as_of_day"] = formatting.as_of_day
