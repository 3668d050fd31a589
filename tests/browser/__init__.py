"""Browser tests: the real app on a live server, driven through Debian's Chromium by
Playwright, checked with axe-core and operated by the keyboard alone.

- ``conftest.py``: the ``live_server``, ``demo``, ``browser``/``nojs_browser`` and
  ``page``/``nojs_page`` fixtures.
- ``keyboard.py``: keyboard-only operation (Tab, type, Enter, Space, arrow keys).
- ``helpers.py``: ``sign_in``/``sign_out`` by keyboard, ``check_axe`` (and
  ``check_axe_on_snapshot`` for a tab with JavaScript off), ``check_reflow`` (320 and
  640 px: no sideways scrolling, chart text large enough), ``screenshot`` (listed in
  test-artifacts/screenshots/index.html and index.txt).
- ``demo.py``: finds demo EIAs by state for building URLs.
- ``pages.py``: the PAGES registry every accessibility check runs over.
- ``journey.py``: the guided journey's steps by keyboard, shared by the runs with and without
  JavaScript (``test_keyboard_journey.py``); which page is checked in which state.
- ``test_sign_off_by_keyboard.py``: approving and returning by keyboard.
- ``test_reflow.py``: narrow screens: tables scroll in their regions, charts show the
  drawing that fits, and the reflow check finds what it should.
"""
