"""The audit trail: any actor can write it (staff, other users, API tokens, the command line,
background processes); secrets never reach it; staff changes need a reason."""
import pytest

from marketplace import audit_trail
from marketplace.audit_trail.models import TrailEntry
from marketplace.errors import Invalid, NotAllowed
from marketplace.extensions import db
from tests.factories import make_api_token, make_user


def _entries():
    return db.session.scalars(db.select(TrailEntry).order_by(TrailEntry.id)).all()


def test_every_kind_of_actor_writes_who_what_when_and_why(frozen_clock):
    staff = make_user("staff", display_name="Sue Staff")
    creator = make_user("creator", display_name="Lin")
    token, _plain = make_api_token("Nightly feed")
    audit_trail.record(staff, "brand.verify", "brand", 7, reason="Licence checked", company_name="GlowLab")
    audit_trail.record(creator, "note.file_request", "note", 3)
    audit_trail.record(token, "creator.report", "creator", 5, followers=1200)
    audit_trail.record(audit_trail.SCHEDULER, "order.expire", "order", 9, reason="72 h without an answer")
    audit_trail.record(audit_trail.DETECTOR, "note.flag", "note", 3, score=81)
    db.session.commit()
    rows = [(e.actor_type, e.actor_id, e.actor_label, e.action, e.subject_type, e.subject_id)
            for e in _entries() if e.action != "api_token.create"]
    assert rows == [
        ("user", staff.id, "Sue Staff", "brand.verify", "brand", 7),
        ("user", creator.id, "Lin", "note.file_request", "note", 3),
        ("api_token", token.id, "API token Nightly feed", "creator.report", "creator", 5),
        ("scheduler", None, "scheduler", "order.expire", "order", 9),
        ("detector", None, "undisclosed-ad detector", "note.flag", "note", 3),
    ]
    verify = _entries()[1]
    assert verify.params == {"company_name": "GlowLab"} and verify.reason == "Licence checked"
    assert verify.at == frozen_clock.now()


def test_secrets_are_masked_by_name_and_by_shape():
    staff = make_user("staff")
    entry = audit_trail.record(
        staff, "gateway.connect", "creator", 1, reason="pasted pappus_12_abcDEF-123 by mistake",
        password="hunter2", api_key="k", webhook_secret="s", name="Stripe",
        nested={"token": "t", "card_number": "4242", "note": "key sk_live_abc123"})
    db.session.commit()
    assert entry.params == {"password": "********", "api_key": "********", "webhook_secret": "********",
                            "name": "Stripe", "nested": {"token": "********", "card_number": "********",
                                                         "note": "key sk_live_********"}}
    assert entry.reason == "pasted pappus_12_******** by mistake"  # the id stays, the secret goes


def test_staff_actions_need_staff_and_a_reason():
    creator = make_user("creator")
    staff = make_user("staff")
    with pytest.raises(NotAllowed):
        audit_trail.record_staff_action(creator, "brand.verify", "brand", 1, "because")
    with pytest.raises(Invalid) as refused:
        audit_trail.record_staff_action(staff, "brand.verify", "brand", 1, "   ")
    assert refused.value.field == "reason"
    db.session.rollback()
    assert _entries() == []


def test_token_creation_and_revocation_from_the_cli_are_logged(runner):
    created = runner.invoke(args=["api-tokens", "create", "Nightly feed"])
    assert created.exit_code == 0, created.output
    plain = created.output.strip().splitlines()[-1]
    token_id = int(plain.split("_")[1])
    revoked = runner.invoke(args=["api-tokens", "revoke", str(token_id), "--reason", "rotated"])
    assert revoked.exit_code == 0, revoked.output
    entries = audit_trail.entries_for("api_token", token_id)
    assert [(e.action, e.actor_type, e.reason) for e in entries] == [
        ("api_token.revoke", "cli", "rotated"), ("api_token.create", "cli", "")]
    assert entries[-1].actor_label.startswith("command line (")
    assert entries[-1].params == {"name": "Nightly feed"}
    assert plain.split("_", 2)[2] not in str([e.params for e in entries])


def test_a_refused_cli_command_prints_one_line_and_fails(runner):
    result = runner.invoke(args=["api-tokens", "revoke", "999"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["Error: There is no API token 999."]
    make_api_token("Old feed")
    token_id = db.session.scalar(db.select(TrailEntry.subject_id))
    assert runner.invoke(args=["api-tokens", "revoke", str(token_id)]).exit_code == 0
    again = runner.invoke(args=["api-tokens", "revoke", str(token_id)])
    assert again.exit_code == 1 and again.output.strip() == "Error: This token is already revoked."
