"""Audit case pages: the staff queue, case and dashboard; the creator's cases; the disclosure
linter the note form calls as the creator types."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.access import audience
from marketplace.audit.detector import CODES
from marketplace.audit_trail import entries_for
from marketplace.auth.models import Role
from marketplace.brands.service import brands_for_staff
from marketplace.cases import dashboard, service
from marketplace.cases.forms import AppealDecisionForm, AppealForm, DecisionForm, FileThroughOrderForm
from marketplace.cases.trail import sentence
from marketplace.creators import service as creators
from marketplace.errors import json_error
from marketplace.parsing import bounded_int
from marketplace.transaction import run
from marketplace.web import act, perform

bp = Blueprint("cases", __name__)


@bp.app_template_global("trail_sentence")
def trail_sentence(entry) -> str:
    return sentence(entry)


def _int_arg(name: str) -> int | None:
    # A number no row can have (beyond a database integer) is no filter, not an error.
    return bounded_int((request.args.get(name) or "").strip(), low=1)


# ---- staff ------------------------------------------------------------------------------------

@bp.route("/staff/audit")
@audience(Role.STAFF)
def queue():
    age = request.args.get("age", "")
    signal = request.args.get("signal", "")
    filters = service.QueueFilter(signal=signal if signal in CODES else "", brand_id=_int_arg("brand"),
                                  creator=(request.args.get("creator") or "").strip()[:40],
                                  age=age if age in ("1", "7", "old") else "")
    return render_template("cases/queue.html", cases=service.queue(filters), filters=filters,
                           appeals=service.appeals_waiting(), codes=CODES, brands=brands_for_staff(),
                           state_label=service.state_label)


def _case_page(case, status: int = 200):
    return render_template("cases/staff_case.html", case=case, explanations=service.explanations(case),
                           title_parts=service.highlighted(case.title, "title", case.signals),
                           body_parts=service.highlighted(case.body, "body", case.signals),
                           form=DecisionForm(), appeal_form=AppealDecisionForm(), state_label=service.state_label,
                           history=entries_for("case", case.id)), status


@bp.route("/staff/audit/cases/<int:case_id>")
@audience(Role.STAFF)
def staff_case(case_id: int):
    return _case_page(service.load_case(case_id, current_user))


def _decide(case_id: int, action, done: str):
    case = service.load_case(case_id, current_user)
    form = DecisionForm()
    act(form, lambda: action(current_user, case, form.reason.data), done)
    return redirect(url_for("cases.staff_case", case_id=case.id))


@bp.route("/staff/audit/cases/<int:case_id>/confirm", methods=["POST"])
@audience(Role.STAFF)
def confirm(case_id: int):
    return _decide(case_id, service.confirm, _("Confirmed: the note is out of search and the creator has a strike."))


@bp.route("/staff/audit/cases/<int:case_id>/dismiss", methods=["POST"])
@audience(Role.STAFF)
def dismiss(case_id: int):
    return _decide(case_id, service.dismiss, _("Dismissed."))


@bp.route("/staff/audit/cases/<int:case_id>/request-filing", methods=["POST"])
@audience(Role.STAFF)
def request_filing(case_id: int):
    return _decide(case_id, service.request_filing, _("The creator is asked to file the note."))


@bp.route("/staff/audit/cases/<int:case_id>/appeal", methods=["POST"])
@audience(Role.STAFF)
def decide_appeal(case_id: int):
    case = service.load_case(case_id, current_user)
    form = AppealDecisionForm()
    act(form, lambda: service.decide_appeal(current_user, case, form.outcome.data == "grant", form.reason.data),
        _("The appeal is decided."))
    return redirect(url_for("cases.staff_case", case_id=case.id))


@bp.route("/staff/audit/creators/<int:creator_id>/ban", methods=["POST"])
@audience(Role.STAFF)
def ban(creator_id: int):
    profile = creators.load_creator_by_id(creator_id)
    form = DecisionForm()
    act(form, lambda: service.ban_creator(current_user, profile, form.reason.data),
        _("@%(handle)s is banned.", handle=profile.handle))
    return redirect(url_for("creators.public_page", handle=profile.handle))


@bp.route("/staff/audit/creators/<int:creator_id>/unban", methods=["POST"])
@audience(Role.STAFF)
def unban(creator_id: int):
    profile = creators.load_creator_by_id(creator_id)
    form = DecisionForm()
    act(form, lambda: service.unban_creator(current_user, profile, form.reason.data),
        _("The ban on @%(handle)s is lifted.", handle=profile.handle))
    return redirect(url_for("creators.public_page", handle=profile.handle))


@bp.route("/staff/audit/dashboard")
@audience(Role.STAFF)
def staff_dashboard():
    return render_template("cases/dashboard.html", figures=dashboard.figures(), chart=dashboard)


# ---- creators -----------------------------------------------------------------------------------

@bp.route("/my/cases")
@audience(Role.CREATOR)
def my_cases():
    return render_template("cases/mine.html", cases=service.cases_of(current_user), state_label=service.state_label)


def _creator_page(case, file_form=None, appeal_form=None, status: int = 200):
    if file_form is None:
        file_form = FileThroughOrderForm()
    file_form.order_id.choices = [(o.id, f"{o.reference} · {o.brand.company_name}")
                                  for o in service.orders_to_file_through(current_user)]
    return render_template("cases/my_case.html", case=case, explanations=service.explanations(case),
                           title_parts=service.highlighted(case.title, "title", case.signals),
                           body_parts=service.highlighted(case.body, "body", case.signals),
                           file_form=file_form, appeal_form=appeal_form or AppealForm(),
                           state_label=service.state_label), status


@bp.route("/my/cases/<int:case_id>")
@audience(Role.CREATOR)
def my_case(case_id: int):
    return _creator_page(service.load_case(case_id, current_user))


@bp.route("/my/cases/<int:case_id>/file", methods=["POST"])
@audience(Role.CREATOR)
def file_note(case_id: int):
    case = service.load_case(case_id, current_user)
    form = FileThroughOrderForm()
    form.order_id.choices = [(o.id, o.reference) for o in service.orders_to_file_through(current_user)]
    if form.validate_on_submit() and perform(lambda: service.file_through_order(current_user, case,
                                                                               form.order_id.data), form):
        flash(_("The note is filed and the case is closed with no strike."), "success")
        return redirect(url_for("cases.my_case", case_id=case.id))
    if not form.order_id.choices:
        flash(_("You have no order to file this note through."), "error")
    return _creator_page(case, file_form=form, status=422)


@bp.route("/my/cases/<int:case_id>/appeal", methods=["POST"])
@audience(Role.CREATOR)
def appeal(case_id: int):
    case = service.load_case(case_id, current_user)
    form = AppealForm()
    if form.validate_on_submit() and perform(lambda: service.appeal(current_user, case, form.text.data), form):
        flash(_("Your appeal is sent; a staff member who did not decide the case will answer it."), "success")
        return redirect(url_for("cases.my_case", case_id=case.id))
    return _creator_page(case, appeal_form=form, status=422)


@bp.route("/my/lint", methods=["POST"])
@audience(Role.CREATOR)
def lint():
    """JSON: ``{"title", "body"}`` in, the detector's warning out. CSRF-protected like every POST
    (the form's script sends the token in ``X-CSRFToken``)."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not all(isinstance(data.get(k, ""), str) for k in ("title", "body")):
        return jsonify({"error": _("Send a JSON object with title and body text.")}), 422
    outcome = run(lambda: service.lint(current_user, data.get("title", ""), data.get("body", "")))
    if not outcome:
        return json_error(outcome.error)
    return jsonify(outcome.value)
