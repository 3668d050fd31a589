"""Operating a page with the keyboard alone: no mouse clicks, no ``locator.fill``/``click``.

Every helper moves focus with Tab (or Shift+Tab) from wherever focus is now, so reaching a
field at all proves it is in the tab order, and a helper failing says which tab stops it
passed instead (the tab order, as a person would meet it). Typing, Enter, Space and the arrow
keys then do what a keyboard user would do.

A target is a CSS selector, any Playwright selector (``'button:has-text("Sign out")'``,
``'internal:role=button[name="Continue"i]'``) or a Locator (``page.get_by_label("Day")``).
Everything here works in a context with JavaScript switched off too.

    from tests.browser import keyboard as kb

    kb.type_into(page, "#title", "School Streets")
    kb.choose_radio(page, "proposal_type", "service_change")
    kb.tick_checkbox(page, 'input[name="affects"][value="residents"]')
    kb.choose_option(page, "#status", "approved")
    kb.fill_date(page, "decision_date", 3, 3, 2027)
    kb.activate(page, 'button:has-text("Save and continue")')   # Tab to it, then Enter
"""

from playwright.sync_api import Locator, Page, Response

DEFAULT_MAX_TABS = 60

# Describes the focused element the way a failure message should: tag, id, name, words.
_DESCRIBE_FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return "(nothing: body)";
  let d = e.tagName.toLowerCase();
  if (e.id) d += "#" + e.id;
  if (e.getAttribute("name")) d += `[name="${e.getAttribute("name")}"]`;
  if (e.type && e.tagName !== "BUTTON") d += `[type=${e.type}]`;
  if (e.type === "radio" || e.type === "checkbox") d += `[value="${e.value}"]`;
  const words = (e.innerText || e.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " ");
  if (words) d += ` "${words.slice(0, 50)}"`;
  if (e.getAttribute("href")) d += ` -> ${e.getAttribute("href")}`;
  return d;
}"""

_HOLDS_FOCUS = "(elements) => elements.includes(document.activeElement)"
_REACHED_OR_WHERE = (
    "(elements) => elements.includes(document.activeElement) ? [true, ''] "
    ": [false, (" + _DESCRIBE_FOCUS + ")()]"
)


def _locator(page: Page, target: str | Locator) -> Locator:
    return page.locator(target) if isinstance(target, str) else target


def _label(target: str | Locator) -> str:
    return target if isinstance(target, str) else repr(target)


def focused(page: Page) -> str:
    """The focused element, described in words (for messages and tab-order checks)."""
    return page.evaluate(_DESCRIBE_FOCUS)


def is_focused(page: Page, target: str | Locator) -> bool:
    """Whether focus is on (one of) the element(s) ``target`` matches."""
    return bool(_locator(page, target).evaluate_all(_HOLDS_FOCUS))


def restart_tabbing(page: Page) -> None:
    """Move the keyboard's starting point to the top of the page, so that the next Tab goes
    to the first tab stop (as it does after a page loads). Focus and blur a placeholder at
    the start of <body> and remove it: Chromium keeps its "sequential focus navigation
    starting point" where that was. (A plain blur() leaves it at the blurred element.)"""
    page.evaluate("""() => {
      const mark = document.createElement("span");
      mark.tabIndex = -1;
      document.body.prepend(mark);
      mark.focus({preventScroll: true});
      mark.blur();
      mark.remove();
      window.scrollTo(0, 0);
    }""")


def tab_stops(page: Page, count: int) -> list[str]:
    """Press Tab ``count`` times and describe each element focused on the way."""
    stops = []
    for _ in range(count):
        page.keyboard.press("Tab")
        stops.append(focused(page))
    return stops


def tab_to(
    page: Page, target: str | Locator, *, max_tabs: int = DEFAULT_MAX_TABS, backwards: bool = False
) -> list[str]:
    """Press Tab (Shift+Tab when ``backwards``) until focus is on ``target``; return the tab
    stops passed on the way. Fails, listing those stops, when ``target`` is not reached in
    ``max_tabs`` presses: it is missing, hidden, or out of the tab order."""
    locator = _locator(page, target)
    if is_focused(page, locator):
        return []
    if locator.count() == 0:
        raise AssertionError(f"nothing on {page.url} matches {_label(target)!r}")
    key = "Shift+Tab" if backwards else "Tab"
    passed: list[str] = []
    for _ in range(max_tabs):
        page.keyboard.press(key)
        reached, where = locator.evaluate_all(_REACHED_OR_WHERE)  # one round trip a Tab
        if reached:
            return passed
        passed.append(where)
    order = "\n  ".join(passed)
    raise AssertionError(
        f"{_label(target)!r} on {page.url} was not reached by {max_tabs} presses of {key}: "
        f"it is not in the tab order (or is further than that). Tab stops met:\n  {order}"
    )


def press(page: Page, key: str, *, expect_navigation: bool = False) -> Response | None:
    """Press ``key``; with ``expect_navigation``, wait for the page it loads and return its
    response."""
    if expect_navigation:
        with page.expect_navigation() as navigation:
            page.keyboard.press(key)
        return navigation.value
    page.keyboard.press(key)
    return None


def press_enter(page: Page, *, expect_navigation: bool = True) -> Response | None:
    """Press Enter (submits the form the focused field is in, or follows the focused link or
    button); waits for the next page unless told not to."""
    return press(page, "Enter", expect_navigation=expect_navigation)


def activate(
    page: Page,
    target: str | Locator,
    *,
    expect_navigation: bool = True,
    max_tabs: int = DEFAULT_MAX_TABS,
) -> Response | None:
    """Tab to a link or button and press Enter on it."""
    tab_to(page, target, max_tabs=max_tabs)
    return press_enter(page, expect_navigation=expect_navigation)


def type_into(
    page: Page,
    target: str | Locator,
    text: str,
    *,
    replace: bool = True,
    max_tabs: int = DEFAULT_MAX_TABS,
) -> None:
    """Tab to a text field and type ``text`` (replacing what it held, unless told not to)."""
    locator = _locator(page, target)
    tab_to(page, locator, max_tabs=max_tabs)
    if replace:
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.press("Backspace")
    page.keyboard.type(text)
    if replace:
        typed = locator.evaluate_all(
            "(els) => (els.find(e => e === document.activeElement) || {}).value"
        )
        assert typed == text, f"typed {text!r} into {_label(target)!r} but it holds {typed!r}"


def choose_radio(page: Page, name: str, value: str, *, max_tabs: int = DEFAULT_MAX_TABS) -> None:
    """Choose the radio ``value`` of group ``name``: Tab into the group (focus lands on the
    chosen radio, or the first when none is), then arrow keys, as a keyboard user does; Space
    when the radio focused on arrival is the one wanted but not yet chosen."""
    group = f'input[type="radio"][name="{name}"]'
    wanted = page.locator(f'{group}[value="{value}"]')
    if wanted.count() == 0:
        raise AssertionError(f"no radio {name}={value!r} on {page.url}")
    tab_to(page, group, max_tabs=max_tabs)
    for _ in range(page.locator(group).count() + 1):
        if is_focused(page, wanted):
            break
        page.keyboard.press("ArrowDown")
    else:
        raise AssertionError(
            f"the arrow keys did not reach radio {name}={value!r}: focus is on {focused(page)}"
        )
    if not wanted.is_checked():
        page.keyboard.press("Space")
    assert wanted.is_checked(), f"radio {name}={value!r} is focused but not chosen"


def tick_checkbox(
    page: Page, target: str | Locator, *, checked: bool = True, max_tabs: int = DEFAULT_MAX_TABS
) -> None:
    """Tab to a checkbox and press Space if it is not already as wanted."""
    locator = _locator(page, target)
    tab_to(page, locator, max_tabs=max_tabs)
    if locator.is_checked() != checked:
        page.keyboard.press("Space")
    assert locator.is_checked() == checked, f"{_label(target)!r} did not change with Space"


def choose_option(
    page: Page, target: str | Locator, value: str, *, max_tabs: int = DEFAULT_MAX_TABS
) -> None:
    """Tab to a <select> and move through its options with Home and the down arrow until the
    one whose value is ``value`` is chosen."""
    locator = _locator(page, target)
    tab_to(page, locator, max_tabs=max_tabs)
    options = locator.evaluate("(s) => Array.from(s.options).map(o => o.value)")
    if value not in options:
        raise AssertionError(f"{_label(target)!r} has no option {value!r}: {options}")
    page.keyboard.press("Home")
    for _ in range(len(options)):
        if locator.input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    assert locator.input_value() == value, f"could not choose {value!r} in {_label(target)!r}"


def fill_date(
    page: Page,
    prefix: str,
    day: int | str,
    month: int | str,
    year: int | str,
    *,
    max_tabs: int = DEFAULT_MAX_TABS,
) -> None:
    """Type a date into the GOV.UK date input whose fields are ``{prefix}-day``,
    ``{prefix}-month`` and ``{prefix}-year`` (govuk-frontend-wtf's GovDateInput)."""
    type_into(page, f"#{prefix}-day", str(day), max_tabs=max_tabs)
    type_into(page, f"#{prefix}-month", str(month), max_tabs=1)  # the very next tab stop
    type_into(page, f"#{prefix}-year", str(year), max_tabs=1)


_FOCUS_STYLE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const props = ["outline-style", "outline-width", "outline-color", "outline-offset",
                 "box-shadow", "background-color", "color", "text-decoration-line",
                 "border-top-color", "border-bottom-color", "border-bottom-width"];
  const look = () => {
    const cs = getComputedStyle(e);
    return props.map(p => cs.getPropertyValue(p)).join("|");
  };
  const focusedLook = look();
  e.blur();
  const blurredLook = look();
  e.focus({focusVisible: true});
  return focusedLook !== blurredLook;
}"""


def focus_is_visible(page: Page) -> bool:
    """Whether the focused element looks different focused and not (WCAG 2.4.7): outline,
    shadow, colours or underline change. Focus stays where it was."""
    return bool(page.evaluate(_FOCUS_STYLE))
