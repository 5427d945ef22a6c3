"""Filing pages: the public receipt and the public sponsored library."""
from flask import Blueprint, render_template, request

from marketplace.access import PUBLIC, audience
from marketplace.filings import service
from marketplace.filings.forms import LibraryForm

bp = Blueprint("filings", __name__)


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
        filings, total, more = service.library(form.brand.data or "", form.creator.data or "",
                                               form.since.data, form.until.data, page=max(page, 1))
    else:
        filings, total, more = [], 0, False
    return render_template("filings/library.html", form=form, filings=filings, total=total, more=more,
                           page=max(page, 1), per_page=20)
