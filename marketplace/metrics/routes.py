"""Metrics pages: brands' campaign reports (per brief, per note, CSV) and the staff CSV upload."""
from flask import Blueprint, Response, render_template
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.access import audience
from marketplace.audit_trail import entries_about
from marketplace.auth.models import Role
from marketplace.formatting import as_of_day
from marketplace.metrics import charts, ingest, reports
from marketplace.metrics.forms import CsvUploadForm
from marketplace.metrics.service import frozen_snapshot, waiting_sentence
from marketplace.web import perform

bp = Blueprint("metrics", __name__)


# For order pages (in lower areas): "Waiting for metrics since 3 May 2026." or None, and the
# frozen settlement snapshot (``.checksum``, ``.data``) or None.
bp.add_app_template_global(waiting_sentence, "metrics_waiting")
bp.add_app_template_global(frozen_snapshot, "settlement_snapshot")


@bp.route("/reports")
@audience(Role.BRAND, Role.STAFF)
def overview():
    return render_template("metrics/overview.html", briefs=reports.briefs_for(current_user),
                           formula=reports.PLANTING_FORMULA)


@bp.route("/reports/briefs/<int:brief_id>")
@audience(Role.BRAND, Role.STAFF)
def brief_report(brief_id: int):
    brief = reports.load_brief(brief_id, current_user)
    report = reports.brief_report(brief)
    trend = charts.trend_chart(report.trend, _("Daily trend: reached so far"), (_("Impressions"), _("Reads")),
                               as_of_day)
    by_creator = charts.creator_chart(report.by_creator, _("Reads and engagement per creator"),
                                      (_("Reads"), _("Engagement")))
    return render_template("metrics/brief.html", report=report, brief=brief, trend=trend,
                           by_creator=by_creator, formula=reports.PLANTING_FORMULA)


@bp.route("/reports/briefs/<int:brief_id>.csv")
@audience(Role.BRAND, Role.STAFF)
def brief_report_csv(brief_id: int):
    brief = reports.load_brief(brief_id, current_user)
    return _csv(reports.brief_csv(reports.brief_report(brief, with_charts=False)), f"brief-{brief.id}-report.csv")


@bp.route("/reports/orders/<int:order_id>")
@audience(Role.BRAND, Role.STAFF)
def note_report(order_id: int):
    order = reports.load_order(order_id, current_user)
    row, history = reports.note_report(order)
    days = reports.daily_trend([order.note_id])
    trend = charts.trend_chart(days, _("Daily trend: reached so far"), (_("Impressions"), _("Reads")), as_of_day)
    return render_template("metrics/note.html", row=row, history=history, order=order, trend=trend,
                           waiting=waiting_sentence(order), formula=reports.PLANTING_FORMULA)


@bp.route("/reports/orders/<int:order_id>.csv")
@audience(Role.BRAND, Role.STAFF)
def note_report_csv(order_id: int):
    order = reports.load_order(order_id, current_user)
    row, history = reports.note_report(order)
    return _csv(reports.note_csv(row, history), f"order-{order.reference}-metrics.csv")


def _csv(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/staff/metrics/upload", methods=["GET", "POST"])
@audience(Role.STAFF)
def upload():
    form = CsvUploadForm()
    answers, imported = None, False
    status = 200
    if form.validate_on_submit():
        upload_file = form.file.data
        raw = upload_file.read() if upload_file else b""
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
            form.file.errors = [*form.file.errors, _("Save the file as UTF-8 CSV.")]
        if text is not None and not raw.strip():
            form.file.errors = [*form.file.errors, _("Choose a CSV file with a header row and reports.")]
        elif text is not None:
            outcome = perform(lambda: ingest.import_csv(current_user, text, form.reason.data or "",
                                                        getattr(upload_file, "filename", "") or ""), form)
            if outcome:
                answers, imported = outcome.value, True
            elif isinstance(outcome.error, ingest.CsvRefused):
                answers = outcome.error.answers
    if form.is_submitted() and not imported:
        status = 422
    return render_template("metrics/upload.html", form=form, answers=answers, imported=imported,
                           columns=ingest.CSV_COLUMNS, history=entries_about("metrics_upload", 20)), status
