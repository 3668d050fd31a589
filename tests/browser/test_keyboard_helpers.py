"""The keyboard helpers work on real GOV.UK Frontend components (rendered by the macros the
app uses, styled and scripted by the app's own GOV.UK Frontend files), with JavaScript on and
off: a form filled in by the keyboard alone sends exactly what was chosen."""

from urllib.parse import parse_qs

import pytest
from flask import render_template_string

from . import keyboard as kb

pytestmark = pytest.mark.browser

FORM = """
{%- from "govuk_frontend_jinja/components/input/macro.html" import govukInput -%}
{%- from "govuk_frontend_jinja/components/textarea/macro.html" import govukTextarea -%}
{%- from "govuk_frontend_jinja/components/radios/macro.html" import govukRadios -%}
{%- from "govuk_frontend_jinja/components/checkboxes/macro.html" import govukCheckboxes -%}
{%- from "govuk_frontend_jinja/components/date-input/macro.html" import govukDateInput -%}
{%- from "govuk_frontend_jinja/components/select/macro.html" import govukSelect -%}
{%- from "govuk_frontend_jinja/components/button/macro.html" import govukButton -%}
{%- set reveal -%}
  {{ govukInput({"id": "other-detail", "name": "other_detail", "label": {"text": "Which?"}}) }}
{%- endset -%}
<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head><meta charset="utf-8"><title>Keyboard helpers</title>
<link rel="stylesheet" href="/static/govuk/govuk-frontend.min.css">
<script type="module" src="/static/app/init.js"></script></head>
<body class="govuk-template__body">
<main class="govuk-main-wrapper" id="main-content"><div class="govuk-width-container">
<h1 class="govuk-heading-l">Keyboard helpers</h1>
<form method="post" action="/__keyboard-helpers/sent" novalidate>
  {{ govukInput({"id": "title", "name": "title", "label": {"text": "Title"}, "value": "Old"}) }}
  {{ govukTextarea({"id": "summary", "name": "summary", "label": {"text": "Summary"}}) }}
  {{ govukRadios({"name": "kind", "fieldset": {"legend": {"text": "Kind"}}, "items": [
      {"value": "policy", "text": "Policy"},
      {"value": "service", "text": "Service", "checked": true},
      {"value": "budget", "text": "Budget"},
      {"value": "other", "text": "Other", "conditional": {"html": reveal}}]}) }}
  {{ govukCheckboxes({"name": "affects", "fieldset": {"legend": {"text": "Affects"}}, "items": [
      {"value": "residents", "text": "Residents"},
      {"value": "staff", "text": "Staff", "checked": true},
      {"value": "visitors", "text": "Visitors"}]}) }}
  {{ govukDateInput({"id": "decision_date",
      "fieldset": {"legend": {"text": "Decision date"}}, "items": [
        {"id": "decision_date-day", "name": "decision_date", "label": "Day",
         "classes": "govuk-input--width-2"},
        {"id": "decision_date-month", "name": "decision_date", "label": "Month",
         "classes": "govuk-input--width-2"},
        {"id": "decision_date-year", "name": "decision_date", "label": "Year",
         "classes": "govuk-input--width-4"}]}) }}
  {{ govukSelect({"id": "status", "name": "status", "label": {"text": "Status"}, "items": [
      {"value": "", "text": "Choose"}, {"value": "draft", "text": "Draft"},
      {"value": "approved", "text": "Approved"}, {"value": "archived", "text": "Archived"}]}) }}
  {{ govukButton({"text": "Send"}) }}
</form></div></main></body></html>
"""


@pytest.fixture(params=["javascript", "no javascript"])
def any_page(request, page, nojs_page):
    return page if request.param == "javascript" else nojs_page


@pytest.fixture
def helper_form(any_page, live_app, live_server):
    """The form above on the live server's origin (so its GOV.UK files load); what it sends
    is captured instead of reaching the app."""
    with live_app.test_request_context():
        html = render_template_string(FORM)
    sent = {}

    def serve(route):
        route.fulfill(body=html, content_type="text/html; charset=utf-8")

    def capture(route):
        sent.update(parse_qs(route.request.post_data or "", keep_blank_values=True))
        route.fulfill(
            body="<!DOCTYPE html><html lang='en'><title>Sent</title><h1>Sent</h1>",
            content_type="text/html",
        )

    any_page.route(f"{live_server}/__keyboard-helpers", serve)
    any_page.route(f"{live_server}/__keyboard-helpers/sent", capture)
    any_page.goto(f"{live_server}/__keyboard-helpers")
    yield any_page, sent
    any_page.unroute_all()


def test_a_form_filled_by_keyboard_sends_what_was_chosen(helper_form):
    page, sent = helper_form
    kb.type_into(page, "#title", "School Streets")
    kb.type_into(page, "#summary", "Close the road\nat school times.")
    kb.choose_radio(page, "kind", "other")
    if page.evaluate("() => document.body.classList.contains('js-enabled')"):
        assert page.locator("#other-detail").is_visible(), "the conditional reveal opened"
    kb.type_into(page, "#other-detail", "A pilot")
    kb.tick_checkbox(page, 'input[name="affects"][value="residents"]')
    kb.tick_checkbox(page, 'input[name="affects"][value="staff"]', checked=False)
    kb.fill_date(page, "decision_date", 3, 3, 2027)
    kb.choose_option(page, "#status", "approved")
    response = kb.activate(page, 'button:has-text("Send")')
    assert response.ok and page.locator("h1").inner_text() == "Sent"
    assert sent == {
        "title": ["School Streets"],
        "summary": ["Close the road\r\nat school times."],
        "kind": ["other"],
        "other_detail": ["A pilot"],
        "affects": ["residents"],
        "decision_date": ["3", "3", "2027"],
        "status": ["approved"],
    }


def test_radios_can_go_back_up_the_group(helper_form):
    page, _ = helper_form
    kb.choose_radio(page, "kind", "budget")
    kb.restart_tabbing(page)
    kb.choose_radio(page, "kind", "policy")  # wraps round from the chosen radio
    assert page.locator('input[name="kind"]:checked').get_attribute("value") == "policy"


def test_tab_to_says_what_it_passed_when_it_cannot_reach_a_field(helper_form):
    page, _ = helper_form
    with pytest.raises(AssertionError, match="was not reached by 3 presses of Tab") as error:
        kb.tab_to(page, "#status", max_tabs=3)
    assert "input#title" in str(error.value)
    with pytest.raises(AssertionError, match="nothing on .* matches"):
        kb.tab_to(page, "#no-such-field")
