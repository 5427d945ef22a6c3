"""Note pages: the public note, a creator's notes, and a creator's own publish/edit/delete.
(Staff's view of a note, with filing and de-indexing, is a staff page.)"""
from flask import Blueprint, abort, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.access import PUBLIC, audience
from marketplace.auth.models import Role
from marketplace.creators import service as creators
from marketplace.errors import DomainError
from marketplace.forms import PostOnlyForm
from marketplace.notes import images, service
from marketplace.notes.forms import NoteForm
from marketplace.web import perform, show_error

bp = Blueprint("notes", __name__)


@bp.app_context_processor
def notes_helpers():
    """A creator's public page lists their notes; it asks lazily so other pages pay nothing."""
    return {"notes_of": lambda creator: service.notes_by_creator(creator, current_user)}


@bp.route("/notes/<int:note_id>")
@audience(PUBLIC)
def show(note_id):
    note = service.load_note(note_id, current_user)
    owner = current_user.is_authenticated and note.creator.user_id == current_user.id
    return render_template("notes/show.html", note=note, owner=owner,
                           unindexed_reason=service.not_indexable_reason(note) if owner else None,
                           delete_refusal=service.delete_refusal(note) if owner else None)


@bp.route("/@<handle>/notes")
@audience(PUBLIC)
def by_creator(handle):
    creator = creators.load_creator(handle, current_user)
    return render_template("notes/creator.html", creator=creator,
                           notes=service.notes_by_creator(creator, current_user))


@bp.route("/notes/mine")
@audience(Role.CREATOR)
def mine():
    try:
        creator = service.publisher(current_user)
    except DomainError as error:
        show_error(None, error)
        return render_template("notes/mine.html", creator=None, notes=[], reason_for=None)
    return render_template("notes/mine.html", creator=creator,
                           notes=service.notes_by_creator(creator, current_user),
                           reason_for=service.not_indexable_reason)


@bp.route("/notes/new", methods=["GET", "POST"])
@audience(Role.CREATOR)
def new():
    form = NoteForm()
    status = 200
    if form.validate_on_submit():
        outcome = perform(lambda: service.publish_note(
            service.publisher(current_user), form.title.data, form.body.data, form.tags.data,
            is_paid=form.is_paid.data, is_private=form.is_private.data,
            uploads=request.files.getlist(form.images.name)), form)
        if outcome:
            flash(_("Your note is published."), "success")
            return redirect(url_for("notes.show", note_id=outcome.value.id))
        status = 422
    return render_template("notes/form.html", form=form, note=None), (422 if form.errors else status)


@bp.route("/notes/<int:note_id>/edit", methods=["GET", "POST"])
@audience(Role.CREATOR)
def edit(note_id):
    note = service.load_note(note_id, current_user, own=True)
    status = 200
    form = _edit_form(note)
    if form.validate_on_submit():
        outcome = perform(lambda: service.edit_note(
            note, form.title.data, form.body.data, form.tags.data,
            is_paid=form.is_paid.data, is_private=form.is_private.data,
            uploads=request.files.getlist(form.images.name),
            remove_image_ids=form.remove_images.data or (), version=form.opened_at()), form)
        if outcome:
            flash(_("Your note is updated."), "success")
            return redirect(url_for("notes.show", note_id=note.id))
        if outcome.changed:  # saved meanwhile (another tab): show the note as it is now
            return render_template("notes/form.html", form=_edit_form(note, formdata=None), note=note), 409
        status = 422
    return render_template("notes/form.html", form=form, note=note), (422 if form.errors else status)


def _edit_form(note, **kwargs) -> NoteForm:
    """The edit form: the request's fields when posted, else the note as saved."""
    form = NoteForm(data={"title": note.title, "body": note.body, "tags": " ".join(note.tag_names),
                          "is_paid": note.is_paid, "is_private": note.is_private,
                          "version": str(note.version)}, **kwargs)
    form.remove_images.choices = [(image.id, str(i + 1)) for i, image in enumerate(note.images)]
    form.stored_images = len(note.images)
    return form


@bp.route("/notes/<int:note_id>/delete", methods=["POST"])
@audience(Role.CREATOR)
def delete(note_id):
    note = service.load_note(note_id, current_user, own=True)
    if not PostOnlyForm().validate_on_submit():
        abort(400)
    if not perform(lambda: service.delete_note(note)):
        return redirect(url_for("notes.show", note_id=note.id))
    flash(_("Your note is deleted."), "success")
    return redirect(url_for("notes.mine"))


@bp.route("/media/notes/<name>")
@audience(PUBLIC)
def image(name):
    if not images.STORED_NAME.match(name):
        abort(404)
    service.load_note_image(name, current_user)
    # private: a shared cache must not keep serving an image after its note is deleted.
    response = send_from_directory(images.upload_folder(), name, max_age=3600)
    response.cache_control.public = False
    response.cache_control.private = True
    return response
