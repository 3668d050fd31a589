"""Every table of the product's pages sits in a region that scrolls it sideways on a narrow
screen (macros.html ``table_container``), named by the table's caption, so no table can
widen a page (WCAG 1.4.10). The browser tests check the pages they open
(tests/browser/helpers.check_reflow); this checks every template, so a table that only
appears with data the browser tests do not have (failed emails, say) is covered too."""

import re
from pathlib import Path

from bs4 import BeautifulSoup
from flask import render_template_string

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Not web pages: emails (their own HTML) and the PDF (printed, never scrolled).
NOT_PAGES = {"email", "pdf"}

TABLE = re.compile(r"<table\b[^>]*>", re.DOTALL)
CALL = re.compile(r"\{%-?\s*call table_container\((?P<id>[^)]*)\)\s*-?%\}\s*$")
ENDCALL = re.compile(r"^\s*\{%-?\s*endcall\s*-?%\}")


def _page_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] not in NOT_PAGES:
            yield path


def test_every_table_in_the_templates_is_in_a_table_container():
    loose = []
    tables = 0
    for path in _page_templates():
        text = path.read_text(encoding="utf-8")
        for match in TABLE.finditer(text):
            if "govuk-table" not in match.group(0):
                continue
            tables += 1
            line = text.count("\n", 0, match.start()) + 1
            where = f"{path.relative_to(TEMPLATES)} line {line}"
            call = CALL.search(text[: match.start()])
            end = text.find("</table>", match.end())
            caption = re.match(r"\s*<caption\b[^>]*\bid=\"([^\"]+)\"", text[match.end() :])
            if not call or end < 0 or not ENDCALL.match(text[end + len("</table>") :]):
                loose.append(f"{where}: not wrapped in {{% call table_container(...) %}}")
            elif not caption:
                loose.append(f"{where}: its <caption> (first in the table) has no id")
    assert tables >= 25, "the templates' tables were not found"
    assert not loose, (
        "tables that would widen the page on a narrow screen: wrap each in "
        '{% call table_container("<caption id>") %}...{% endcall %} and give '
        "its caption that id (see macros.html):\n  " + "\n  ".join(loose)
    )


def test_the_container_is_a_focusable_region_named_by_the_caption(app):
    with app.app_context():
        html = render_template_string(
            '{% from "macros.html" import table_container %}'
            '{% call table_container("people-caption") %}<table class="govuk-table">'
            '<caption id="people-caption" class="govuk-table__caption">People</caption>'
            "<tr><td>x</td></tr></table>{% endcall %}"
        )
    region = BeautifulSoup(html, "html.parser").select_one("div.app-table-container")
    assert region["role"] == "region" and region["tabindex"] == "0"
    assert region["aria-labelledby"] == "people-caption"
    assert region.find("table").caption["id"] == "people-caption"
