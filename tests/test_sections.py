"""Task-list statuses: from the lifecycle and each section's own completeness."""

from eia import operations as ops
from eia.sections import (
    CANNOT_START,
    COMPLETED,
    IN_PROGRESS,
    NOT_NEEDED,
    NOT_STARTED,
    check_answers_status,
    section_statuses,
)
from workflows.guards import GuardContext


def statuses(eia, db):
    found = section_statuses(GuardContext(eia=eia, actor=None, session=db))
    return {s.key: s.status for s in found}, found


def test_new_draft(make, db):
    eia = make.eia("draft")
    by_key, found = statuses(eia, db)
    assert by_key["proposal"] == IN_PROGRESS  # the title is there, the rest is not
    assert by_key["screening"] == CANNOT_START
    assert by_key["impacts"] == CANNOT_START
    assert check_answers_status(eia, found) == CANNOT_START


def test_screened_out_needs_no_full_assessment(make, db):
    eia = make.eia("screening")
    make.screen(eia, eia.owner, relevant=())
    by_key, found = statuses(eia, db)
    assert by_key["proposal"] == by_key["screening"] == COMPLETED
    assert {by_key[k] for k in ("evidence", "impacts", "engagement", "actions", "outcome")} == {
        NOT_NEEDED
    }
    assert check_answers_status(eia, found) == NOT_STARTED


def test_full_assessment_in_progress_then_complete(make, db):
    eia = make.eia("full_assessment")
    by_key, found = statuses(eia, db)
    assert by_key["evidence"] == by_key["impacts"] == by_key["outcome"] == NOT_STARTED
    impacts = next(s for s in found if s.key == "impacts")
    assert "Score the impact" in impacts.problems[0]
    assert check_answers_status(eia, found) == CANNOT_START

    make.assess(eia, eia.owner)
    by_key, found = statuses(eia, db)
    assert by_key["evidence"] == by_key["impacts"] == by_key["outcome"] == COMPLETED
    assert by_key["engagement"] == NOT_STARTED
    assert check_answers_status(eia, found) == NOT_STARTED  # optional sections may wait

    ops.add_engagement(db, eia, eia.owner, {"who": "Residents' panel"})
    by_key, found = statuses(eia, db)
    assert by_key["engagement"] == IN_PROGRESS
    assert check_answers_status(eia, found) == CANNOT_START  # started: finish or confirm
    ops.mark_section_complete(db, eia, eia.owner, "engagement", True)
    by_key, found = statuses(eia, db)
    assert by_key["engagement"] == COMPLETED
    assert check_answers_status(eia, found) == NOT_STARTED


def test_after_submission_everything_reads_completed(make, db):
    eia = make.eia("awaiting_sign_off")
    by_key, found = statuses(eia, db)
    assert by_key["proposal"] == by_key["impacts"] == COMPLETED
    assert not any(s.editable for s in found)
    assert check_answers_status(eia, found) == COMPLETED
