"""Every id in a URL that names nothing is "not found" (404), however large the number.

The routes are not listed here: the test walks the app's URL map and tries every route with
an integer in its path, so a route added later is covered without anyone remembering to."""

import pytest
import sqlalchemy as sa
from werkzeug.routing import IntegerConverter

from eia.models import metadata
from eia.web.urls import MAX_ID

from .support.people import sign_in

# Past PostgreSQL's INTEGER, past a 64-bit integer (SQLite's and psycopg's limit), and the
# issue's own example.
TOO_LARGE = (2**31, 2**63, 99999999999999999999)
# The largest id a row can have: in range, so the page itself must say it names nothing.
LARGEST = 2**31 - 1


def _int_routes(app):
    for rule in app.url_map.iter_rules():
        ints = [
            name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)
        ]
        if ints:
            yield rule, ints


@pytest.fixture
def admin_client(client, make, db):
    admin = make.user("admin")
    eia = make.eia("full_assessment", title="Id overflow check")
    db.commit()
    sign_in(client, admin)
    return client, eia


def _url(rule, ints, number, reference) -> str:
    values = {
        "reference": reference,
        "section": "proposal",
        "event": "withdraw",
        "key": "age",
        **{name: number for name in ints},
    }
    # Built by hand: url_for would refuse a number the route no longer matches.
    url = rule.rule
    for name in rule.arguments:
        conv = rule._converters[name]
        kind = "int:" if isinstance(conv, IntegerConverter) else ""
        url = url.replace(f"<{kind}{name}>", str(values[name]))
    assert "<" not in url, url
    return url


def _answers(client, app, rule, url) -> list[str]:
    got = []
    for method in sorted(rule.methods & {"GET", "POST"}):
        try:
            response = client.get(url) if method == "GET" else client.post(url, data={})
            got.append(f"{method} {url}: {response.status_code}")
        except Exception as exc:  # noqa: BLE001 - an overflow raised through the test client
            got.append(f"{method} {url}: {type(exc).__name__}: {exc}")
    return got


def test_the_walk_finds_the_routes_with_ids(app):
    endpoints = {rule.endpoint for rule, _ in _int_routes(app)}
    assert {
        "pages.version_page",
        "mailbox.email",
        "mailbox.email_html",
        "journey.action_edit",
        "journey.engagement_edit",
        "journey.intersectional_edit",
        "admin.edit_user",
        "admin.edit_directorate",
        "admin.edit_service",
        "admin.edit_characteristic",
        "notifications.resend",
    } <= endpoints
    assert len(endpoints) >= 20


@pytest.mark.parametrize("number", TOO_LARGE + (LARGEST,))
def test_every_id_route_answers_not_found_for_an_id_that_names_nothing(app, admin_client, number):
    client, eia = admin_client
    wrong = []
    for rule, ints in _int_routes(app):
        url = _url(rule, ints, number, eia.reference)
        wrong += [a for a in _answers(client, app, rule, url) if not a.endswith(": 404")]
    assert wrong == [], "\n".join(wrong)


def test_a_too_large_id_is_not_found_for_someone_signed_out_too(client):
    for url in (
        "/mailbox/99999999999999999999",
        "/admin/users/99999999999999999999",
        "/eias/EIA-X/versions/99999999999999999999",
    ):
        assert client.get(url).status_code == 404, url


def test_ids_within_range_still_reach_their_pages(client, make, db):
    """The ceiling does not cut off real rows: a real id (and leading zeros) still match."""
    admin = make.user("admin")
    d = make.directorate("Ceiling check")
    db.commit()
    sign_in(client, admin)
    assert client.get(f"/admin/directorates/{d.id}").status_code == 200
    assert client.get(f"/admin/directorates/{d.id:05d}").status_code == 200


def test_every_integer_key_fits_the_url_ceiling():
    """The routes match ids up to MAX_ID because every id column is a 32-bit INTEGER on
    PostgreSQL. A BIGINT id would need a wider ceiling (eia/web/urls.py)."""
    wider = [
        f"{table.name}.{column.name}"
        for table in metadata.tables.values()
        for column in table.columns
        if (column.primary_key or column.foreign_keys) and isinstance(column.type, sa.BigInteger)
    ]
    assert wider == [] and MAX_ID == 2**31 - 1
