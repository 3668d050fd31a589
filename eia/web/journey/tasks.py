"""The task list: each section with its status, what it still lacks, and what the signed-in
person can do next."""

from dataclasses import dataclass, replace

from flask import url_for
from flask_login import current_user

from eia.db import get_session
from eia.queries.eias import eia_for_task_list
from eia.reporting import page_summaries
from eia.sections import (
    CANNOT_START,
    COMPLETED,
    FULL_ASSESSMENT_SECTIONS,
    NOT_NEEDED,
    NOT_STARTED,
    SectionStatus,
    check_answers_status,
    section_statuses,
)
from workflows import available_events, segregation
from workflows.lifecycle import STATES, TRANSITIONS, Status, state

from ..loading import load_viewable
from ..signoff import with_whom
from . import journey
from .editing import (
    STATUS_DISPLAY,
    can_edit,
    context,
    page_exists,
    render_section,
    section_url,
)
from .events import GENERIC_EVENTS, event_url

GROUPS = (
    ("Describe and screen the proposal", ("proposal", "screening"), ""),
    (
        "Full assessment",
        FULL_ASSESSMENT_SECTIONS,
        "Needed only if screening finds the proposal relevant to a characteristic, or you do "
        "not know yet. These sections open when the full assessment starts.",
    ),
)

# Events whose own page is not the generic one.
SIGN_OFF_ENDPOINT = "signoff.sign_off"
SENT_FROM_CHECK_PAGE = ("screen_out", "submit_for_sign_off")
CLOSING = {t.label for t in TRANSITIONS if t.event in ("withdraw", "archive")}


def _opens_in(section: str) -> str:
    """The first state in which ``section`` can be worked on, in words."""
    first = next(s for s in STATES if section in s.editable)
    return first.label.lower()


def _hint(s: SectionStatus) -> str | None:
    if s.status in (COMPLETED, NOT_NEEDED):
        return None
    if s.status == CANNOT_START:
        if s.key in FULL_ASSESSMENT_SECTIONS:
            return None  # the group says when these open
        if s.key == "screening":
            return (
                "Complete the proposal, then choose “Start screening” under “What you can do now”."
            )
        return f"You can start this when the EIA reaches {_opens_in(s.key)}."
    return " ".join(s.problems) or None


def _item(eia, s: SectionStatus) -> dict:
    url = section_url(eia, s.key) if can_edit(eia, s.key) else None
    item = {"title": {"text": s.title}, "status": STATUS_DISPLAY[s.status]}
    if url:
        item["href"] = url
    hint = _hint(s)
    if hint:
        item["hint"] = {"text": hint}
    return item


@dataclass(frozen=True)
class NextStep:
    label: str
    href: str | None  # a page to go to (a confirmation page, check answers, sign-off)
    post: str | None  # or a POST that fires the event straight away (nothing to ask)
    reasons: tuple[str, ...] = ()
    classes: str = "govuk-button--secondary"


def _next_steps(eia, ctx) -> tuple[list[NextStep], list[NextStep]]:
    """(what this person can do now, what they cannot yet and why). A step the person could
    never take (another role's, or a decision on a version they worked on) is not listed:
    the page says who has the EIA instead."""
    ready, blocked, seen = [], [], set()
    for option in available_events(ctx):
        if option.event in seen or option.not_theirs:
            continue  # "return" has a row for each destination: one button is enough
        seen.add(option.event)
        if not option.allowed:
            blocked.append(NextStep(option.label, None, None, option.reasons))
            continue
        if option.event in SENT_FROM_CHECK_PAGE:
            ready.append(
                NextStep(
                    "Check your answers and send",
                    url_for("journey.check", reference=eia.reference),
                    None,
                )
            )
        elif option.event in GENERIC_EVENTS:
            if option.needs:
                ready.append(NextStep(option.label, event_url(eia, option.event), None))
            else:
                ready.append(NextStep(option.label, None, event_url(eia, option.event)))
        elif (
            option.event in ("approve", "return")
            and page_exists(SIGN_OFF_ENDPOINT)
            and "Sign off or return" not in {r.label for r in ready}
        ):
            ready.append(
                NextStep(
                    "Sign off or return", url_for(SIGN_OFF_ENDPOINT, reference=eia.reference), None
                )
            )
    # The first step that moves the EIA on is the main button; closing it never is.
    main = next((i for i, step in enumerate(ready) if step.label not in CLOSING), None)
    if main is not None:
        ready[main] = replace(ready[main], classes="")
    return ready, blocked


@journey.get("/eias/<reference>/tasks")
def tasks(reference: str):
    # The EIA's own row and what is kept about its rows (page_summaries), not the rows: the
    # statuses, the reasons and the events' checks read the kept values (GuardContext.kept).
    eia, kept = load_viewable(eia_for_task_list, reference, eia_of=lambda found: found[0])
    session = get_session()
    ctx = context(eia)
    ctx.kept = page_summaries.for_page(session, eia, kept)
    deciders = (
        segregation.eligible_deciders(session, [eia], {eia.id: set(ctx.kept.worked_on)})[eia.id]
        if eia.status in segregation.AWAITING_DECISION
        else None
    )
    statuses = section_statuses(ctx)
    by_key = {s.key: s for s in statuses}
    groups = [
        (
            heading,
            [_item(eia, by_key[k]) for k in keys],
            # Say when a group opens only while none of it can be started.
            description
            if all(by_key[k].status in (CANNOT_START, NOT_NEEDED) for k in keys)
            else "",
        )
        for heading, keys, description in GROUPS
    ]
    check_status = check_answers_status(eia, statuses)
    check_item = {
        "title": {"text": "Check your answers and send"},
        "status": STATUS_DISPLAY[check_status],
    }
    if check_status == NOT_STARTED:
        check_item["href"] = url_for("journey.check", reference=eia.reference)
    elif check_status == CANNOT_START:
        check_item["hint"] = {
            "text": "You can check and send the EIA when every section it needs is complete."
        }
    ready, blocked = _next_steps(eia, ctx)
    done = sum(1 for s in statuses if s.status in (COMPLETED, NOT_NEEDED))
    return render_section(
        "journey/tasks.html",
        eia,
        "general",
        groups=groups,
        check_item=check_item,
        ready=ready,
        blocked=blocked,
        state_label=state(eia.status).label,
        sections_done=done,
        sections_total=len(statuses),
        sign_off=_sign_off(eia, deciders),
        approver_assigners=segregation.who_can_assign(session) if deciders == [] else None,
    )


def _sign_off(eia, deciders: list | None) -> str | None:
    """While the EIA awaits sign-off: who has it and since when ("With Ann Approver, sent
    on 3 March 2026"). ``deciders``: who may decide on it (workflows.segregation)."""
    if eia.status != Status.awaiting_sign_off:
        return None
    words = with_whom(eia, deciders, current_user)
    return words[0].upper() + words[1:]
