"""Filing pages: the public receipt, the public sponsored library, and staff filing a note."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.access import PUBLIC, audience
from marketplace.auth.models import Role
from marketplace.filings import bp, service
from marketplace.filings.forms import FileForm, LibraryForm
from marketplace.notes import service as notes
from marketplace.web import perform


@bp.route("/filings/<code>")
@audience(PUBLIC)
def receipt(code):
    return render_template("filings/receipt.html", filing=service.load_filing(code))


@bp.route("/filings")
@audience(PUBLIC)
def library():
    form = LibraryForm(request.args)
    page = request.args.get("page", 1, type=int) or 1
    if form.validate():
        filings, total = service.library(form.brand.data or "", form.creator.data or "",
                                         form.since.data, form.until.data, page=max(page, 1))
    else:
        filings, total = [], 0
    return render_template("filings/library.html", form=form, filings=filings, total=total,
                           page=max(page, 1), per_page=20)


@bp.route("/staff/notes/<int:note_id>/file", methods=["POST"])
@audience(Role.STAFF)
def staff_file(note_id):
    note = notes.load_note(note_id, current_user)
    form = FileForm.for_brands()
    if form.validate_on_submit():
        if outcome := perform(lambda: service.staff_file_note(
                note, form.brand_id.data, form.order_reference.data, current_user, form.reason.data)):
            flash(_("The note is filed. Receipt %(code)s.", code=outcome.value.code), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
    return redirect(url_for("notes.staff_view", note_id=note.id))
