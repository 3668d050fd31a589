"""The public register's heavy routes: the PDF of an approved version is built once and
kept in the database (every web worker serves the same bytes), and anonymous requests for
the PDF and the register's downloads are limited per address, with a 429 page that says
when to try again."""

import io
import threading
import time
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from eia import operations as ops
from eia.exports import public_pdf
from eia.models import PublicPdf, RateLimitCount, utcnow
from eia.web import ratelimit

from .support.db import session_on
from .support.people import sign_in
from .support.services import PG_URL


@pytest.fixture
def builds(monkeypatch):
    """Counts the PDFs built (the real builder still builds them)."""
    real, count = public_pdf.html_to_pdf, []

    def counting(html):
        count.append(html)
        return real(html)

    monkeypatch.setattr(public_pdf, "html_to_pdf", counting)
    return count


@pytest.fixture
def published(make, db):
    owner = make.user("officer", name="Priya Officer")
    eia = make.eia(
        "approved", owner=owner, title="Low traffic neighbourhood Kestrel", publishable=True
    )
    db.commit()
    return eia


def _pdf_text(body: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(body)).pages)


def _another_worker(connection, **config):
    """A second application on the same database, as a second gunicorn worker would be."""
    from eia import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SESSION_FACTORY": lambda: session_on(connection),
            "CELERY_BROKER_URL": "memory://",
            "CELERY_RESULT_BACKEND": "cache+memory://",
            **config,
        }
    ).test_client()


def test_the_public_pdf_is_built_once_and_kept(client, db, connection, published, builds):
    url = f"/public/eias/{published.reference}.pdf"
    first = client.get(url)
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert len(builds) == 1
    second = client.get(url)
    assert second.status_code == 200 and len(builds) == 1  # not built again
    assert second.get_data() == first.get_data()  # byte for byte
    kept = db.exec(select(PublicPdf).where(PublicPdf.eia_id == published.id)).one()
    assert kept.version == 1 and bytes(kept.pdf) == first.get_data()
    # Another worker (its own application, the same database) serves the kept bytes too.
    third = _another_worker(connection).get(url)
    assert third.get_data() == first.get_data() and len(builds) == 1
    assert third.headers["Cache-Control"] == "no-store"


def test_it_is_built_again_once_when_what_it_says_changes(client, db, published, builds):
    url = f"/public/eias/{published.reference}.pdf"
    assert "Status: in force" in _pdf_text(client.get(url).get_data())
    ops.transition(db, published, "start_review", published.owner)
    db.commit()
    body = client.get(url).get_data()
    assert len(builds) == 2 and "Status: under review" in _pdf_text(body)
    assert client.get(url).get_data() == body and len(builds) == 2
    assert db.exec(select(PublicPdf).where(PublicPdf.eia_id == published.id)).one()


def test_under_revision_it_keeps_the_approved_version_s_pdf(client, db, make, published, builds):
    url = f"/public/eias/{published.reference}.pdf"
    ops.transition(db, published, "start_review", published.owner)
    ops.transition(db, published, "revise", published.owner, review_notes="Changing.")
    ops.update_eia(
        db, published, "proposal", published.owner, {"summary": "DRAFT SUMMARY not approved"}
    )
    db.commit()
    text = _pdf_text(client.get(url).get_data())
    assert "Under revision: a new version of this assessment is being prepared" in text
    assert "DRAFT SUMMARY" not in text and "Close the road to through traffic" in text
    # Approving the new version replaces the copy, and the old version's PDF goes.
    ops.transition(db, published, "submit_for_sign_off", published.owner)
    ops.transition(
        db,
        published,
        "approve",
        make.user("approver", directorate=published.directorate),
        attested=True,
    )
    db.commit()
    assert [
        p.version for p in db.exec(select(PublicPdf).where(PublicPdf.eia_id == published.id)).all()
    ] == []
    text = _pdf_text(client.get(url).get_data())
    assert "DRAFT SUMMARY not approved" in text and "Version 2" in text


def test_a_kept_pdf_is_never_served_once_the_eia_is_not_public(client, db, published, builds):
    url = f"/public/eias/{published.reference}.pdf"
    assert client.get(url).status_code == 200
    published.confidential = True
    db.add(published)
    db.commit()
    assert client.get(url).status_code == 404
    assert len(builds) == 1


@pytest.fixture
def limited(app):
    app.config.update(PUBLIC_DOWNLOAD_LIMIT=3, PUBLIC_DOWNLOAD_WINDOW_SECONDS=60)
    return app


def test_anonymous_downloads_past_the_limit_get_429_with_retry_after(limited, client, published):
    urls = [
        f"/public/eias/{published.reference}.pdf",
        "/public/register/download?format=csv",
        "/public/register/download?format=xlsx",
    ]
    for url in urls:  # three in the window, whichever downloads they are
        assert client.get(url).status_code == 200, url
    for url in urls + ["/public/eias/EIA-NONE.pdf"]:
        response = client.get(url)
        assert response.status_code == 429, url
        wait = int(response.headers["Retry-After"])
        assert 1 <= wait <= 60
        html = response.get_data(as_text=True)
        assert '<h1 class="govuk-heading-l">Too many requests</h1>' in html
        assert "govuk-template" in html and "Try again in" in html
        assert response.headers["Content-Type"].startswith("text/html")
    # The pages themselves are not limited.
    assert client.get("/public/register").status_code == 200
    assert client.get(f"/public/eias/{published.reference}").status_code == 200


def test_the_count_is_shared_by_every_worker(limited, client, connection, published):
    url = f"/public/eias/{published.reference}.pdf"
    for _ in range(3):
        assert client.get(url).status_code == 200
    other = _another_worker(connection, PUBLIC_DOWNLOAD_LIMIT=3)
    assert other.get(url).status_code == 429


def test_signed_in_staff_are_not_limited(limited, client, make, published):
    sign_in(client, make.user("officer"))
    for _ in range(5):
        assert client.get("/public/register/download?format=csv").status_code == 200


def test_the_page_says_when_to_try_again_and_the_window_ends(
    limited, client, published, monkeypatch
):
    start = ratelimit.window_start(utcnow(), 60) + timedelta(seconds=15)
    monkeypatch.setattr(ratelimit, "utcnow", lambda: start)
    for _ in range(3):
        client.get("/public/register/download?format=csv")
    response = client.get("/public/register/download?format=csv")
    assert response.status_code == 429 and response.headers["Retry-After"] == "45"
    assert "Try again in 45 seconds." in " ".join(response.get_data(as_text=True).split())
    monkeypatch.setattr(ratelimit, "utcnow", lambda: start + timedelta(seconds=45))
    assert client.get("/public/register/download?format=csv").status_code == 200


def test_a_limit_of_nought_turns_it_off(app, client, published):
    app.config["PUBLIC_DOWNLOAD_LIMIT"] = 0
    for _ in range(5):
        assert client.get("/public/register/download?format=csv").status_code == 200


def test_counting_keeps_one_row_per_bucket_and_window(db):
    now = utcnow()
    assert [ratelimit.count_request(db, "b|1", 2, 60, now) for _ in range(3)][:2] == [None, None]
    assert ratelimit.count_request(db, "b|1", 2, 60, now) is not None
    assert ratelimit.count_request(db, "b|2", 2, 60, now) is None  # another address
    rows = db.exec(select(RateLimitCount).order_by(RateLimitCount.bucket)).all()
    assert [(r.bucket, r.hits) for r in rows] == [("b|1", 4), ("b|2", 1)]
    # The next window starts afresh, and the ended one is forgotten.
    later = now + timedelta(seconds=60)
    assert ratelimit.count_request(db, "b|1", 2, 60, later) is None
    assert [(r.bucket, r.hits) for r in db.exec(select(RateLimitCount)).all()] == [("b|1", 1)]


def test_config_comes_from_the_environment(monkeypatch, tmp_path):
    from eia.config import load_config

    monkeypatch.setenv("PUBLIC_DOWNLOAD_LIMIT", "7")
    monkeypatch.setenv("PUBLIC_DOWNLOAD_WINDOW_SECONDS", "300")
    config = load_config(str(tmp_path))
    assert (config["PUBLIC_DOWNLOAD_LIMIT"], config["PUBLIC_DOWNLOAD_WINDOW_SECONDS"]) == (7, 300)


@pytest.mark.postgres
def test_workers_asking_at_once_build_it_once(own_database, monkeypatch):
    """Two requests at once, from two workers with their own connections: one builds, the
    other waits on the public copy's row and serves what the first kept."""
    from eia import create_app
    from tests.factories import Factories

    with Session(own_database, expire_on_commit=False) as s:
        eia = Factories(s).eia("approved", title="Built once Osprey", publishable=True)
        s.commit()
        url = f"/public/eias/{eia.reference}.pdf"
    real, count = public_pdf.html_to_pdf, []

    def slow(html):
        count.append(1)
        time.sleep(0.5)  # long enough for the second request to arrive meanwhile
        return real(html)

    monkeypatch.setattr(public_pdf, "html_to_pdf", slow)
    bodies = []

    def worker():
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test",
                "ENGINE": own_database,
                "DATABASE_URL": PG_URL,
                "CELERY_BROKER_URL": "memory://",
                "CELERY_RESULT_BACKEND": "cache+memory://",
            }
        )
        bodies.append(app.test_client().get(url).get_data())

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(count) == 1 and len(bodies) == 2 and bodies[0] == bodies[1]
