"""One action, one transaction: the commit point of every entry.

A page (:func:`marketplace.web.perform`), an API view (:func:`marketplace.api.respond`), a CLI
command (:func:`run_command`) and a scheduled job (:func:`run_job`) each hand one service call
to :func:`run`, which commits once or rolls back everything the call flushed. They differ only
in how they show a refusal: on the form or as a flash, as JSON with a status, as a one-line
message with a non-zero exit, in the log.

Two refusals come from the database rather than from a service, when two requests race:

- a unique constraint (two sign-ups with one email): the service checked, saw nothing, and
  the other request committed first. The area registers, with :func:`refuse_duplicates`,
  the refusal its sequential check gives, so both paths answer alike (409/422, never 500);
- a version check (``version_id_col``): the row was saved by someone else since it was read.
  That becomes :class:`~marketplace.errors.Changed` (409).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

import click
from flask_babel import lazy_gettext as _l
from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from marketplace.errors import Changed, Conflict, DomainError
from marketplace.extensions import db

log = logging.getLogger(__name__)

_DUPLICATE_REFUSALS: dict[str, Callable[[], DomainError]] = {}


@dataclass(frozen=True)
class Outcome:
    """What :func:`run` did: ``ok`` (also the truth value), the service's result, or the
    refusal."""

    ok: bool
    value: Any = None
    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.ok

    @property
    def changed(self) -> bool:
        """Refused because someone else saved the object meanwhile (show the current values)."""
        return isinstance(self.error, Changed)


def refuse_duplicates(constraint: str, refusal: Callable[[], DomainError]) -> None:
    """When ``constraint`` (a unique constraint or index, by name) stops a commit, refuse with
    ``refusal()``: the same error the service's own check raises when the requests come one
    after the other."""
    _DUPLICATE_REFUSALS[constraint] = refusal


def run(action: Callable[[], Any]) -> Outcome:
    """Call ``action`` and commit; on a refusal roll back and return it (nothing is kept)."""
    try:
        value = action()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return Outcome(False, error=error)
    except IntegrityError as error:
        db.session.rollback()
        refusal = _refusal_for(error)
        if refusal is None:
            raise  # a broken invariant (a CHECK, a foreign key) is a bug, not a race
        return Outcome(False, error=refusal)
    except StaleDataError:
        db.session.rollback()
        return Outcome(False, error=Changed())
    except BaseException:
        db.session.rollback()
        raise
    return Outcome(True, value)


def run_command(action: Callable[[], Any]) -> Any:
    """For CLI commands: the action's result, or a refusal printed as ``Error: <reason>`` on
    one line with exit status 1."""
    outcome = run(action)
    if not outcome:
        raise click.ClickException(outcome.error.reason)
    return outcome.value


def run_job(action: Callable[[], Any], what: str) -> Outcome:
    """For scheduled jobs: one unit of work (e.g. one order) in one transaction. A refusal
    is logged and returned; the job goes on with its next unit."""
    outcome = run(action)
    if not outcome:
        log.info("%s refused: %s", what, outcome.error.reason)
    return outcome


# ---- which unique constraint stopped the commit ---------------------------------------

def _refusal_for(error: IntegrityError) -> DomainError | None:
    name = _violated_unique(error)
    if name is None:
        return None
    make = _DUPLICATE_REFUSALS.get(name)
    if make is not None:
        return make()
    return Conflict(str(_l("Someone else saved the same thing a moment ago. Reload the page "
                           "and check before trying again.")))


def _violated_unique(error: IntegrityError) -> str | None:
    """The violated unique constraint's name ("" when unknown), or None for other violations."""
    original = error.orig
    if getattr(original, "sqlstate", None) is not None:  # psycopg
        if original.sqlstate != "23505":
            return None
        return getattr(getattr(original, "diag", None), "constraint_name", None) or ""
    message = str(original)
    prefix = "UNIQUE constraint failed: "  # SQLite names the columns, not the constraint
    if not message.startswith(prefix):
        return None
    qualified = [part.strip() for part in message[len(prefix):].split(",")]
    table = qualified[0].split(".")[0]
    columns = {part.split(".", 1)[-1] for part in qualified}
    return _unique_named(table, columns) or ""


def _unique_named(table_name: str, columns: set[str]) -> str | None:
    table = db.metadata.tables.get(table_name)
    if table is None:
        return None
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint) and {c.name for c in constraint.columns} == columns:
            return constraint.name
    for index in table.indexes:
        if index.unique and {c.name for c in index.columns} == columns:
            return index.name
    if {c.name for c in table.primary_key.columns} == columns:
        return table.primary_key.name
    return None
