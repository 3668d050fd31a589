"""Importing a council's register in the browser (Issue 18), by keyboard, with JavaScript
and without: an administrator uploads a CSV with a problem and sees it listed with what to
do (nothing imported), uploads the corrected file, confirms the guessed columns, reads the
dry run and imports; the imported EIA's page says it is imported. Uploading the same file
again finds everything already imported."""

import pytest

from . import keyboard as kb
from .helpers import check_axe, check_axe_on_snapshot, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(params=["javascript", "no javascript"])
def tab(request, page, nojs_page):
    return page if request.param == "javascript" else nojs_page


def _axe(tab, checker, label):
    if tab.evaluate("() => document.body.classList.contains('js-enabled')"):
        check_axe(tab, label)
    else:
        check_axe_on_snapshot(checker, tab, label + " (no JavaScript)")


def _upload(tab, live_server, tmp_path, name: str, content: bytes):
    tab.goto(live_server + "/admin/import")
    path = tmp_path / name
    path.write_bytes(content)
    tab.locator('input[type="file"]').set_input_files(str(path))
    return kb.activate(tab, 'main button[type="submit"]')


def test_an_administrator_imports_a_register(tab, page, live_server, demo, tmp_path, request):
    prefix = "KB" if tab is page else "NOJS"
    login = demo.login("admin")
    tab.context.clear_cookies()
    assert sign_in(tab, live_server, login.email, login.password).ok

    # A file with a problem: listed row by row, with what to do; nothing imported.
    _upload(tab, live_server, tmp_path, "bad.csv", demo.register_file(problems=True, prefix=prefix))
    assert tab.locator("h1").inner_text() == "Which column is which"
    response = kb.activate(tab, 'main button[type="submit"]')
    assert response.status == 200 and "/check" in tab.url
    problems = tab.locator("#problems tbody tr")
    assert problems.count() == 2
    text = tab.locator("#problems").inner_text()
    assert "There is no directorate called “No such directorate”" in text
    assert "“soon” is not a date" in text and "Write the date as 31/03/2025" in text
    assert tab.locator("main form").count() == 0  # no import button
    _axe(tab, page, "Import: dry run with problems")
    screenshot(tab, f"import-problems-{prefix.lower()}")
    assert demo.eias(reference=f"{prefix}-1") == []

    # The corrected file: the dry run lists what will be imported; import it.
    good = demo.register_file(prefix=prefix)
    _upload(tab, live_server, tmp_path, "good.csv", good)
    kb.activate(tab, 'main button[type="submit"]')
    assert "EIAs to import" in tab.locator("main").inner_text()
    _axe(tab, page, "Import: dry run ready")
    response = kb.activate(tab, 'main form button[type="submit"]')
    assert response.status == 200
    banner = tab.locator(".govuk-notification-banner").inner_text()
    assert "2 EIAs imported from good.csv" in banner
    assert [e.status for e in demo.eias(reference=f"{prefix}-1")] == ["approved"]

    tab.goto(live_server + f"/eias/{prefix}-1")
    assert tab.locator("main strong.govuk-tag", has_text="Imported").count() == 1
    assert (
        "as a historical record, from register file good.csv"
        in tab.locator("#imported").inner_text()
    )

    # The same file again: nothing to import.
    _upload(tab, live_server, tmp_path, "good.csv", good)
    kb.activate(tab, 'main button[type="submit"]')
    rows = tab.locator(".govuk-summary-list__row")
    assert rows.filter(has_text="EIAs to import").locator("dd").inner_text() == "0"
    assert rows.filter(has_text="Already imported").locator("dd").inner_text() == "2"
    assert tab.locator("main form").count() == 0
