"""Category, region and language taxonomies: stable codes from config, labels to translate.

Categories are stored as bit masks (bit i = ``CATEGORIES[i]``) so that category overlap
between a brief and 100,000 creators is one bitwise expression in SQL.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

CATEGORY_LABELS = {
    "beauty": _l("Beauty"), "fashion": _l("Fashion"), "food": _l("Food"), "travel": _l("Travel"),
    "parenting": _l("Parenting"), "home": _l("Home"), "tech": _l("Tech"), "fitness": _l("Fitness"),
    "pets": _l("Pets"), "education": _l("Education"), "outdoors": _l("Outdoors"),
    "finance": _l("Finance"),
}
REGION_LABELS = {
    "shanghai": _l("Shanghai"), "beijing": _l("Beijing"), "guangdong": _l("Guangdong"),
    "zhejiang": _l("Zhejiang"), "jiangsu": _l("Jiangsu"), "sichuan": _l("Sichuan"),
    "hubei": _l("Hubei"), "fujian": _l("Fujian"), "hong_kong": _l("Hong Kong"),
    "taiwan": _l("Taiwan"), "singapore": _l("Singapore"), "overseas": _l("Overseas"),
}
LANGUAGE_LABELS = {"zh": _l("Chinese"), "en": _l("English"), "ja": _l("Japanese"), "ko": _l("Korean")}
AUDIENCE_LABELS = {"female": _l("Female"), "male": _l("Male"), "other": _l("Other")}
DELIVERABLE_LABELS = {"image": _l("Image note"), "video": _l("Video note")}


def categories() -> tuple[str, ...]:
    return tuple(current_app.config["CATEGORIES"])


def regions() -> tuple[str, ...]:
    return tuple(current_app.config["REGIONS"])


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["CONTENT_LANGUAGES"])


def label(code: str) -> str:
    for table in (CATEGORY_LABELS, REGION_LABELS, LANGUAGE_LABELS, DELIVERABLE_LABELS, AUDIENCE_LABELS):
        if code in table:
            return str(table[code])
    return code.replace("_", " ").title()


def category_choices() -> list[SelectChoice]:
    return [SelectChoice(code, label(code)) for code in categories()]


def region_choices() -> list[SelectChoice]:
    return [SelectChoice(code, label(code)) for code in regions()]


def language_choices() -> list[SelectChoice]:
    return [SelectChoice(code, label(code)) for code in languages()]


def mask_from_categories(codes) -> int:
    known = categories()
    mask = 0
    for code in codes or ():
        if code in known:
            mask |= 1 << known.index(code)
    return mask


def categories_from_mask(mask: int) -> list[str]:
    return [code for i, code in enumerate(categories()) if mask & (1 << i)]
