"""What several test files share, in one place each (no test file imports another).

- ``services``: what the suite was told about (CI, DATABASE_URL, REDIS_URL, the backends),
  and a free port for a server a test starts;
- ``db``: sessions on the test's connection, counting queries, reading the stored EIA afresh;
- ``html``: reading the pages (parse, words, banners, error summaries, task lists);
- ``people``: signing people in, and the signed-in fixtures conftest.py registers;
- ``formdata``: form data as browsers send it (dates typed in three boxes, repeated names);
- ``signoff``: deciding on the sign-off page as a browser would;
- ``figures``: the council with known dashboard figures;
- ``matrix``: the council with a person for every part and an EIA in every state;
- ``summaries``: the kept summaries, comparable across a rebuild;
- ``formcrawl``: every POST route of the app, real URLs for it and the forms that post to it.
"""
