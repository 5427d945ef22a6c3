"""Ranked, explained lists: eligible creators for a brief (its brand, staff) and open briefs
for a creator; and, on the brief page, how the signed-in creator fits the brief."""
from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from marketplace import eligibility
from marketplace.access import audience
from marketplace.auth.models import Role
from marketplace.briefs import service as briefs
from marketplace.creators import service as creators
from marketplace.matching import scoring, service
from marketplace.matching.forms import FilterForm

bp = Blueprint("matching", __name__)


@bp.app_context_processor
def matching_helpers():
    def brief_fit(brief) -> dict | None:
        """For a signed-in creator on a brief's page: their standing for it and the reasons
        of their match score. None for everyone else."""
        if not (current_user.is_authenticated and current_user.is_creator):
            return None
        profile = creators.profile_for(current_user)
        return {"standing": eligibility.check(profile, brief),
                "reasons": scoring.explain(profile, brief) if profile else []}

    return {"brief_fit": brief_fit}


@bp.route("/briefs/<int:brief_id>/matches")
@audience(Role.BRAND, Role.STAFF)
def matches(brief_id: int):
    brief = briefs.load_brief(brief_id, current_user, edit=not current_user.is_staff)
    form = FilterForm(request.args)
    page = service.creators_for_brief(brief, form.to_filters(current_app.config["MATCHES_PER_PAGE"]))
    return render_template("briefs/matches.html", brief=brief, page=page, form=form,
                           min_followers=eligibility.min_followers_for(brief))


@bp.route("/briefs")
@audience(Role.CREATOR)
def for_me():
    profile = creators.profile_for(current_user)
    form = FilterForm(request.args, for_briefs=True)
    page = service.briefs_for_creator(profile, form.to_filters(current_app.config["MATCHES_PER_PAGE"]))
    return render_template("briefs/for_me.html", page=page, form=form, profile=profile,
                           standing=eligibility.check(profile))
