"""The lifecycle table, the machine built from it, and the guards' plain-word refusals."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from eia import operations as ops
from eia.models import EiaVersion, SignOff
from eia.sections import section_statuses
from workflows import TransitionRefused, available_events, refusal_reasons
from workflows.guards import GUARDS, NEEDS, GuardContext
from workflows.lifecycle import SECTIONS, STATES, TRANSITIONS, mermaid_diagram
from workflows.machine import MACHINE

ROOT = Path(__file__).resolve().parent.parent
# The domain description lives in the repository (a clone on its own must pass its tests).
DOMAIN = ROOT / "docs" / "domain.md"


def _domain_events():
    """Rows of the domain document's event table: (event, sources, destinations)."""
    rows = []
    for line in DOMAIN.read_text().splitlines():
        m = re.match(r"\| (\w+) \| ([\w ,-]+?) → ([\w ,]+?) \|", line)
        if m and m.group(1) != "event":
            rows.append((m.group(1), m.group(2).strip(), m.group(3).strip()))
    return rows


def test_table_covers_every_event_of_the_domain_document():
    events = {e for e, _, _ in _domain_events()}
    assert events == {t.event for t in TRANSITIONS}
    for event, source, dest in _domain_events():
        rows = [t for t in TRANSITIONS if t.event == event]
        if source.startswith("any non-terminal"):
            assert {t.source for t in rows} == {s.name for s in STATES if not s.terminal}
        else:
            assert {t.source for t in rows} == {source}
        assert {t.dest for t in rows} == set(dest.replace(" or ", ",").replace(" ", "").split(","))


def _domain_table(header: str) -> list[list[str]]:
    """The rows of the domain document's table whose header row starts with ``header``."""
    rows, inside = [], False
    for line in DOMAIN.read_text().splitlines():
        if line.startswith(f"| {header} |"):
            inside = True
            continue
        if inside and not line.startswith("|"):
            break
        if inside and not line.startswith("| ---"):
            rows.append([cell.strip().strip("`") for cell in line.strip("|").split("|")])
    return rows


def test_domain_document_is_in_the_repository():
    assert DOMAIN.is_file() and ROOT in DOMAIN.resolve().parents


def test_domain_document_names_every_state_of_the_table():
    rows = _domain_table("state")
    assert [r[0] for r in rows] == [s.name for s in STATES]
    assert {r[0] for r in rows if "(terminal)" in r[1]} == {s.name for s in STATES if s.terminal}


def test_domain_document_scoring_is_the_product_s():
    from eia.scoring import BANDS, LIKELIHOOD_LABELS, SEVERITY_LABELS, band_for

    labels = {int(r[0]): (r[1], r[2]) for r in _domain_table("score")}
    assert labels == {
        n: (LIKELIHOOD_LABELS[n].lower(), SEVERITY_LABELS[n].lower()) for n in range(1, 5)
    }
    # Each band lists exactly the scores that can fall in it, so none seems to be skipped.
    listed = {
        band: [int(x) for x in re.split(r", | or ", scores)]
        for band, scores in _domain_table("band")
    }
    possible = sorted({a * b for a in range(1, 5) for b in range(1, 5)})
    assert listed == {b.key: [s for s in possible if band_for(s) == b] for b in BANDS}


def test_machine_is_built_from_the_table():
    for s in STATES:
        expected = {t.event for t in TRANSITIONS if t.source == s.name}
        assert set(MACHINE.get_triggers(s.name)) == expected
    assert not MACHINE.get_triggers("withdrawn") and not MACHINE.get_triggers("archived")


def test_every_named_guard_and_need_exists():
    for t in TRANSITIONS:
        assert all(g in GUARDS for g in t.guards), t
        assert all(n in NEEDS for n in t.needs), t


def test_diagram_is_generated_from_the_table():
    diagram = mermaid_diagram()
    for t in TRANSITIONS:
        if t.event != "withdraw":
            assert f"{t.source} --> {t.dest}: {t.event}" in diagram
    readme = ROOT / "README.md"
    assert diagram in readme.read_text(), "README's diagram is stale: run `eia diagram`"


def reasons(exc_info) -> str:
    return " ".join(exc_info.value.reasons)


def test_incomplete_proposal_is_refused_with_what_is_missing(make, db):
    eia = make.eia("draft")
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, eia, "start_screening", eia.owner)
    assert "add a summary of the proposal" in reasons(refused)
    assert "who makes the decision" in reasons(refused)
    assert eia.status == "draft"


def test_event_not_possible_from_this_state_says_so(make, db):
    eia = make.eia("draft")
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, eia, "approve", make.user("approver"), attested=True)
    assert reasons(refused) == "“Approve” is not possible while the EIA is draft."


def test_screen_out_needs_every_characteristic_not_relevant_with_a_reason(make, db):
    eia = make.eia("screening")
    make.screen(eia, eia.owner, relevant=("disability",))
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, eia, "screen_out", eia.owner)
    assert "screening found disability relevant" in reasons(refused)
    make.screen(eia, eia.owner, relevant=())
    age = next(a for a in eia.screening_answers if a.characteristic.key == "age")
    ops.save_screening(db, eia, eia.owner, {age.characteristic_id: ("not_relevant", "  ")})
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, eia, "screen_out", eia.owner)
    assert "Give a reason for your screening answer for age" in reasons(refused)
    ops.save_screening(db, eia, eia.owner, {age.characteristic_id: ("not_relevant", "None.")})
    ops.transition(db, eia, "screen_out", eia.owner)
    assert eia.status == "awaiting_sign_off"
    assert "No full assessment is needed" in eia.screening_conclusion


def test_screening_s_outcome_is_not_given_as_a_reason_until_screening_is_complete(make, db):
    """Both ways out of screening refuse an unfinished screening by saying what is missing,
    never by presuming an outcome ("screen it out instead", "it cannot be screened out")."""
    eia = make.eia("screening")

    def refusals(event) -> list[str]:
        return refusal_reasons(event, GuardContext(eia=eia, actor=eia.owner, session=db))

    for event in ("screen_out", "start_full_assessment"):  # nothing answered yet
        assert [r.split(":")[0] for r in refusals(event)] == ["Screening is not complete"]
    first, second = make.characteristics()[:2]
    ops.save_screening(
        db, eia, eia.owner, {first.id: ("not_relevant", "No change."), second.id: ("relevant", "")}
    )
    for event in ("screen_out", "start_full_assessment"):  # part-answered
        assert [r.split(":")[0] for r in refusals(event)] == [
            "Screening is not complete",
            "Give a reason for your screening answer for " + second.name.lower() + ".",
        ]
    make.screen(eia, eia.owner, relevant=(second.key,))
    assert refusals("screen_out")[0].startswith("A full assessment is needed because")
    assert refusals("start_full_assessment") == []


def test_full_assessment_is_refused_when_nothing_is_relevant(make, db):
    eia = make.eia("screening")
    make.screen(eia, eia.owner, relevant=())
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, eia, "start_full_assessment", eia.owner)
    assert "screen the EIA out instead" in reasons(refused)


def test_submit_lists_every_missing_part(make, db):
    eia = make.eia("full_assessment")
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, eia, "submit_for_sign_off", eia.owner)
    text = reasons(refused)
    assert "Score the impact" in text and "age and disability" in text
    assert "Choose the outcome" in text and "Set a review date" in text
    assert not refused.value.forbidden  # about the EIA's readiness, not the person


def test_negative_impact_needs_mitigation_and_outcome_3_its_justification(make, db):
    eia = make.eia("full_assessment")
    make.assess(eia, eia.owner, outcome="3")
    age = next(i for i in eia.impacts if i.characteristic.key == "age")
    ops.save_impact(db, eia, eia.owner, age.characteristic_id, {"mitigation": ""})
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, eia, "submit_for_sign_off", eia.owner)
    text = reasons(refused)
    assert "Say how the negative impact will be mitigated for age" in text
    assert "Outcome 3 (continue despite adverse impact) needs its justification" in text
    assert "the legitimate aim" in text


def test_evidence_gap_needs_its_reason_and_becomes_an_action(make, db):
    eia = make.eia("full_assessment")
    make.assess(eia, eia.owner)
    age = next(i for i in eia.impacts if i.characteristic.key == "age")
    ops.save_impact(
        db,
        eia,
        eia.owner,
        age.characteristic_id,
        {"evidence": "", "evidence_gap": True},
        section="evidence",
    )
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, eia, "submit_for_sign_off", eia.owner)
    assert "explain the evidence gap, for age" in reasons(refused)
    ops.save_impact(
        db,
        eia,
        eia.owner,
        age.characteristic_id,
        {"evidence_gap_reason": "No age breakdown of users."},
        section="evidence",
    )
    gap_actions = [a for a in eia.actions if a.from_evidence_gap]
    assert len(gap_actions) == 1 and "No age breakdown" in gap_actions[0].description
    # An action without a due date is not a plan: the EIA cannot be sent until it has one.
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, eia, "submit_for_sign_off", eia.owner)
    assert refused.value.reasons == [
        "Give the action “Close the evidence gap for age: No age breakdown of users.” a due date."
    ]
    ops.save_action(
        db,
        eia,
        eia.owner,
        {"due_date": date.today() + timedelta(days=90)},
        action_id=gap_actions[0].id,
    )
    ops.transition(db, eia, "submit_for_sign_off", eia.owner)


def test_every_open_action_needs_an_owner_and_a_due_date_before_sending(make, db):
    eia = make.eia("full_assessment")
    make.assess(eia, eia.owner)
    soon = date.today() + timedelta(days=30)
    for description, values in (
        ("Survey the users of the route.", {}),
        ("Count cyclists by age.", {"owner_id": eia.owner.id}),
        ("Run a drop-in session.", {"owner_id": eia.owner.id, "due_date": soon}),
        ("Leaflet every household " + "on the estate " * 10, {"due_date": soon}),
        ("An idea dropped at the meeting.", {"status": "cancelled"}),
        ("Done before anyone dated it.", {"status": "done"}),
    ):
        ops.save_action(db, eia, eia.owner, {"description": description, **values})
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, eia, "submit_for_sign_off", eia.owner)
    assert refused.value.reasons == [
        "Give the action “Survey the users of the route.” an owner and a due date.",
        "Give the action “Count cyclists by age.” a due date.",
        "Give the action “Leaflet every household on the estate on the estate on the estate "
        "on the estate…” an owner.",
    ]
    assert not refused.value.forbidden
    # The same rule is the action plan's status on the task list.
    actions = next(
        s
        for s in section_statuses(GuardContext(eia=eia, actor=None, session=db))
        if s.key == "actions"
    )
    assert actions.status == "In progress" and list(actions.problems) == refused.value.reasons
    for action in eia.actions:
        ops.save_action(
            db, eia, eia.owner, {"owner_id": eia.owner.id, "due_date": soon}, action_id=action.id
        )
    ops.transition(db, eia, "submit_for_sign_off", eia.owner)
    assert eia.status == "awaiting_sign_off"


def test_not_publishing_needs_a_reason_before_the_proposal_is_complete(make, db):
    eia = make.eia("draft")
    make.fill_proposal(eia, eia.owner, publishable=False, publishing_reason="")
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, eia, "start_screening", eia.owner)
    assert reasons(refused) == (
        "The proposal is not complete: add why it will not be published in the register."
    )
    ops.update_eia(
        db,
        eia,
        "proposal",
        eia.owner,
        {"publishing_reason": "It names staff whose posts would change."},
    )
    ops.transition(db, eia, "start_screening", eia.owner)
    assert eia.status == "screening"


def test_author_cannot_approve_their_own_eia(make, db):
    directorate = make.directorate()
    author = make.user("approver", directorate=directorate, service=make.service(directorate))
    eia = make.eia("awaiting_sign_off", owner=author)
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, eia, "approve", author, attested=True)
    assert "You wrote this EIA, so you cannot decide on it" in reasons(refused)
    assert refused.value.forbidden  # about the person, not the EIA
    assert eia.status == "awaiting_sign_off"


def test_approver_from_another_directorate_is_refused(make, db):
    eia = make.eia("awaiting_sign_off")
    outsider = make.user("approver")
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, eia, "approve", outsider, attested=True)
    assert "Only an approver for the EIA's directorate can do this." in reasons(refused)


def test_approval_needs_the_attestation(make, db):
    eia = make.eia("awaiting_sign_off")
    approver = make.user("approver", directorate=eia.directorate)
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, eia, "approve", approver)
    assert "Confirm that you have read the impacts" in reasons(refused)


def test_late_approval_needs_a_reason_and_is_flagged(make, db):
    eia = make.eia("awaiting_sign_off")
    approver = make.user("approver", directorate=eia.directorate)
    after_decision = eia.decision_date + timedelta(days=3)
    at = ops.utcnow().replace(
        year=after_decision.year, month=after_decision.month, day=after_decision.day, hour=12
    )
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, eia, "approve", approver, attested=True, at=at)
    assert "has passed: give the reason sign-off is late" in reasons(refused)
    record = ops.transition(
        db,
        eia,
        "approve",
        approver,
        attested=True,
        at=at,
        late_reason="Committee papers were published before the EIA.",
    )
    sign_off = db.exec(
        select(SignOff).where(SignOff.eia_id == eia.id, SignOff.decision == "approved")
    ).one()
    assert sign_off.late and "Committee papers" in sign_off.late_reason
    assert '"late":true' in record.details


def test_return_needs_a_comment_and_goes_where_asked(make, db):
    eia = make.eia("awaiting_sign_off")
    approver = make.user("approver", directorate=eia.directorate)
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, eia, "return", approver, comment="  ")
    assert reasons(refused) == "Say what the officer needs to change."
    ops.transition(
        db, eia, "return", approver, comment="Add evidence for disability.", return_to="screening"
    )
    assert eia.status == "screening"
    assert eia.comments[-1].body == "Add evidence for disability."
    returned = [s for s in eia.sign_offs if s.decision == "returned"]
    assert returned[0].returned_to == "screening"


def test_revise_opens_a_new_version_and_keeps_the_old_one(make, db):
    eia = make.eia("under_review")
    approver = make.user("approver", directorate=eia.directorate)
    actions_before = len(eia.actions)
    ops.transition(db, eia, "revise", approver, review_notes="Service hours changed.")
    assert (eia.status, eia.version) == ("full_assessment", 2)
    frozen = db.exec(
        select(EiaVersion).where(EiaVersion.eia_id == eia.id, EiaVersion.version == 1)
    ).one()
    assert frozen.snapshot["version"] == 1 and frozen.snapshot["outcome"] == eia.outcome
    assert len(eia.actions) == actions_before  # actions and outcome carry forward
    assert eia.outcome == "2"


def test_confirm_review_sets_the_next_review_date(make, db):
    eia = make.eia("under_review")
    approver = make.user("approver", directorate=eia.directorate)
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(
            db,
            eia,
            "confirm_review",
            approver,
            review_notes="Still sound.",
            next_review_date=date.today() - timedelta(days=1),
        )
    assert "next review date must be in the future" in reasons(refused)
    nxt = date.today() + timedelta(days=365)
    ops.transition(
        db, eia, "confirm_review", approver, review_notes="Still sound.", next_review_date=nxt
    )
    assert (eia.status, eia.review_date, eia.reviews[-1].decision) == ("approved", nxt, "confirmed")


def test_scheduler_moves_only_reviews_that_are_due(make, db):
    due = make.eia("approved")
    not_due = make.eia("approved")
    due.review_date = date.today() - timedelta(days=1)
    db.add(due)
    db.flush()
    with pytest.raises(TransitionRefused) as refused:
        ops.transition(db, not_due, "start_review", None)
    assert reasons(refused) == "The review date has not come yet."
    moved = ops.start_due_reviews(db)
    assert due.reference in moved and not_due.reference not in moved
    assert (due.status, not_due.status) == ("under_review", "approved")
    assert ops.start_due_reviews(db) == []


def test_withdraw_and_archive_need_a_reason(make, db):
    eia = make.eia("approved")
    approver = make.user("approver", directorate=eia.directorate)
    with pytest.raises(TransitionRefused):
        ops.transition(db, eia, "archive", approver, reason="")
    ops.transition(db, eia, "archive", approver, reason="The scheme closed in March.")
    assert (eia.status, eia.closing_reason) == ("archived", "The scheme closed in March.")


def test_available_events_say_who_and_why_not(make, db):
    eia = make.eia("awaiting_sign_off")
    approver = make.user("approver", directorate=eia.directorate)
    officer_view = {
        o.event: o for o in available_events(GuardContext(eia=eia, actor=eia.owner, session=db))
    }
    assert not officer_view["approve"].allowed
    assert "You wrote this EIA" in " ".join(officer_view["approve"].reasons)
    assert officer_view["approve"].not_theirs  # nothing the officer does would change that
    assert officer_view["withdraw"].allowed and officer_view["withdraw"].needs == ("a reason",)
    approver_view = {
        o.event: o for o in available_events(GuardContext(eia=eia, actor=approver, session=db))
    }
    assert approver_view["approve"].allowed and not approver_view["approve"].not_theirs
    waiting = make.eia("full_assessment")  # not ready: that is not about the person
    officer_view = {
        o.event: o
        for o in available_events(GuardContext(eia=waiting, actor=waiting.owner, session=db))
    }
    assert not officer_view["submit_for_sign_off"].allowed
    assert not officer_view["submit_for_sign_off"].not_theirs
    assert approver_view["approve"].needs == ("your confirmation that you have read the impacts",)


def test_edits_are_refused_in_states_that_lock_them(make, db):
    eia = make.eia("awaiting_sign_off")
    with pytest.raises(ops.EditRefused) as refused:
        ops.update_eia(db, eia, "proposal", eia.owner, {"title": "Changed"})
    assert "cannot be changed while the EIA is awaiting sign-off" in str(refused.value)
    assert not refused.value.forbidden
    stranger = make.user("officer")
    with pytest.raises(ops.EditRefused) as refused:
        ops.update_eia(db, eia, "proposal", stranger, {"title": "Mine now"})
    assert refused.value.forbidden  # who they are is said before the EIA's state
    assert "Only the EIA's owner" in str(refused.value)


def test_action_progress_is_updated_by_its_owner_after_approval(make, db):
    eia = make.eia("approved")
    action_owner, stranger = make.user("officer"), make.user("officer")
    ops.save_action(
        db,
        eia,
        eia.owner,
        {
            "description": "Publish an easy-read version.",
            "owner_id": action_owner.id,
            "status": "planned",
        },
    )
    action = eia.actions[-1]
    assert action.status == "planned"
    ops.save_action(db, eia, action_owner, {"status": "done"}, action_id=action.id)
    assert action.status == "done"
    with pytest.raises(ops.EditRefused):
        ops.save_action(db, eia, stranger, {"status": "cancelled"}, action_id=action.id)
    draft = make.eia("draft")
    with pytest.raises(ValueError, match="status not part of the proposal section"):
        ops.update_eia(db, draft, "proposal", draft.owner, {"status": "approved"})


def test_who_may_fire_an_event_does_not_depend_on_the_state():
    """Pages judge the person before the state (403 before 409), which needs this."""
    for event in {t.event for t in TRANSITIONS}:
        assert len({t.who for t in TRANSITIONS if t.event == event}) == 1, event


# --- the table owns the states' flags and words, the events' words and the sections --------


def test_every_state_has_its_tag_and_words():
    from workflows.lifecycle import Status

    assert [s.name for s in STATES] == list(Status)
    for s in STATES:
        assert s.label and s.meaning, s.name
        for flag in s.FLAGS:
            assert getattr(s, flag) is not None, f"{s.name} does not say {flag}"
        assert s.tag == "" or s.tag.startswith("govuk-tag--"), s.name
        assert not s.drafting or s.drafting_words, f"{s.name}: words for reminders"
        assert not s.revision or s.public, s.name
        if s.public:
            assert s.public_order > 0, f"{s.name}: where it comes in the register"
            assert s.revision or s.public_label, f"{s.name}: the public's words for it"
        assert s.editable <= set(SECTIONS), s.name
        assert s.owner_next, f"{s.name}: what its owner does next (My EIAs)"
        for words in (s.owner_next, s.owner_next_actions):
            assert set(re.findall(r"{(\w*)}", words)) <= {"open_actions", "with_whom"}, s.name
        assert "{with_whom}" not in s.owner_next_actions, s.name


def test_every_event_has_its_words():
    from workflows.lifecycle import EVENT_RECORDS, EVENTS, event, sign_off_events

    assert [e.name for e in EVENT_RECORDS] == list(EVENTS)
    for name in EVENTS:
        words = event(name)
        assert words.label and words.phrase, name
        assert set(re.findall(r"{(\w*)}", words.phrase_detail)) <= {"to_state", "version"}
        if name not in sign_off_events():  # these have their own page
            assert words.explanation and words.done, f"{name}: its page's words"


def test_every_choice_of_destination_has_its_words():
    """Where an event can go from one state to several, each row says the words for
    choosing it, and both forms that ask (the sign-off page, the event form) offer them."""
    from forms.events import event_form
    from forms.signoff import SignOffForm
    from workflows.lifecycle import destination_choices

    for row in TRANSITIONS:
        rows = [t for t in TRANSITIONS if (t.event, t.source) == (row.event, row.source)]
        if len({t.dest for t in rows}) > 1:
            assert row.choice, f"{row.event} to {row.dest}: the words for choosing it"
            assert len({t.choice for t in rows}) == len(rows), row.event
    assert destination_choices("return") == {
        "full_assessment": "The full assessment",
        "screening": "Screening",
    }
    event_field = event_form("return", ("return_target",), "Return").return_to
    for field in (SignOffForm.return_to, event_field):
        offered = {c.value: c.label for c in field.kwargs["choices"]}
        assert offered == destination_choices("return")


def test_every_section_has_its_names():
    from workflows.lifecycle import SECTION_RECORDS

    assert len({s.key for s in SECTION_RECORDS}) == len(SECTION_RECORDS)
    for s in SECTION_RECORDS:
        assert s.title and s.short, s.key
    assert not {s.key for s in SECTION_RECORDS if s.confirmed} - {
        s.key for s in SECTION_RECORDS if s.full_assessment
    }


def test_groupings_derived_from_the_table_are_what_they_were():
    """Every grouping of states elsewhere is read from the table's flags: these are the
    values each module declared for itself before."""
    from eia.exports import public
    from eia.history import TRANSITION_PHRASES, section_name
    from eia.reporting import figures, quality
    from eia.sections import _AFTER_SUBMISSION, CONFIRMED_SECTIONS, FULL_ASSESSMENT_SECTIONS
    from eia.web.journey.events import DONE, EXPLANATIONS, GENERIC_EVENTS, SIGN_OFF_EVENTS
    from eia.web.labels import TAG_CLASSES
    from notifications import reminders
    from workflows import segregation
    from workflows.lifecycle import submitting_states

    assert figures.SIGNED_OFF == ("approved", "under_review", "archived")
    assert set(figures.CLOSED) == {"withdrawn", "archived"}
    assert public.REVISION_STATES == ("screening", "full_assessment", "awaiting_sign_off")
    assert set(public.PUBLIC_STATES) == {
        "approved",
        "under_review",
        "archived",
        "withdrawn",
        "screening",
        "full_assessment",
        "awaiting_sign_off",
    }
    assert list(public.PUBLIC_STATE_LABELS.items()) == [
        ("approved", "In force"),
        ("under_review", "Under review"),
        ("under_revision", "Under revision"),
        ("archived", "Archived (the policy has ended)"),
        ("withdrawn", "Withdrawn (the proposal was dropped)"),
    ]
    assert (
        set(quality.SUBMITTED)
        == {"awaiting_sign_off", "approved", "under_review", "archived"}
        == set(_AFTER_SUBMISSION)
    )
    assert quality.REVIEW_PENDING == ("approved", "under_review")
    assert submitting_states() == ("screening", "full_assessment")
    assert CONFIRMED_SECTIONS == ("engagement", "intersectional", "actions")
    assert FULL_ASSESSMENT_SECTIONS == (
        "evidence",
        "engagement",
        "impacts",
        "intersectional",
        "actions",
        "outcome",
    )
    assert reminders.IDLE_STATES == ("draft", "screening", "full_assessment")
    assert reminders.NOT_SIGNED_OFF == (
        "draft",
        "screening",
        "full_assessment",
        "awaiting_sign_off",
    )
    assert reminders.ACTIVE_STATES == (
        "draft",
        "screening",
        "full_assessment",
        "awaiting_sign_off",
        "approved",
        "under_review",
    )
    assert reminders.STATE_WORDS == {
        "draft": "in draft",
        "screening": "in screening",
        "full_assessment": "in full assessment",
    }
    assert segregation.AWAITING_DECISION == ("awaiting_sign_off", "under_review")
    assert set(segregation.SUBMITTING_EVENTS) == {"submit_for_sign_off", "screen_out"}
    assert TAG_CLASSES["state"] == {
        "draft": "govuk-tag--grey",
        "screening": "govuk-tag--turquoise",
        "full_assessment": "",
        "awaiting_sign_off": "govuk-tag--yellow",
        "approved": "govuk-tag--green",
        "under_review": "govuk-tag--purple",
        "withdrawn": "govuk-tag--pink",
        "archived": "govuk-tag--grey",
    }
    assert TAG_CLASSES["public_status"] == {
        "approved": "govuk-tag--green",
        "under_review": "govuk-tag--purple",
        "under_revision": "govuk-tag--yellow",
        "archived": "govuk-tag--grey",
        "withdrawn": "govuk-tag--pink",
    }
    assert SIGN_OFF_EVENTS == ("approve", "return")
    assert set(EXPLANATIONS) == set(DONE) == set(GENERIC_EVENTS)
    assert DONE["submit_for_sign_off"] == "The EIA has been sent for sign-off."
    assert TRANSITION_PHRASES["screen_out"] == "Screened out and sent for sign-off"
    assert [section_name(k) for k in SECTIONS] == [
        "Proposal",
        "Screening",
        "Evidence",
        "Engagement and consultation",
        "Impacts",
        "Intersectional impacts",
        "Action plan",
        "Outcome and review date",
    ]
    assert section_name("some_thing") == "Some thing"


def test_history_wording_comes_from_the_table():
    from eia.history import what_happened
    from eia.models import AuditRecord

    def record(event, **kw):
        return AuditRecord(action="transition", event=event, eia_version=2, **kw)

    assert (
        what_happened(record("return", to_state="full_assessment")) == "Returned to full assessment"
    )
    assert what_happened(record("revise")) == "Revised (version 2 opened)"
    assert what_happened(record("approve")) == "Approved"
    assert what_happened(record("no_such_event")) == "No such event"
