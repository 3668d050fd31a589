"""The guided journey by keyboard alone, with JavaScript on and off: an officer takes a new
EIA from nothing to "awaiting sign-off" (Issue 3). Tab, type, Space, arrow keys and Enter
only (tests/browser/keyboard.py): no clicks, no filling fields focus has not reached, no
direct posts, no typed URL but the home page's.

On the way axe checks every page of the journey in its empty, error and completed states
(tests/browser/journey.py says which page has which); the pages checked are written to
test-artifacts/journey-pages-js.txt and journey-pages-no-js.txt, and the test fails unless
they cover every page type of the journey.
"""

import pytest

from . import journey as steps
from .helpers import use_role
from .journey import JOURNEY_PAGES, NOT_ON_THE_WAY, Journey

pytestmark = pytest.mark.browser


@pytest.fixture(params=["javascript", "no javascript"])
def journey(request, page, nojs_page, live_server, demo, live_app):
    """A Journey in a tab with JavaScript on, or off (then ``page`` is axe's tab)."""
    javascript = request.param == "javascript"
    tab = page if javascript else nojs_page
    use_role(tab, live_server, demo, "officer")
    j = Journey(tab, None if javascript else page, javascript, live_server, demo, live_app)
    yield j
    j.write()


def test_the_journey_has_a_page_type_for_every_journey_page(live_app):
    """Every GET page of the journey's blueprint is either on the way to sign-off (and so
    checked below) or set aside with a reason: a new journey page must be placed."""
    endpoints = steps.journey_endpoints(live_app)
    assert endpoints, "the journey blueprint has no GET pages: the lookup is broken"
    unplaced = endpoints - set(JOURNEY_PAGES) - set(NOT_ON_THE_WAY)
    assert not unplaced, (
        "journey pages neither on the keyboard journey nor set aside in "
        f"tests/browser/journey.py NOT_ON_THE_WAY: {sorted(unplaced)}"
    )
    gone = (set(JOURNEY_PAGES) | set(NOT_ON_THE_WAY)) - endpoints - {"pages.eia_page"}
    assert not gone, f"tests/browser/journey.py names pages that no longer exist: {gone}"


def test_from_empty_to_awaiting_sign_off_by_keyboard(journey):
    j = journey
    title = f"School Streets in Highbury ({j.mode}, keyboard)"
    reference = steps.start_eia(j, title)
    steps.describe_proposal(j)
    steps.start_screening(j)
    steps.screen(j)
    steps.start_full_assessment(j)
    steps.give_evidence(j)
    steps.engagement(j)
    steps.score_impacts(j)
    steps.intersectional(j)
    steps.action_plan(j)
    steps.choose_outcome(j)
    steps.check_and_send(j)

    eia = j.demo.eias(reference=reference)[0]
    assert eia.status == "awaiting_sign_off" and eia.title == title

    listed = j.write()
    assert listed.is_file()
    missing = j.missing_states()
    assert not missing, "journey pages not checked in every state:\n  " + "\n  ".join(missing)
    assert all(c.endpoint in JOURNEY_PAGES for c in j.checked), (
        "checked a page the journey does not list: "
        f"{sorted({c.endpoint for c in j.checked} - set(JOURNEY_PAGES))}"
    )
