"""Sign-off: the approver's inbox and the page where the decision-maker reads the impacts
plainly, attests to having had regard to them, and approves or returns the EIA."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from eia import operations
from eia.capabilities import Capability, can_decide, may
from eia.dates import long_date
from eia.db import get_session
from eia.models import Eia, london_date, utcnow
from eia.models.enums import Direction
from eia.queries.eias import eia_for_sign_off
from eia.queries.inbox import awaiting_sign_off_kept, count_awaiting, eias_of
from eia.reporting import page_summaries
from eia.snapshot import fingerprint_of
from eia.words import plural
from forms.signoff import SignOffForm
from workflows import TransitionRefused, refusal_reasons, segregation
from workflows.guards import GuardContext, decision_date_passed
from workflows.lifecycle import Status, state

from .auth import forbid_unless
from .journey.editing import form_errors, refusal_errors, transition_errors
from .loading import load_viewable
from .pagination import page_count, page_number, pagination

signoff = Blueprint("signoff", __name__)


INBOX_PAGE_SIZE = 50


@signoff.get("/sign-off")
def inbox():
    """The approver's inbox, 50 to a page (a large directorate can have hundreds waiting)."""
    forbid_unless(may(current_user, Capability.sign_off))
    session = get_session()
    page = page_number()
    total = count_awaiting(session, current_user)
    pages = page_count(total, INBOX_PAGE_SIZE)
    if page is None or page > pages:
        abort(404)
    rows = awaiting_sign_off_kept(
        session, current_user, offset=(page - 1) * INBOX_PAGE_SIZE, limit=INBOX_PAGE_SIZE
    )
    eias = [eia for eia, _ in rows]
    # Who worked on each version, as kept with it (page_summaries), not searched for in
    # the audit trail on each visit.
    worked_on = page_summaries.worked_on({eia.id: kept for eia, kept in rows}, session)
    deciders = segregation.eligible_deciders(session, eias, worked_on)
    return render_template(
        "signoff/inbox.html",
        eias=eias,
        total=total,
        first=(page - 1) * INBOX_PAGE_SIZE + 1,
        now=utcnow(),
        deciders=deciders,
        assigners=segregation.who_can_assign(session)
        if any(not people for people in deciders.values())
        else [],
        pagination=pagination(page, pages, "signoff.inbox", {}, "Pages of EIAs waiting"),
    )


def _load(reference: str) -> tuple[Eia, set[int]]:
    """The EIA and the people who worked on its version (as kept: page_summaries)."""
    eia, kept = load_viewable(eia_for_sign_off, reference, eia_of=lambda found: found[0])
    return eia, page_summaries.worked_on({eia.id: kept}, get_session())[eia.id]


def impacts_to_read(eia: Eia) -> dict:
    """What the decision-maker must see before anything else (Bracking: the papers must
    convey the severity of the impacts)."""

    def worst_first(rows):
        return sorted(rows, key=lambda i: -(i.residual_score or 0))

    negative = worst_first([i for i in eia.impacts if i.direction == Direction.negative])
    negative_x = worst_first(
        [x for x in eia.intersectional_impacts if x.direction == Direction.negative]
    )
    return {
        "negative": negative,
        "negative_intersectional": negative_x,
        "unclear": [i for i in eia.impacts if i.direction == Direction.unclear],
        "gaps": [i for i in eia.impacts if i.evidence_gap],
        "gap_actions": [a for a in eia.actions if a.from_evidence_gap],
    }


def _may_decide(eia: Eia) -> bool:
    return can_decide(get_session(), eia, current_user)


def _blockers(eia, event: str = "approve") -> list[str]:
    """Why this person cannot decide now, whatever they send: who they are, or the EIA's
    state (not what the decision needs, which the form asks for)."""
    ctx = GuardContext(eia=eia, actor=current_user, session=get_session(), now=utcnow())
    return refusal_reasons(event, ctx, with_needs=False)


def _page(eia, worked_on: set[int], form, errors=(), status=200):
    """The impacts first, then the decision form (or why this person cannot decide). The
    form carries the fingerprint of the content shown, so the decision binds to it.
    ``errors`` are the error summary's entries (``form_errors``, ``transition_errors``);
    ``worked_on``: who worked on the EIA's version (they may not decide on it)."""
    session = get_session()
    waiting = eia.status == Status.awaiting_sign_off
    deciders = (
        segregation.eligible_deciders(session, [eia], {eia.id: worked_on})[eia.id]
        if waiting
        else None
    )
    # The approvers who may decide, worked out once: this person may if they are one of
    # them (the decision itself is checked again against the audit trail).
    may_decide = waiting and any(d.id == current_user.id for d in deciders)
    blockers = _blockers(eia) if waiting and not may_decide else []
    shown = fingerprint_of(eia)
    if form.seen.data and form.seen.data != shown:
        form.attested.data = False  # they attested to other content: read this and tick again
    form.seen.data = shown
    return render_template(
        "signoff/sign_off.html",
        eia=eia,
        form=form,
        errors=list(errors),
        blockers=blockers,
        read=impacts_to_read(eia),
        late=decision_date_passed(eia, london_date(utcnow())),
        can_decide=may_decide,
        nobody_can_decide=waiting and not deciders,
        assigners=segregation.who_can_assign(session) if waiting and not deciders else [],
        approver_assigners=_assigners(session, eia, deciders),
    ), status


def _assigners(session, eia, deciders: list | None):
    """For templates/partials/approver_needed.html, from the deciders already worked out
    while the EIA awaits sign-off (None: someone may decide)."""
    if deciders is None:
        return approver_needed(eia)  # another state awaiting a decision (the review)
    return None if deciders else segregation.who_can_assign(session)


@signoff.route("/eias/<reference>/sign-off", methods=["GET", "POST"])
def sign_off(reference: str):
    eia, worked_on = _load(reference)
    forbid_unless(may(current_user, Capability.sign_off))
    form = SignOffForm()
    if not form.is_submitted():
        return _page(eia, worked_on, form)
    waiting = eia.status == Status.awaiting_sign_off
    if not (waiting and _may_decide(eia)):
        # Who the person is and the EIA's state decide before what they sent: the page
        # shows them no form, so nothing on it can be what is wrong.
        event = form.decision.data if form.decision.data in ("approve", "return") else "approve"
        blockers = _blockers(eia, event)
        if blockers:
            return _page(eia, worked_on, form, refusal_errors(blockers), 403 if waiting else 409)
    if not form.validate():
        return _page(eia, worked_on, form, form_errors(form), 400)
    event = form.decision.data
    db = get_session()
    try:
        operations.transition(db, eia, event, current_user, **form.inputs())
        db.commit()
    except TransitionRefused as refused:
        db.rollback()
        eia, worked_on = _load(reference)
        # What the decision needs (the attestation, a comment, the late reason) is shown
        # on its field and linked from the summary; the rest is about no field.
        return _page(
            eia,
            worked_on,
            form,
            transition_errors(refused, form),
            403 if refused.forbidden else 409,
        )
    flash(
        "You approved this EIA."
        if event == "approve"
        else "You returned this EIA to the officer with your comment.",
        "success",
    )
    return redirect(url_for("pages.eia_page", reference=reference))


@signoff.get("/my-eias")
def my_eias():
    db = get_session()
    rows = eias_of(db, current_user)
    today = london_date(utcnow())
    deciders = segregation.eligible_deciders(
        db, [e for e in rows if e.status == Status.awaiting_sign_off]
    )
    return render_template(
        "signoff/my_eias.html",
        eias=rows,
        steps={e.id: next_step(e, current_user, today, deciders.get(e.id)) for e in rows},
    )


def next_step(eia: Eia, user, today, deciders: list | None = None) -> str:
    """What this person must do next on this EIA, in a sentence: the owner's words are the
    state's (workflows.lifecycle, ``owner_next``). ``deciders``: for an EIA awaiting
    sign-off, the approvers who may decide on it (workflows.segregation)."""
    mine = [
        a
        for a in eia.actions
        if a.owner_id == user.id and a.status in ("proposed", "planned", "in_progress")
    ]
    overdue = [a for a in mine if a.due_date is not None and a.due_date < today]
    late = f", {len(overdue)} overdue" if overdue else ""
    if eia.owner_id != user.id:
        return (
            f"Deliver your {plural(len(mine), 'action')}{late}."
            if mine
            else "Nothing for you to do."
        )
    words = state(eia.status)
    sentence = words.owner_next_actions if mine and words.owner_next_actions else words.owner_next
    if "{with_whom}" not in sentence:
        return sentence.format(open_actions=f"{plural(len(mine), 'open action')}{late}")
    if not deciders:
        return (
            f"Nothing you can do: it was sent for sign-off on "
            f"{long_date(eia.status_changed_at)}, but no approver may decide on it yet "
            "(its page says who can assign one)."
        )
    return sentence.format(with_whom=with_whom(eia, deciders, user))


def with_whom(eia: Eia, deciders: list, viewer=None) -> str:
    """Where an EIA awaiting sign-off is: "with Ann Approver, sent on 3 March 2026" when one
    approver may decide on it (workflows.segregation: not its owner, nor anyone who worked
    on this version), "with the approvers for Environment, sent on …" when several may.
    When nobody may, templates/partials/approver_needed.html says so and who can help."""
    sent = long_date(eia.status_changed_at)
    if not deciders:
        return f"sent on {sent}"
    if len(deciders) > 1:
        who = f"the approvers for {eia.directorate.name}"
    elif viewer is not None and deciders[0].id == viewer.id:
        who = "you"
    else:
        who = deciders[0].name
    return f"with {who}, sent on {sent}"


@signoff.app_template_global("approver_needed")
def approver_needed(eia: Eia):
    """For templates/partials/approver_needed.html: None when someone may decide on the
    EIA's version (or nothing awaits a decision); otherwise the administrators to ask."""
    session = get_session()
    if not segregation.stuck_for_want_of_approver(session, eia):
        return None
    return segregation.who_can_assign(session)
