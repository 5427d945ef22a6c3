"""Note pages: the public note, a creator's notes, and a creator's own publish/edit/delete;
staff's view of a note with filing and de-indexing."""
from flask import abort, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.access import PUBLIC, audience
from marketplace.auth.forms import PostOnlyForm
from marketplace.auth.models import Role
from marketplace.errors import DomainError
from marketplace.notes import bp, images, service
from marketplace.notes.forms import NoteForm, ReasonForm
from marketplace.web import perform, show_error


@bp.app_context_processor
def feed_helpers():
    """The home page shows the feed; it asks for it lazily so other pages pay nothing."""
    return {"home_feed": service.recent_feed,
            "notes_of": lambda creator: service.notes_by_creator(creator, current_user)}


@bp.route("/notes/<int:note_id>")
@audience(PUBLIC)
def show(note_id):
    note = service.note_for_viewer(note_id, current_user)
    owner = current_user.is_authenticated and note.creator.user_id == current_user.id
    return render_template("notes/show.html", note=note, owner=owner,
                           unindexed_reason=service.not_indexable_reason(note) if owner else None,
                           delete_refusal=service.delete_refusal(note) if owner else None)


@bp.route("/@<handle>/notes")
@audience(PUBLIC)
def by_creator(handle):
    creator = service.creator_by_handle(handle)
    return render_template("notes/creator.html", creator=creator,
                           notes=service.notes_by_creator(creator, current_user))


@bp.route("/notes/mine")
@audience(Role.CREATOR)
def mine():
    try:
        creator = service.creator_of(current_user)
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
            service.creator_of(current_user), form.title.data, form.body.data, form.tags.data,
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
    note = service.own_note(note_id, current_user)
    status = 200
    form = NoteForm(data={"title": note.title, "body": note.body, "tags": " ".join(note.tag_names),
                          "is_paid": note.is_paid, "is_private": note.is_private})
    form.remove_images.choices = [(image.id, str(i + 1)) for i, image in enumerate(note.images)]
    form.stored_images = len(note.images)
    if form.validate_on_submit():
        if perform(lambda: service.edit_note(
                note, form.title.data, form.body.data, form.tags.data,
                is_paid=form.is_paid.data, is_private=form.is_private.data,
                uploads=request.files.getlist(form.images.name),
                remove_image_ids=form.remove_images.data or ()), form):
            flash(_("Your note is updated."), "success")
            return redirect(url_for("notes.show", note_id=note.id))
        status = 422
    return render_template("notes/form.html", form=form, note=note), (422 if form.errors else status)


@bp.route("/notes/<int:note_id>/delete", methods=["POST"])
@audience(Role.CREATOR)
def delete(note_id):
    note = service.own_note(note_id, current_user)
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
    service.image_for_viewer(name, current_user)
    # private: a shared cache must not keep serving an image after its note is deleted.
    response = send_from_directory(images.upload_folder(), name, max_age=3600)
    response.cache_control.public = False
    response.cache_control.private = True
    return response


@bp.route("/staff/notes/<int:note_id>")
@audience(Role.STAFF)
def staff_view(note_id):
    from marketplace.filings.forms import FileForm
    from marketplace.staff.service import actions_for

    note = service.note_for_viewer(note_id, current_user)
    return render_template("notes/staff.html", note=note, file_form=FileForm.for_brands(),
                           reason_form=ReasonForm(), history=actions_for("note", note.id),
                           unindexed_reason=service.not_indexable_reason(note))


@bp.route("/staff/notes/<int:note_id>/deindex", methods=["POST"])
@audience(Role.STAFF)
def deindex(note_id):
    return _staff_index_action(note_id, service.deindex_note, _("The note is out of search."))


@bp.route("/staff/notes/<int:note_id>/reindex", methods=["POST"])
@audience(Role.STAFF)
def reindex(note_id):
    return _staff_index_action(note_id, service.restore_to_index, _("The note is back in search."))


def _staff_index_action(note_id, action, done):
    note = service.note_for_viewer(note_id, current_user)
    form = ReasonForm()
    if form.validate_on_submit():
        if perform(lambda: action(note, current_user, form.reason.data)):
            flash(done, "success")
    else:
        flash(_("Write the reason for this change."), "error")
    return redirect(url_for("notes.staff_view", note_id=note.id))
