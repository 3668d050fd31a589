"""The guided journey, step by step, by the keyboard alone: each step is a small function of
a ``Journey`` (the Playwright page, JavaScript on or off, and the record of the pages axe
checked), so the run with JavaScript and the run without share every step.

    j = Journey(page, checker=None, javascript=True, base=live_server, demo=demo, app=live_app)
    reference = start_eia(j, "School Streets")
    describe_proposal(j)
    ...

Every step only Tabs, types and presses keys (``tests.browser.keyboard``): it follows the
links and buttons a person would, never ``goto`` a URL of the journey, never posts. On its
way it runs axe on each page in the states worth checking (``j.check(state)``):

- ``empty``: as the person first meets it, before they have entered anything;
- ``error``: after invalid input, with the error summary (and ``expect_error`` checks the
  summary, that what was typed is kept, and that its link takes focus to the field);
- ``completed``: filled in, just before it is saved (or, for a list, with its rows).

Without JavaScript axe cannot run in the tab itself (axe is JavaScript), so the page as that
tab has it (the DOM, with what was typed written into it) is shown in a JavaScript tab with
every script forbidden by its Content Security Policy, and axe checks that.
"""

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page
from werkzeug.exceptions import HTTPException

from . import keyboard as kb
from .helpers import ARTIFACTS, check_axe, check_axe_on_snapshot, screenshot, slug

SUBMIT = 'main form button[type="submit"], main form input[type="submit"]'
SAVE = (
    'main form input[type="submit"][value="Save and continue"], '
    'main form button:has-text("Save and continue")'
)

# The journey's pages, by endpoint, and the states each is checked in on the way. A page
# with no input a person could get wrong has no error state.
ALL_STATES = ("empty", "error", "completed")
JOURNEY_PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "journey.new_eia": ("Start an EIA", ALL_STATES),
    "journey.tasks": ("Task list", ("empty", "completed")),
    "journey.proposal": ("Describe the proposal", ALL_STATES),
    "journey.screening": ("Screening", ALL_STATES),
    "journey.evidence": ("Evidence: list of characteristics", ("empty", "completed")),
    "journey.evidence_for": ("Evidence for one characteristic", ALL_STATES),
    "journey.engagement": ("Engagement and consultation", ALL_STATES),
    "journey.engagement_new": ("Add an engagement", ALL_STATES),
    "journey.impacts": ("Impacts: list and risk matrices", ("empty", "completed")),
    "journey.impact_for": ("Impact on one characteristic", ALL_STATES),
    "journey.intersectional": ("Intersectional impacts", ALL_STATES),
    "journey.intersectional_new": ("Add an intersectional impact", ALL_STATES),
    "journey.actions": ("Action plan", ALL_STATES),
    "journey.action_new": ("Add an action", ALL_STATES),
    "journey.action_edit": ("Plan the evidence gap's action", ALL_STATES),
    "journey.outcome": ("Outcome and review date", ALL_STATES),
    # Its link appears when every section is complete: it is only ever met ready to send.
    "journey.check": ("Check your answers and send", ("completed",)),
    "pages.eia_page": ("The EIA page, after sending", ("completed",)),
}

# GET pages of the journey's blueprint that the way from an empty EIA to sign-off does not
# pass through, and why. (tests/browser/pages.py checks each with axe all the same.)
NOT_ON_THE_WAY = {
    "journey.event": "events with nothing to ask (start screening, start the full "
    "assessment) are buttons on the task list; the confirmation page is for "
    "events that need a reason, such as withdraw",
    "journey.engagement_edit": "changing a record: the journey adds one",
    "journey.engagement_remove": "removing a record",
    "journey.intersectional_edit": "changing an intersectional impact: the journey adds one",
    "journey.intersectional_remove": "removing an intersectional impact",
    "journey.action_remove": "removing an action",
}

# What the officer answers on the way.
RELEVANT = ("age", "disability", "race")  # the first gets an explained evidence gap
GAP_CHARACTERISTIC = RELEVANT[0]
FUTURE_YEAR = 2030  # decision, review and due dates (the live server's clock is real)


@dataclass
class CheckedState:
    endpoint: str
    state: str
    url: str
    label: str


@dataclass
class Journey:
    page: Page
    checker: Page | None  # a JavaScript tab for axe when ``page`` has JavaScript off
    javascript: bool
    base: str
    demo: object
    app: object
    reference: str = ""
    checked: list[CheckedState] = field(default_factory=list)
    shots: int = 0

    @property
    def mode(self) -> str:
        return "js" if self.javascript else "no-js"

    # --- where we are --------------------------------------------------------------------

    def path(self) -> str:
        return urlsplit(self.page.url).path

    def endpoint(self) -> str:
        adapter = self.app.url_map.bind("127.0.0.1")
        try:
            endpoint, _ = adapter.match(self.path(), method="GET")
        except HTTPException:
            return "(no route)"
        return endpoint

    def at(self, endpoint: str) -> None:
        assert self.endpoint() == endpoint, (
            f"expected to be on {endpoint}, but the page is {self.page.url} "
            f"({self.endpoint()}): {self.page.locator('h1').first.inner_text()!r}"
        )
        assert self.page.locator("main#main-content h1").count() == 1

    # --- axe and screenshots -------------------------------------------------------------

    def check(self, state: str, *, shot: bool = False) -> None:
        """axe on the page as it is now, recorded as ``state`` of its page type."""
        endpoint = self.endpoint()
        name = JOURNEY_PAGES.get(endpoint, (endpoint, ()))[0]
        label = f"Journey ({self.mode}): {name}, {state}"
        if self.javascript:
            check_axe(self.page, label)
        else:
            self._check_without_javascript(label)
        self.checked.append(CheckedState(endpoint, state, self.page.url, label))
        if shot:
            screenshot(self.page, label)

    def _check_without_javascript(self, label: str) -> None:
        assert self.checker is not None, "a run without JavaScript needs a JavaScript tab"
        check_axe_on_snapshot(self.checker, self.page, label)

    def write(self) -> Path:
        """test-artifacts/journey-pages-<mode>.txt: every page checked, in order."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"journey-pages-{self.mode}.txt"
        lines = [
            f"# The guided journey by keyboard ({self.mode}): pages checked with axe",
            "# page type\tendpoint\tstate\turl",
        ]
        lines += [
            f"{JOURNEY_PAGES.get(c.endpoint, (c.endpoint,))[0]}\t{c.endpoint}\t{c.state}\t{c.url}"
            for c in self.checked
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def missing_states(self) -> list[str]:
        seen = {(c.endpoint, c.state) for c in self.checked}
        return [
            f"{name} ({endpoint}): {state}"
            for endpoint, (name, states) in JOURNEY_PAGES.items()
            for state in states
            if (endpoint, state) not in seen
        ]

    # --- keyboard moves ------------------------------------------------------------------

    def follow(self, target: str, endpoint: str | None = None, *, max_tabs: int = 80):
        """Tab from the top of the page to a link or button and press Enter."""
        kb.restart_tabbing(self.page)
        response = kb.activate(self.page, target, max_tabs=max_tabs)
        assert response is not None and response.ok, f"{target}: {response and response.status}"
        if endpoint:
            self.at(endpoint)
        return response

    def open(self, href: str, endpoint: str) -> None:
        """Go to the page at ``href`` (a path) as a person would: stay if already there,
        else follow its link on this page, else go back to the task list and follow it."""
        if self.endpoint() == endpoint and self.path() == href:
            return
        link = f'main a[href="{href}"]'
        if self.page.locator(link).count() == 0:
            self.follow(f'a.govuk-back-link[href="/eias/{self.reference}/tasks"]', "journey.tasks")
        self.follow(link, endpoint)

    def submit(self, button: str = SUBMIT, *, status: int | None = None):
        """Tab on (from the field last used) to the form's button and press Enter."""
        response = kb.activate(self.page, button, max_tabs=80)
        assert response is not None
        if status is not None:
            assert response.status == status, (
                f"{self.page.url} answered {response.status}, expected {status}: "
                + self.page.locator("main").inner_text()[:600]
            )
        return response

    def expect_error(
        self, field: str, *, kept: dict[str, str] | None = None, ticked: tuple[str, ...] = ()
    ) -> None:
        """The page came back with an error summary linking to ``field`` (a CSS selector);
        the values in ``kept`` (selector -> value) and the ``ticked`` boxes are as they were
        typed; axe finds nothing; the summary's link takes focus to the field."""
        page = self.page
        assert page.title().startswith("Error: "), page.title()
        summary = page.locator(".govuk-error-summary")
        assert summary.count() == 1 and summary.is_visible()
        for selector, value in (kept or {}).items():
            assert page.locator(selector).input_value() == value, (
                f"{selector} lost what was typed: {page.locator(selector).input_value()!r}"
            )
        for selector in ticked:
            assert page.locator(selector).is_checked(), f"{selector} is no longer ticked"
        if self.javascript:
            # GOV.UK Frontend focuses the summary, so a screen reader reads it first.
            assert kb.is_focused(page, ".govuk-error-summary"), kb.focused(page)
        self.check("error")
        target_id = page.locator(field).first.get_attribute("id")
        link = f'.govuk-error-summary a[href="#{target_id}"]'
        assert page.locator(link).count() == 1, (
            f"no error summary link to #{target_id}: "
            + " | ".join(
                a.get_attribute("href") or "" for a in page.locator(".govuk-error-summary a").all()
            )
        )
        kb.restart_tabbing(page)
        kb.activate(page, link, expect_navigation=False)
        assert kb.is_focused(page, page.locator(field).first), (
            f"the error summary link left focus on {kb.focused(page)}, not {field}"
        )


# --- the steps -------------------------------------------------------------------------


def start_eia(j: Journey, title: str) -> str:
    """From the EIA list: "Start an EIA"; press the button with no title (error: the other
    service chosen is kept); type the title, choose the officer's own service, start."""
    page = j.page
    page.goto(j.base + "/")  # the one address typed: the product's home page
    j.follow('main a[href="/eias/new"]', "journey.new_eia")
    own_service = page.locator("#service option:checked").get_attribute("value")
    assert own_service, "the officer's own service is chosen already"
    j.check("empty")
    other = page.locator("#service option").evaluate_all(
        f"(os) => os.map(o => o.value).filter(v => v && v !== {own_service!r})"
    )[0]
    kb.choose_option(page, "#service", other)
    j.submit(status=400)
    j.expect_error("#title", kept={"#service": other})
    kb.type_into(page, "#title", title)
    kb.choose_option(page, "#service", own_service)
    j.check("completed")
    j.submit(status=200)
    j.at("journey.tasks")
    assert title in page.locator("main").inner_text()
    j.reference = j.path().split("/")[2]
    assert j.demo.eias(reference=j.reference)[0].status == "draft"
    j.check("empty", shot=True)
    return j.reference


def describe_proposal(j: Journey) -> None:
    """The proposal: every question answered; a decision date that does not exist first."""
    page = j.page
    j.open(f"/eias/{j.reference}/proposal", "journey.proposal")
    j.check("empty")
    summary = "Close Highbury Grove to cars at school opening and closing times."
    kb.type_into(page, "#summary", summary)
    kb.choose_radio(page, "proposal_type", "service_change")
    kb.tick_checkbox(page, 'input[name="affects"][value="residents"]')
    kb.tick_checkbox(page, 'input[name="affects"][value="service_users"]')
    kb.choose_radio(page, "decision_type", "officer")
    kb.type_into(page, "#decision_maker", "Corporate Director of Environment")
    kb.fill_date(page, "decision_date", 31, 2, FUTURE_YEAR)  # no 31 February
    j.submit(status=400)
    j.expect_error(
        "#decision_date-day",
        kept={
            "#summary": summary,
            "#decision_maker": "Corporate Director of Environment",
            "#decision_date-day": "31",
            "#decision_date-month": "2",
        },
        ticked=(
            'input[name="affects"][value="service_users"]',
            'input[name="proposal_type"][value="service_change"]',
        ),
    )
    kb.type_into(page, "#decision_date-day", "28", max_tabs=1)
    kb.type_into(page, "#decision_round", "Budget 2030/31")
    j.check("completed")
    j.submit(SAVE, status=200)
    j.at("journey.tasks")


def start_screening(j: Journey) -> None:
    j.follow('main form button:has-text("Start screening")', "journey.tasks")
    assert j.demo.eias(reference=j.reference)[0].status == "screening"


def screen(j: Journey) -> None:
    """Every characteristic answered with a reason; RELEVANT ones relevant. The last reason
    is left out first (the error), then typed."""
    page = j.page
    j.open(f"/eias/{j.reference}/screening", "journey.screening")
    j.check("empty")
    groups = page.locator('input[type="radio"][name$="-relevance"]').evaluate_all(
        "(rs) => [...new Set(rs.map(r => r.name))]"
    )
    keys = [name.removesuffix("-relevance") for name in groups]
    assert set(RELEVANT) <= set(keys), keys
    for key in keys:
        kb.choose_radio(page, f"{key}-relevance", "relevant" if key in RELEVANT else "not_relevant")
        if key != keys[-1]:
            kb.type_into(page, f"#{key}-reason", f"Reason for {key.replace('_', ' ')}.")
    j.submit(SAVE, status=400)
    j.expect_error(
        f"#{keys[-1]}-reason",
        kept={f"#{keys[0]}-reason": f"Reason for {keys[0]}."},
        ticked=(f'input[name="{keys[0]}-relevance"][value="relevant"]',),
    )
    kb.type_into(page, f"#{keys[-1]}-reason", "No change to costs or charges.")
    j.check("completed")
    j.submit(SAVE, status=200)
    j.at("journey.tasks")
    assert "full assessment is needed" in page.locator("main").inner_text()


def start_full_assessment(j: Journey) -> None:
    """The task list's "Start the full assessment" button (screening found relevance)."""
    j.at("journey.tasks")
    j.follow('main form button:has-text("Start the full assessment")', "journey.tasks")
    assert j.demo.eias(reference=j.reference)[0].status == "full_assessment"


def give_evidence(j: Journey) -> None:
    """Evidence for each relevant characteristic; the first an explained evidence gap (its
    reason left out first: the error)."""
    page = j.page
    j.open(f"/eias/{j.reference}/evidence", "journey.evidence")
    j.check("empty")
    j.follow(f'main a[href="/eias/{j.reference}/evidence/{RELEVANT[0]}"]', "journey.evidence_for")
    j.check("empty")
    for key in RELEVANT:
        assert j.path().endswith(f"/evidence/{key}"), page.url
        if key == GAP_CHARACTERISTIC:
            kb.type_into(page, "#evidence", "The service does not ask users their age.")
            kb.tick_checkbox(page, "#evidence_gap")
            if j.javascript:
                assert page.locator("#evidence_gap_reason").is_visible(), "reveal opened"
            j.submit(SAVE, status=400)
            j.expect_error(
                "#evidence_gap_reason",
                kept={"#evidence": "The service does not ask users their age."},
                ticked=("#evidence_gap",),
            )
            kb.type_into(
                page,
                "#evidence_gap_reason",
                "No age data for users of the street; a count is planned.",
            )
            j.check("completed", shot=True)
        else:
            kb.type_into(page, "#evidence", f"The borough profile and the 2021 Census on {key}.")
        j.submit(SAVE, status=200)
    j.at("journey.engagement")  # after the last characteristic, on to the next section
    j.open(f"/eias/{j.reference}/evidence", "journey.evidence")
    assert page.locator("main").inner_text().count("Completed") >= len(RELEVANT)
    j.check("completed")


def _list_then_complete(j: Journey, endpoint: str, add: str, add_row) -> None:
    """A list page with "Have you completed this section?": add a row with ``add_row``,
    answer nothing (the error), then "Yes"."""
    page = j.page
    j.at(endpoint)
    j.check("empty")
    j.follow(add)
    add_row(j)
    j.at(endpoint)
    j.check("completed", shot=True)
    kb.restart_tabbing(page)
    j.submit(SAVE, status=400)
    j.expect_error('input[name="completed"]')
    kb.choose_radio(page, "completed", "yes")
    j.submit(status=200)


def engagement(j: Journey) -> None:
    j.open(f"/eias/{j.reference}/engagement", "journey.engagement")
    _list_then_complete(
        j,
        "journey.engagement",
        f'main a[href="/eias/{j.reference}/engagement/new"]',
        add_engagement,
    )


def add_engagement(j: Journey) -> None:
    page = j.page
    j.at("journey.engagement_new")
    j.check("empty")
    kb.type_into(page, "#who", "Parents at two primary schools")
    kb.type_into(page, "#method", "Drop-in sessions")
    kb.fill_date(page, "held_on", 30, 2, 2026)  # no 30 February
    kb.type_into(page, "#what_they_said", "Keep the crossing patrol.")
    kb.type_into(page, "#what_changed", "The crossing patrol stays.")
    j.submit(status=400)
    j.expect_error(
        "#held_on-day",
        kept={
            "#who": "Parents at two primary schools",
            "#what_changed": "The crossing patrol stays.",
        },
    )
    kb.type_into(page, "#held_on-day", "27", max_tabs=1)
    j.check("completed")
    j.submit(status=200)


def score_impacts(j: Journey) -> None:
    """Each relevant characteristic: negative, scored before and after mitigation, with
    mitigation (left out first: the error)."""
    page = j.page
    j.open(f"/eias/{j.reference}/impacts", "journey.impacts")
    j.check("empty")
    j.follow(f'main a[href="/eias/{j.reference}/impacts/{RELEVANT[0]}"]', "journey.impact_for")
    j.check("empty")
    for n, key in enumerate(RELEVANT):
        assert j.path().endswith(f"/impacts/{key}"), page.url
        kb.choose_radio(page, "direction", "negative")
        kb.tick_checkbox(page, 'input[name="aims"][value="aim_opportunity"]')
        kb.choose_radio(page, "inherent_likelihood", "3")
        kb.choose_radio(page, "inherent_severity", "3")
        kb.choose_radio(page, "residual_likelihood", "2")
        kb.choose_radio(page, "residual_severity", "2")
        if n == 0:
            j.submit(SAVE, status=400)
            j.expect_error(
                "#mitigation",
                ticked=(
                    'input[name="direction"][value="negative"]',
                    'input[name="inherent_likelihood"][value="3"]',
                    'input[name="residual_severity"][value="2"]',
                ),
            )
        kb.type_into(page, "#mitigation", f"Blue badge holders keep access ({key}).")
        if n == 0:
            j.check("completed", shot=True)
        j.submit(SAVE, status=200)
    j.at("journey.impacts")
    text = page.locator("main").inner_text()
    assert "Likely × Significant = 9" in text and "Possible × Moderate = 4" in text, text[:2000]
    j.check("completed", shot=True)


def intersectional(j: Journey) -> None:
    j.open(f"/eias/{j.reference}/intersectional", "journey.intersectional")
    _list_then_complete(
        j,
        "journey.intersectional",
        f'main a[href="/eias/{j.reference}/intersectional/new"]',
        add_intersectional,
    )


def add_intersectional(j: Journey) -> None:
    """Age × disability: one characteristic ticked first (the error), then the second."""
    page = j.page
    j.at("journey.intersectional_new")
    j.check("empty")
    first = page.locator('input[name="characteristic_ids"]').first
    kb.tick_checkbox(page, first)
    kb.type_into(page, "#description", "Older disabled residents who rely on taxis")
    kb.choose_radio(page, "direction", "negative")
    for name, value in (
        ("inherent_likelihood", "3"),
        ("inherent_severity", "4"),
        ("residual_likelihood", "2"),
        ("residual_severity", "2"),
    ):
        kb.choose_radio(page, name, value)
    kb.type_into(page, "#mitigation", "Taxis may still stop outside the school.")
    kb.type_into(page, "#evidence", "Complaints from the Disability Forum.")
    j.submit(SAVE, status=400)
    j.expect_error(
        'input[name="characteristic_ids"]',
        kept={"#description": "Older disabled residents who rely on taxis"},
        ticked=('input[name="characteristic_ids"] >> nth=0',),
    )
    kb.tick_checkbox(page, page.locator('input[name="characteristic_ids"]').nth(1))
    j.check("completed")
    j.submit(SAVE, status=200)


def action_plan(j: Journey) -> None:
    j.open(f"/eias/{j.reference}/actions", "journey.actions")
    assert "evidence gap" in j.page.locator("main").inner_text().lower(), (
        "the evidence gap's proposed action is in the plan"
    )
    plan_the_gap_action(j)
    _list_then_complete(
        j, "journey.actions", f'main a[href="/eias/{j.reference}/actions/new"]', add_action
    )


def plan_the_gap_action(j: Journey) -> None:
    """The evidence gap's action has an owner (the EIA's) but no due date, and the plan
    cannot be completed without one: its card says so and links to it. Saved with no date
    first (the error), then with one."""
    page = j.page
    needs = 'main [id$="-needs"] a'
    assert page.locator(needs).count() == 1, "the gap's action says what it still needs"
    assert page.locator(needs).inner_text().startswith("Add a due date")
    j.follow(needs, "journey.action_edit")
    j.check("empty")
    j.submit(status=400)
    j.expect_error("#due_date-day")
    kb.fill_date(page, "due_date", 30, 6, FUTURE_YEAR)
    j.check("completed")
    j.submit(status=200)
    j.at("journey.actions")
    assert page.locator(needs).count() == 0


def add_action(j: Journey) -> None:
    """No owner chosen first (the error), then the officer."""
    page = j.page
    j.at("journey.action_new")
    j.check("empty")
    kb.type_into(page, "#description", "Count pedestrians by age at both schools.")
    kb.fill_date(page, "due_date", 31, 3, FUTURE_YEAR)
    kb.choose_radio(page, "status", "planned")
    mitigates = page.locator("#mitigates option").evaluate_all(
        "(os) => os.map(o => o.value).filter(v => v.startsWith('impact-'))"
    )[0]
    kb.choose_option(page, "#mitigates", mitigates)
    j.submit(status=400)
    j.expect_error(
        "#owner_id",
        kept={
            "#description": "Count pedestrians by age at both schools.",
            "#due_date-year": str(FUTURE_YEAR),
            "#mitigates": mitigates,
        },
        ticked=('input[name="status"][value="planned"]',),
    )
    officer = str(j.demo.user("officer").id)
    kb.choose_option(page, "#owner_id", officer)
    j.check("completed")
    j.submit(status=200)


def choose_outcome(j: Journey) -> None:
    """Outcome 2 with a review date in the past first (the error)."""
    page = j.page
    j.open(f"/eias/{j.reference}/outcome", "journey.outcome")
    j.check("empty")
    kb.choose_radio(page, "outcome", "2")
    reason = "Adjusted: blue badge holders and taxis keep access."
    kb.type_into(page, "#outcome_reason", reason)
    kb.fill_date(page, "review_date", 1, 4, 2020)
    j.submit(SAVE, status=400)
    j.expect_error(
        "#review_date-day",
        kept={"#outcome_reason": reason},
        ticked=('input[name="outcome"][value="2"]',),
    )
    kb.type_into(page, "#review_date-day", "1", max_tabs=1)
    kb.type_into(page, "#review_date-month", "4", max_tabs=1)
    kb.type_into(page, "#review_date-year", str(FUTURE_YEAR), max_tabs=1)
    j.check("completed")
    j.submit(SAVE, status=200)


def check_and_send(j: Journey) -> None:
    """From the task list: check your answers, send for sign-off; then the EIA page."""
    page = j.page
    j.open(f"/eias/{j.reference}/tasks", "journey.tasks")
    j.check("completed", shot=True)
    j.open(f"/eias/{j.reference}/check", "journey.check")
    text = page.locator("main").inner_text()
    assert "Now send it for sign-off" in text, text[-1500:]
    j.check("completed", shot=True)
    j.submit(SUBMIT, status=200)
    j.at("journey.tasks")
    assert j.demo.eias(reference=j.reference)[0].status == "awaiting_sign_off"
    j.follow(f'main a[href="/eias/{j.reference}"]', "pages.eia_page")
    assert page.locator("main .govuk-tag", has_text="Awaiting sign-off").count() >= 1
    j.check("completed", shot=True)


def journey_endpoints(app) -> set[str]:
    """The GET pages of the journey's blueprint."""
    return {
        r.endpoint
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("journey.") and "GET" in r.methods
    }


def page_type_slug(endpoint: str) -> str:
    return slug(JOURNEY_PAGES.get(endpoint, (endpoint,))[0])
