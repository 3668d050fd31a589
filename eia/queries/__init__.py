"""The read side: what the pages read, each in a fixed, small number of queries (no query
per row). ``eia/operations.py`` and ``eia/admin_operations.py`` are the write side.

Each module is named for what it reads and each function takes the session first, so the
web modules (``eia/web``) call named functions and build no query of their own
(tests/test_web_has_no_queries.py):

- ``eias``: the EIA for each shape of page (its page, a section of the journey, sign-off),
  with the eager loads that page needs, the register, and a frozen version;
- ``inbox``: the approver's sign-off inbox and a person's own EIAs;
- ``comments``: comments on an EIA;
- ``audit``: an EIA's audit trail;
- ``people``: people, by email, role, directorate or id;
- ``org``: directorates and services;
- ``characteristics``: the characteristics, as administrators manage them;
- ``sign_in``: sign-in mappings and failed sign-in attempts;
- ``notifications``: the local mailbox.
"""
