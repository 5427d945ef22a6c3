"""The state table agrees with the diagram in docs/DOMAIN.md, and its deadlines make sense."""
from __future__ import annotations

import re
from pathlib import Path

from config import KNOBS
from marketplace.orders import states
from marketplace.orders.states import DEADLINES, FINAL, TRANSITIONS, Actor, State

DOMAIN = Path(__file__).resolve().parents[2] / "docs" / "DOMAIN.md"
# "a ──label──▶ b"; the target is looked ahead (it may start the next arrow) and may be a
# "│" under a state on the line above ("applied ──select──▶ │" joins the accepted column).
ARROW = re.compile(r"(\w+)\s+──(?:([a-z ]+?)──)?▶\s+(?=(\w+|│))")


def diagram() -> str:
    text = DOMAIN.read_text(encoding="utf-8")
    section = text.split("### An order's life", 1)[1]
    return section.split("```", 2)[1]


def arrows() -> list[tuple[str, str, str]]:
    found, lines = [], diagram().splitlines()
    for number, line in enumerate(lines):
        for match in ARROW.finditer(line):
            source, label, target = match.groups()
            if target == "│":
                column = match.start(3)
                above = next(w for w in re.finditer(r"\w+", lines[number - 1])
                             if w.start() <= column < w.end())
                target = above.group()
            found.append((source, label or "", target))
    return found


def test_every_arrow_in_the_diagram_is_a_transition():
    arrows_ = arrows()
    assert ("applied", "select", "accepted") in arrows_
    assert len(arrows_) == 7, arrows_
    for source, label, target in arrows_:
        moves = [t for t in TRANSITIONS if t.source == source and t.target == target]
        assert moves, f"{source} → {target} is drawn but not in the table"
        if label:  # "submit draft" is the action "submit"
            assert label.split()[0] in {t.action for t in moves}, (source, label, target)


def test_the_diagram_names_exactly_the_states():
    words = set(re.findall(r"[a-z_]+", diagram()))
    state_words = {w for w in words if w in {s.value for s in State}}
    assert state_words == {s.value for s in State}


def test_revise_goes_back_to_accepted_at_most_the_knobs_times():
    assert "revise (at most 3)" in diagram()
    assert KNOBS["MAX_REVISIONS"][0] == 3
    assert states.find("revise", State.IN_REVIEW, Actor.BRAND).target == State.ACCEPTED


def test_invitations_and_applications_end_declined_withdrawn_or_expired():
    for start in (State.INVITED, State.APPLIED):
        ends = {t.target for t in states.transitions_from(start)}
        assert {State.DECLINED, State.WITHDRAWN, State.EXPIRED} <= ends


def test_after_approval_only_staff_cancel_unless_the_creator_is_late():
    for state in (State.APPROVED, State.PUBLISHED):
        for t in states.transitions_from(state):
            if t.target == State.CANCELLED:
                assert t.actors == {Actor.STAFF} or (t.only_when_late and Actor.STAFF not in t.actors)
    assert states.find("cancel", State.APPROVED, Actor.BRAND).only_when_late


def test_final_states_have_no_way_out_and_every_other_state_has_one():
    for state in State:
        assert bool(states.transitions_from(state)) != (state in FINAL), state


def test_every_state_is_reachable_from_invited_or_applied():
    seen, todo = set(), [State.INVITED, State.APPLIED]
    while todo:
        state = todo.pop()
        if state not in seen:
            seen.add(state)
            todo.extend(t.target for t in states.transitions_from(state))
    assert seen == set(State)


def test_each_deadline_is_applied_by_the_scheduler_with_a_known_knob():
    for state, rule in DEADLINES.items():
        if rule.effect != "mark_late":
            move = states.find(rule.effect, state, Actor.SCHEDULER)
            assert move is not None, (state, rule.effect)
        if rule.knob and not rule.knob.startswith("brief."):
            assert rule.knob in KNOBS
    assert set(DEADLINES) == {State.INVITED, State.APPLIED, State.ACCEPTED, State.IN_REVIEW,
                              State.APPROVED, State.PUBLISHED}
