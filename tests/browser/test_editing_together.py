"""Two people editing one section at once, in two browsers (eia.edit_conflicts): the officer
of Housing Needs and Lettings with JavaScript, the head of service (an approver on the
service's team) without. Saves of different fields merge; a field both changed is refused
with both answers shown, the later editor's typed values kept, and saving again keeps theirs.
"""

import pytest

from eia.demo_content import HOMES_APPROVER, LETTINGS

from . import keyboard as kb
from .helpers import check_axe, screenshot, sign_in

pytestmark = pytest.mark.browser


def signed_in(page, live_server, demo, email: str) -> None:
    page.context.clear_cookies()
    login = demo.login(email)
    response = sign_in(page, live_server, login.email, login.password)
    assert response.ok and "/sign-in" not in page.url, page.url


def save_for_later(page) -> None:
    kb.activate(page, 'button[name="later"]', max_tabs=80)


def test_two_browsers_editing_the_proposal(page, nojs_page, live_server, demo):
    reference = demo.new_eia(
        "draft", owner=LETTINGS, approver=HOMES_APPROVER, title="Choice-based lettings: new banding"
    )
    officer, head = page, nojs_page
    signed_in(officer, live_server, demo, LETTINGS)
    signed_in(head, live_server, demo, HOMES_APPROVER)
    url = f"{live_server}/eias/{reference}/proposal"

    # Different fields: both saves stand.
    officer.goto(url)
    head.goto(url)
    kb.type_into(officer, "#summary", "Bands A to D replace the points system.")
    save_for_later(officer)
    kb.type_into(head, "#decision_maker", "Executive Member for Homes")
    save_for_later(head)
    officer.goto(url)
    assert officer.locator("#summary").input_value() == "Bands A to D replace the points system."
    assert officer.locator("#decision_maker").input_value() == "Executive Member for Homes"

    # The same field: the later save is refused, shows both, keeps what was typed.
    officer.goto(url)
    head.goto(url)
    kb.type_into(officer, "#title", "Choice-based lettings: four bands")
    save_for_later(officer)
    kb.type_into(head, "#title", "Lettings banding review 2027")
    save_for_later(head)
    summary = head.locator(".govuk-error-summary")
    assert summary.count() == 1, head.locator("main").inner_text()[:1500]
    text = summary.inner_text()
    assert "Grace Adeyemi changed “Title of the proposal” after you opened this page" in text
    assert "“Choice-based lettings: four bands”" in text
    assert "“Lettings banding review 2027”" in text
    assert head.locator("#title").input_value() == "Lettings banding review 2027"
    assert head.locator("#title-error").count() == 1
    screenshot(head, "proposal-edited-by-someone-else")
    check_axe(officer, "the officer's proposal page after saving")

    # The error summary's link leads to the field; saving again keeps the head's title.
    kb.activate(head, '.govuk-error-summary a[href="#title"]', max_tabs=40)
    save_for_later(head)
    officer.goto(url)
    assert officer.locator("#title").input_value() == "Lettings banding review 2027"
    assert officer.locator("#summary").input_value() == "Bands A to D replace the points system."
