"""The one place typed input becomes numbers, dates and text — and where hostile input stops.

Everything a request carries passes here before any rule or query sees it:

- :func:`refuse_control_characters` (a ``before_request`` hook): a NUL or other control
  character anywhere in the path, the query string or a form is refused with 400, on every
  database alike (PostgreSQL cannot store NUL; SQLite would store it silently);
- :class:`Request`: ``request.args.get("page", type=int)`` anywhere gives the default for a
  number outside a database integer (2^31), like it does for "abc"; JSON bodies nested
  deeper than a parser's recursion limit, or carrying control characters, are a 400;
- reusable WTForms fields (:class:`IntegerField`, :class:`DecimalField`, :class:`DateField`)
  that refuse NaN, ±Infinity, numbers beyond a database column and years no calendar page
  needs, with a message beside the field;

Area forms import their number and date fields from here, not from ``wtforms``.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Request as FlaskRequest, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _, lazy_gettext as _l
from werkzeug.datastructures import ImmutableMultiDict
from wtforms import fields

from marketplace.errors import DomainError

# The largest value a database INTEGER column holds on both databases (PostgreSQL's int4).
INT_MAX = 2**31 - 1
INT_MIN = -INT_MAX
# Amounts and other decimals: nothing typed into Pappus needs more than this many digits
# before the point (money is capped far lower, in ``money.MAX_AMOUNT_CENTS``).
DECIMAL_MAX = Decimal(10) ** 12
# Dates people type: a campaign or a filing search never needs a year outside these.
YEAR_MIN, YEAR_MAX = 1900, 2999

# C0 controls except tab, newline and carriage return, and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadInput(DomainError):
    """Input no page or API call can mean: refused at the edge with 400 and the reason."""

    status = 400


def has_control_characters(text: str) -> bool:
    return bool(CONTROL.search(text or ""))


def bounded_int(raw, low: int = INT_MIN, high: int = INT_MAX) -> int | None:
    """A whole number typed as text, or None when it is not one or lies outside [low, high]."""
    text = str(raw if raw is not None else "").strip()
    if not text or len(text) > 12 or not re.fullmatch(r"[+-]?\d+", text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def finite_decimal(raw, limit: Decimal = DECIMAL_MAX) -> Decimal | None:
    """A decimal typed as text ("12.50"), or None for NaN, ±Infinity, exponents and anything
    whose size is beyond ``limit``."""
    text = str(raw if raw is not None else "").strip()
    if not text or len(text) > 32:
        return None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or abs(value) >= limit:
        return None
    return value


# ---- the request ------------------------------------------------------------------------

class SafeArgs(ImmutableMultiDict):
    """``args.get(name, default, type=int)`` gives ``default`` for numbers beyond an INTEGER
    column, as werkzeug already does for text that is not a number."""

    def get(self, key, default=None, type=None):  # noqa: A002  (werkzeug's signature)
        if type is int:
            try:
                raw = self[key]
            except KeyError:
                return default
            value = bounded_int(raw)
            return default if value is None else value
        return super().get(key, default, type=type)


class Request(FlaskRequest):
    parameter_storage_class = SafeArgs


class JSONProvider(DefaultJSONProvider):
    """JSON bodies: too deep to parse, or carrying control characters, is a 400 (werkzeug
    turns a ValueError from ``loads`` into ``on_json_loading_failed``)."""

    def loads(self, s, **kwargs):
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        _refuse_controls_in(value)
        return value


def _refuse_controls_in(value) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if CONTROL.search(item):
                raise ValueError("control character in a JSON string")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def refuse_control_characters() -> None:
    """``before_request``: refuse control characters in the path, query string and form."""
    texts = [request.path]
    for key, value in request.args.items(multi=True):
        texts += (key, value)
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in request.form.items(multi=True):
            texts += (key, value)
    if any(CONTROL.search(text) for text in texts):
        raise BadInput(str(_l("The request contains control characters (such as NUL) that no "
                              "field accepts. Remove them and try again.")))


def json_body():
    """The request's JSON body (None when it has none). A body that is not JSON — malformed,
    nested deeper than any client needs, carrying control characters — is a 400 with the
    reason, never a server error."""
    value = request.get_json(silent=True)
    if value is None and request.get_data(cache=True):
        raise BadInput(str(_l("The request body is not valid JSON (or is nested too deeply). "
                              "Send a JSON object with Content-Type: application/json.")))
    return value


def install(app) -> None:
    """Put this module at the edge of ``app``: its request class, its JSON parser, and the
    control-character check before every other request hook."""
    app.request_class = Request
    app.json = JSONProvider(app)
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_control_characters)


# ---- form fields ------------------------------------------------------------------------

class IntegerField(fields.IntegerField):
    """A whole number that fits a database INTEGER; anything else is a field error."""

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in ("", None):
            return
        value = bounded_int(valuelist[0])
        if value is None:
            self.data = None
            raise ValueError(_("Enter a whole number (digits only, not too large)."))
        self.data = value


class DecimalField(fields.DecimalField):
    """A finite decimal of sensible size: NaN, ±Infinity and 1e20 are field errors."""

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in ("", None):
            return
        value = finite_decimal(valuelist[0])
        if value is None:
            self.data = None
            raise ValueError(_("Enter an amount in digits, such as 12.50."))
        self.data = value


class DateField(fields.DateField):
    """A date in a year people plan with (1900–2999), so date arithmetic cannot overflow."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, date) and not YEAR_MIN <= self.data.year <= YEAR_MAX:
            self.data = None
            raise ValueError(_("Enter a date between the years %(low)d and %(high)d.", low=YEAR_MIN, high=YEAR_MAX))
