"""Narrow screens and zoom (WCAG 1.4.10 reflow, 1.4.4 resize text).

Every page of tests/browser/pages.py is checked at 320 and 640 CSS px, with and without
JavaScript, where axe checks it (test_accessibility.py, helpers.check_reflow): the page
never scrolls sideways, and chart text is never drawn smaller than MIN_CHART_TEXT_PX. The
tests here check how that is done: a wide table scrolls inside its own region, by keyboard
too; each chart shows the drawing that fits; and the check itself finds what it should.
"""

import pytest

from . import keyboard as kb
from .helpers import MIN_CHART_TEXT_PX, forget_role, reflow_problems, screenshot, use_role

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def _sign_in_afresh():
    """Tests that ran before may have signed these roles out (which ends every session of
    the person): sign in again, by keyboard, the first time each is used here."""
    for role in ("officer", "equality"):
        forget_role(role)


NARROW = {"width": 320, "height": 900}

_REGION = """(table) => {
  const region = table.parentElement;
  return {scrolls: region.scrollWidth > region.clientWidth, left: region.scrollLeft,
          page: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_wide_table_scrolls_in_its_own_region_by_keyboard(
    page, nojs_page, live_server, demo, javascript
):
    tab = page if javascript else nojs_page
    use_role(tab, live_server, demo, "equality")
    tab.set_viewport_size(NARROW)
    tab.goto(live_server + "/")
    table = tab.locator(
        "main table.govuk-table", has=tab.locator("caption", has_text="newest first")
    )
    region = table.locator("xpath=..")
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("aria-labelledby") == table.locator("caption").get_attribute("id")
    before = table.evaluate(_REGION)
    assert before["scrolls"] and before["left"] == 0 and before["page"] == 0, before
    kb.tab_to(tab, region, max_tabs=40)
    assert kb.focus_is_visible(tab), "the focused region looks no different"
    mode = "js" if javascript else "no-js"
    screenshot(tab, f"EIA list at 320px, the table's region focused ({mode})")
    for _ in range(5):
        tab.keyboard.press("ArrowRight")
    for _ in range(40):  # the browser may scroll smoothly: give it up to two seconds
        after = table.evaluate(_REGION)
        if after["left"] > 0:
            break
        tab.wait_for_timeout(50)
    assert after["left"] > 0, "the arrow keys did not scroll the table"
    assert after["page"] == 0, "the page scrolled sideways, not the table"
    # The caption stays in view while the table scrolls.
    caption = table.locator("caption").bounding_box()
    assert caption["x"] >= 0 and caption["x"] + caption["width"] <= 320


def _drawings(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll("figure svg[role=img]")].map(s => {
      const t = s.querySelector("text"), m = t.getScreenCTM();
      const scale = Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
      return {id: s.id, shown: getComputedStyle(s).display !== "none",
              width: Math.round(s.getBoundingClientRect().width),
              text: parseFloat(getComputedStyle(t).fontSize) * scale};
    })""")


@pytest.mark.parametrize("width, shown", [(320, "narrow"), (640, "narrow"), (1280, "wide")])
def test_each_chart_shows_the_drawing_that_fits_at_full_size(page, live_server, demo, width, shown):
    use_role(page, live_server, demo, "equality")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/dashboard")
    drawings = _drawings(page)
    assert len(drawings) == 10  # five charts, each wide and narrow
    for chart in drawings:
        narrow = chart["id"].endswith("-narrow")
        assert chart["shown"] == ((shown == "narrow") == narrow), chart
        if chart["shown"]:
            # Never smaller than drawn: 16 px narrow, 14 px wide (a little larger on a
            # wide screen).
            assert chart["text"] >= (16 if narrow else 14) - 0.01, chart


@pytest.mark.parametrize("width, shown", [(320, "narrow"), (1280, "wide")])
def test_each_risk_matrix_shows_the_drawing_that_fits_its_column(
    page, live_server, demo, width, shown
):
    use_role(page, live_server, demo, "officer")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server}/eias/{demo.own_eia('full_assessment').reference}/impacts")
    drawings = _drawings(page)
    assert len(drawings) == 4  # before and after, each wide and narrow
    for matrix in drawings:
        narrow = matrix["id"].endswith("-narrow")
        assert matrix["shown"] == ((shown == "narrow") == narrow), matrix
        if matrix["shown"]:
            assert matrix["width"] == (288 if narrow else 600), matrix  # full size
            assert matrix["text"] >= 14 - 0.01, matrix


_WIDEN = """() => {
  const main = document.querySelector("main");
  const wide = document.createElement("div");
  wide.id = "too-wide"; wide.textContent = "A block too wide for the screen";
  wide.style.width = "700px";
  main.append(wide);
  // A hidden word positioned absolutely in a scrolling box that does not hold it in.
  const box = document.createElement("div");
  box.style.overflowX = "auto";
  const inner = document.createElement("div");
  inner.style.width = "900px";
  const spacer = document.createElement("span");
  spacer.style.display = "inline-block"; spacer.style.width = "850px";
  const hidden = document.createElement("span");
  hidden.className = "govuk-visually-hidden"; hidden.id = "escaping"; hidden.textContent = "x";
  inner.append(spacer, hidden); box.append(inner); main.append(box);
  // A table outside a region, and a chart whose words are shrunk.
  main.insertAdjacentHTML("beforeend",
    '<table class="govuk-table" id="loose"><caption>Loose</caption><tr><td>1</td></tr></table>' +
    '<svg id="tiny" viewBox="0 0 1000 100" width="100">' +
    '<text x="0" y="50" font-size="40">Tiny</text>' +
    '<text x="990" y="90" font-size="14">Cut off here</text></svg>');
}"""


def test_the_reflow_check_names_what_is_wrong(page, live_server, demo):
    """The check that runs on every page finds each kind of problem and names the element."""
    use_role(page, live_server, demo, None)
    page.goto(live_server + "/public/register")
    assert reflow_problems(page, width=320) == []
    page.evaluate(_WIDEN)
    found = "\n".join(reflow_problems(page, width=320))
    assert "the page scrolls sideways" in found and "div#too-wide" in found, found
    assert "span#escaping.govuk-visually-hidden" in found, found
    assert f"smaller than {MIN_CHART_TEXT_PX} px" in found and 'svg#tiny "Tiny" at 4 px' in found
    assert "cut off" in found and '"Cut off here"' in found, found
    assert "table#loose" in found, found
