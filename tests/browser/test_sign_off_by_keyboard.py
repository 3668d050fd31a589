"""Signing off by keyboard alone (Issue 4): the approver signs in, opens the sign-off inbox
and the EIA, reads the impacts, attests and approves; the officer then signs in and finds
"Approved by ..." in the EIA's history. And the way back: the approver returns the EIA with
a comment on a section, and the officer finds the comment on that section's page.

Each EIA is a fresh one made ready for sign-off (``demo.new_eia``): the factory's full
assessment has negative impacts on age and disability, scored before and after mitigation.
"""

import pytest

from . import keyboard as kb
from .helpers import check_axe, check_axe_on_snapshot, screenshot, sign_in, sign_out
from .journey import SUBMIT

pytestmark = pytest.mark.browser

MITIGATION = "Exemptions and an accessible alternative route."  # tests/factories.py assess()


@pytest.fixture(params=["javascript", "no javascript"])
def tab(request, page, nojs_page):
    return page if request.param == "javascript" else nojs_page


def has_javascript(page) -> bool:
    return bool(page.evaluate("() => document.body.classList.contains('js-enabled')"))


def axe(page, checker, label: str) -> None:
    """axe on the page: directly with JavaScript; without, on the page as that tab has it,
    shown in ``checker`` (see helpers.check_axe_on_snapshot)."""
    if has_javascript(page):
        check_axe(page, label)
    else:
        check_axe_on_snapshot(checker, page, label + " (no JavaScript)")


def sign_in_as(page, live_server, demo, role: str) -> str:
    """Sign in by keyboard from the sign-in page; the person's name."""
    login = demo.login(role)
    page.context.clear_cookies()
    response = sign_in(page, live_server, login.email, login.password)
    assert response.ok and "/sign-in" not in page.url, f"{role} could not sign in: {page.url}"
    return demo.user(role).name


def go_by_navigation(page, href: str, heading: str) -> None:
    """Tab from the top of the page to the header's navigation link and press Enter."""
    kb.restart_tabbing(page)
    kb.activate(page, f'header a[href="{href}"], nav a[href="{href}"]', max_tabs=30)
    found = page.locator("h1").first.inner_text().strip()
    assert found == heading, f"{href} led to {page.url}: {found!r}"


def open_from_inbox(page, reference: str) -> None:
    go_by_navigation(page, "/sign-off", "EIAs awaiting your sign-off")
    kb.activate(page, f'main a[href="/eias/{reference}/sign-off"]', max_tabs=120)
    assert page.url.endswith(f"/eias/{reference}/sign-off"), page.url


def read_the_impacts(page) -> None:
    """The negative impacts are on the page, before the decision form, worst first, with
    their scores before and after mitigation."""
    main = page.locator("main")
    table = main.locator("table", has=page.locator("caption", has_text="Negative impacts"))
    assert table.count() == 1, main.inner_text()[:1500]
    rows = table.locator("tbody tr")
    assert rows.count() == 2
    text = table.inner_text()
    for words in (
        "Age",
        "Disability",
        "Possible × Moderate = 4",
        "Likely × Significant = 9",
        MITIGATION,
    ):
        assert words in text, f"{words!r} not in the impacts table:\n{text}"
    form_top = main.locator("form").last.bounding_box()["y"]
    assert table.bounding_box()["y"] < form_top, "the impacts come before the decision"


def officer_opens(page, reference: str) -> None:
    """My EIAs, then the EIA's page, by keyboard."""
    go_by_navigation(page, "/my-eias", "My EIAs")
    kb.activate(page, f'main a[href="/eias/{reference}"]', max_tabs=150)
    assert page.url.endswith(f"/eias/{reference}"), page.url


def history(page) -> str:
    heading = page.locator("h2", has_text="History")
    assert heading.count() == 1
    return page.locator("h2:has-text('History') + ol").inner_text()


def test_approver_approves_by_keyboard_and_the_officer_sees_it(tab, page, live_server, demo):
    page_ = tab
    javascript = tab is page
    mode = "js" if javascript else "no-js"
    reference = demo.new_eia("awaiting_sign_off", title=f"Sign-off by keyboard ({mode})")

    approver = sign_in_as(page_, live_server, demo, "approver")
    open_from_inbox(page_, reference)
    read_the_impacts(page_)
    axe(page_, page, "Sign-off page, before the decision (keyboard)")

    # Approve without the attestation: refused, saying why; nothing changes.
    kb.choose_radio(page_, "decision", "approve")
    response = kb.activate(page_, SUBMIT)
    assert response.status == 409, response.status
    summary = page_.locator(".govuk-error-summary")
    assert summary.count() == 1 and "read" in summary.inner_text().lower(), summary.inner_text()
    assert page_.title().startswith("Error: ")
    assert demo.eias(reference=reference)[0].status == "awaiting_sign_off"
    # The checkbox says so too, and the summary's link takes focus straight to it: no
    # tabbing back past every impact table (issue #13, point 4).
    attested = page_.locator(".govuk-form-group--error", has=page_.locator("#attested"))
    assert (
        "Confirm that you have read the impacts"
        in attested.locator(".govuk-error-message").inner_text()
    )
    if javascript:
        check_axe(page_, "Sign-off page, approval refused without the attestation")

    kb.restart_tabbing(page_)
    kb.activate(page_, '.govuk-error-summary a[href="#attested"]', expect_navigation=False)
    assert kb.is_focused(page_, "#attested"), kb.focused(page_)
    kb.press(page_, "Space")
    assert page_.locator("#attested").is_checked()
    kb.choose_radio(page_, "decision", "approve")
    screenshot(page_, f"sign-off page ready to approve ({mode})")
    response = kb.activate(page_, SUBMIT)
    assert response.ok
    # (Without JavaScript the summary's link put #attested in the address, and a browser
    # keeps a fragment across a redirect whose Location has none.)
    assert page_.url.split("#")[0].endswith(f"/eias/{reference}"), page_.url
    assert "You approved this EIA." in page_.locator("main").inner_text()
    assert demo.eias(reference=reference)[0].status == "approved"
    sign_out(page_)

    sign_in_as(page_, live_server, demo, "officer")
    officer_opens(page_, reference)
    entries = history(page_)
    assert f"Approved by {approver} on " in entries, entries
    assert page_.locator("main .govuk-tag", has_text="Approved").count() >= 1
    screenshot(page_, f"EIA page after approval, as the officer ({mode})")
    axe(page_, page, "EIA page after approval, as the officer (keyboard)")


def test_approver_returns_with_a_comment_on_a_section(page, live_server, demo):
    reference = demo.new_eia("awaiting_sign_off", title="Returned by keyboard")
    comment = "Add the borough's figures on disabled residents who drive to the evidence."

    approver = sign_in_as(page, live_server, demo, "approver")
    open_from_inbox(page, reference)
    kb.choose_radio(page, "decision", "return")
    kb.type_into(page, "#comment", comment)
    kb.choose_option(page, "#section", "evidence")
    kb.choose_radio(page, "return_to", "full_assessment")
    response = kb.activate(page, SUBMIT)
    assert response.ok and page.url.endswith(f"/eias/{reference}"), page.url
    assert demo.eias(reference=reference)[0].status == "full_assessment"
    sign_out(page)

    sign_in_as(page, live_server, demo, "officer")
    officer_opens(page, reference)
    entries = history(page)
    assert f"Returned to full assessment by {approver} on " in entries, entries
    assert comment in entries
    kb.activate(page, f'main a[href="/eias/{reference}/tasks"]', max_tabs=60)
    kb.activate(page, f'main a[href="/eias/{reference}/evidence"]', max_tabs=80)
    comments = page.locator("#comments")
    assert comments.count() == 1, page.url
    text = comments.inner_text()
    assert comment in text and approver in text, text
    screenshot(page, "evidence page with the approver's comment")
    check_axe(page, "Evidence page with the approver's returned comment (keyboard)")
