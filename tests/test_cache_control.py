"""Nothing shown to a signed-in person stays in a browser's or proxy's cache: every response
to them says ``Cache-Control: no-store`` (so does the sign-in page). Every GET route the app
has is tried, so a new page is covered without anyone remembering to add it here. Static
files (the same for everyone, nothing personal) and public pages seen by the public keep
their cacheable headers."""

import pytest
from flask import url_for

from .support.matrix import World
from .support.people import sign_in


def _static(endpoint: str) -> bool:
    return endpoint == "static" or endpoint.endswith(".static")


def _get_routes(app, world: World):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or _static(rule.endpoint):
            continue
        with app.test_request_context():
            yield rule.endpoint, url_for(rule.endpoint, **world.values(rule, "approved"))


@pytest.mark.slow  # every GET route of the app
def test_every_page_for_a_signed_in_person_is_no_store(app, make, db):
    world = World(make, db)
    routes = list(_get_routes(app, world))
    assert len(routes) > 40
    missing = []
    for actor in ("admin", "owner"):  # admins reach most pages; the owner their own mail
        client = app.test_client()
        sign_in(client, world.people[actor])
        for endpoint, url in routes:
            response = client.get(url)
            # (/readyz says 503 here, truthfully: no scheduler heartbeat in this test)
            ready_or_not = endpoint == "ops.readyz" and response.status_code == 503
            assert response.status_code < 500 or ready_or_not, (url, response.status_code)
            if "no-store" not in response.headers.get("Cache-Control", ""):
                missing.append(
                    f"{endpoint} {url} as {actor}: {response.status_code} "
                    f"{response.headers.get('Cache-Control')!r}"
                )
        not_found = client.get("/no-such-page")  # error pages too
        if "no-store" not in not_found.headers.get("Cache-Control", ""):
            missing.append(f"404 page as {actor}")
    assert missing == []


def test_the_sign_in_page_is_no_store_and_public_pages_stay_cacheable(client):
    for response in (
        client.get("/sign-in"),
        client.post("/sign-in", data={"email": "x@example.gov.uk", "password": "wrong"}),
    ):
        assert response.headers["Cache-Control"] == "no-store"
    for url in ("/public/register", "/healthz"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.headers.get("Cache-Control", ""), url
    stylesheet = client.get("/static/app/app.css")
    assert "no-store" not in stylesheet.headers.get("Cache-Control", "")


def test_static_files_are_not_no_store_even_when_signed_in(client, make):
    sign_in(client, make.user("officer"))
    response = client.get("/static/app/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
