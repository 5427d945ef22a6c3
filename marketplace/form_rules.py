"""Forms that show every problem at once.

WTForms checks each field on its own and reports them all; a service checks its rules and
refuses at the first (the API and jobs want one clear reason). A :class:`RulesForm` runs both
on submit: its ``rule_problems()`` asks the service for every rule the typed values break
(``marketplace.errors.Problems``), and each reason lands beside its field in the same round
trip. The rules stay in the service, written once; the service still checks them when the
form calls it.
"""
from __future__ import annotations

from typing import Mapping

from flask_wtf import FlaskForm


class RulesForm(FlaskForm):
    def rule_problems(self) -> Mapping[str, str]:
        """``{field name: reason}`` from the service's rules for the submitted values."""
        return {}

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators=extra_validators)
        for name, reason in self.rule_problems().items():
            field = self._fields.get(name)
            # A field whose own check already failed ("12,5" is not a number, too long) keeps
            # that one reason: the service would only say the same thing again.
            if field is not None and not field.errors:
                field.errors.append(reason)
                ok = False
        return ok
