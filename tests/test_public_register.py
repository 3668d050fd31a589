"""The public register: no sign-in, only signed-off, published, non-confidential EIAs, each
as its frozen approved version, never a later draft, a comment or a staff email address."""

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from eia import operations as ops
from eia.models import Eia

from .support.people import sign_in


@pytest.fixture
def register(make, db):
    """A published EIA in each public state, and the ones that must never be public."""
    d = make.directorate("Environment and Climate")
    s = make.service(d, "Highways")
    owner = make.user("officer", service=s, name="Olive Officer")
    approver = make.user("approver", directorate=d, name="Abel Approver")

    def eia(status, title, **flags):
        return make.eia(status, owner=owner, approver=approver, title=title, **flags)

    eias = {
        "public": eia("approved", "School streets on Elm Road", publishable=True),
        "review": eia("under_review", "Parking permits for carers", publishable=True),
        "archived": eia("archived", "Winter gritting routes", publishable=True),
        "confidential": eia(
            "approved", "Depot closure Zephyr", publishable=True, confidential=True
        ),
        "unpublished": eia("approved", "Library hours Quokka", publishable=False),
        "unapproved": eia("awaiting_sign_off", "Youth hub Wombat", publishable=True),
        "withdrawn": eia("withdrawn", "Bin collections Narwhal", publishable=True),
    }
    # A staff comment on the published one: internal, never public.
    ops.add_comment(
        db, eias["public"], approver, "proposal", "INTERNAL NOTE: ask legal before publishing"
    )
    db.commit()
    return eias


HIDDEN = ("confidential", "unpublished", "unapproved", "withdrawn")
SHOWN = ("public", "review", "archived")


def _main(html: str) -> str:
    return html.split('id="main-content"', 1)[1].split("</main>", 1)[0]


def test_anyone_reads_the_register_without_signing_in(client, register):
    response = client.get("/public/register")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for key in SHOWN:
        assert register[key].title in html and register[key].reference in html
    for key in HIDDEN:
        assert register[key].title not in html and register[key].reference not in html
    assert "3 EIAs" in html


@pytest.mark.parametrize("key", HIDDEN)
def test_hidden_eias_never_appear_anywhere_public(client, register, key):
    eia = register[key]
    for words in (eia.title, eia.reference, eia.title.split()[-1]):
        html = client.get("/public/register", query_string={"q": words}).get_data(as_text=True)
        results = html.split('id="results"', 1)[1]  # (the search box repeats the words)
        assert "No EIAs found" in results and eia.title not in results, words
        assert eia.reference not in results and f"/public/eias/{eia.reference}" not in html
    assert client.get(f"/public/eias/{eia.reference}").status_code == 404
    assert client.get(f"/public/eias/{eia.reference}.pdf").status_code == 404
    for fmt in ("csv", "xlsx"):
        body = client.get("/public/register/download", query_string={"format": fmt}).get_data()
        text = body.decode("utf-8-sig") if fmt == "csv" else _xlsx_text(body)
        assert eia.title not in text and eia.reference not in text


def test_a_signed_in_person_sees_no_more_on_the_public_register(client, make, register):
    sign_in(client, make.user("admin"))
    html = client.get("/public/register").get_data(as_text=True)
    assert register["confidential"].title not in html
    assert client.get(f"/public/eias/{register['confidential'].reference}").status_code == 404


def test_made_confidential_after_approval_it_vanishes(client, db, register):
    eia = register["public"]
    assert client.get(f"/public/eias/{eia.reference}").status_code == 200
    eia.confidential = True
    db.add(eia)
    db.commit()
    assert client.get(f"/public/eias/{eia.reference}").status_code == 404
    assert client.get(f"/public/eias/{eia.reference}.pdf").status_code == 404
    assert eia.title not in client.get("/public/register").get_data(as_text=True)


def test_search_by_title_reference_directorate_and_filters(client, register):
    def titles(**query):
        html = client.get("/public/register", query_string=query).get_data(as_text=True)
        return {k for k in SHOWN + HIDDEN if register[k].title in html}

    assert titles(q="elm road") == {"public"}
    assert titles(q=register["review"].reference) == {"review"}
    assert titles(q="climate") == set(SHOWN)  # the directorate's name
    assert titles(q="highways gritting") == {"archived"}  # every word must match
    assert titles(state="under_review") == {"review"}
    assert titles(state="archived") == {"archived"}
    assert titles(outcome="2") == set(SHOWN)
    assert titles(outcome="1") == set()
    directorate = register["public"].directorate_id
    assert titles(directorate=str(directorate)) == set(SHOWN)
    assert titles(q="50% _off") == set()  # LIKE's wildcards are taken literally


@pytest.mark.parametrize(
    "query",
    [{"state": "draft"}, {"directorate": "nope"}, {"outcome": "9"}, {"page": "x"}, {"q": "a\x00b"}],
)
def test_bad_search_is_a_400_with_an_error_summary(client, register, query):
    response = client.get("/public/register", query_string=query)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert "<title>Error: " in html


def test_the_page_shows_the_frozen_approved_version_never_a_later_change(client, db, register):
    eia = register["public"]
    frozen_summary = eia.summary
    # A later change to the live row (as a revision would make) must not show.
    eia.summary = "LATER DRAFT: not yet approved"
    db.add(eia)
    db.commit()
    response = client.get(f"/public/eias/{eia.reference}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert frozen_summary in html and "LATER DRAFT" not in html
    assert "as it was approved" in html and "Abel Approver" in html


def test_the_page_holds_no_comments_internal_notes_or_emails(client, db, make, register):
    eia = register["public"]
    html = client.get(f"/public/eias/{eia.reference}").get_data(as_text=True)
    main = _main(html)
    assert "INTERNAL NOTE" not in html
    assert "@" not in main  # no staff email address (nor any other)
    assert "Olive Officer" not in main  # the owner is not named to the public
    assert "Confidential" not in main and "Publish in the register" not in main
    # the sections are there
    for heading in (
        "The proposal",
        "Screening",
        "Impact on each characteristic",
        "Intersectional impacts",
        "Engagement and consultation",
        "Action plan",
        "Outcome",
        "Sign-off",
    ):
        assert f">{heading}</h2>" in main, heading


def test_an_approval_comment_is_not_published(client, db, make, register):
    eia = make.eia("awaiting_sign_off", title="Market licences Ocelot", publishable=True)
    approver = make.user("approver", directorate=eia.directorate)
    ops.transition(
        db, eia, "approve", approver, attested=True, comment="SIGN-OFF NOTE: watch the budget line"
    )
    db.commit()
    html = client.get(f"/public/eias/{eia.reference}").get_data(as_text=True)
    assert "Market licences Ocelot" in html and "SIGN-OFF NOTE" not in html


def test_a_confirmed_review_moves_the_public_review_date(client, db, make, register):
    eia = register["review"]
    approver = make.user("approver", directorate=eia.directorate)
    ops.transition(
        db,
        eia,
        "confirm_review",
        approver,
        review_notes="Still stands.",
        next_review_date=date(2030, 3, 4),
    )
    db.commit()
    assert "4 March 2030" in _main(
        client.get(f"/public/eias/{eia.reference}").get_data(as_text=True)
    )
    rows = csv.reader(
        io.StringIO(client.get("/public/register/download").get_data().decode("utf-8-sig"))
    )
    assert next(r for r in rows if r[0] == eia.reference)[9] == "2030-03-04"


def _revise(db, eia, **draft):
    """Open a new version of an EIA under review and write a draft into it."""
    ops.transition(db, eia, "revise", eia.owner, review_notes="The scheme is changing.")
    if draft:
        ops.update_eia(db, eia, "proposal", eia.owner, draft)
    db.commit()
    assert eia.status == "full_assessment"


def _register_titles(client, **query) -> str:
    html = client.get("/public/register", query_string=query).get_data(as_text=True)
    return html.split('id="results"', 1)[1]


DRAFT = dict(
    title="Parking permits DRAFT Xylophone",
    summary="DRAFT SUMMARY not approved",
    decision_date=date(2031, 5, 6),
)


def test_a_revised_eia_stays_public_as_last_approved_marked_under_revision(client, db, register):
    eia = register["review"]
    approved_title, approved_summary = eia.title, eia.summary
    _revise(db, eia, **DRAFT)

    results = _register_titles(client)
    assert approved_title in results and "Xylophone" not in results
    row = results.split(approved_title, 1)[1].split("</tr>", 1)[0]
    assert "Under revision" in row and "govuk-tag" in row
    assert "6 May 2031" not in results  # the draft's decision date
    # The draft's words find nothing; the approved title still finds it.
    assert "No EIAs found" in _register_titles(client, q="Xylophone")
    assert approved_title in _register_titles(client, q="parking permits")
    assert approved_title in _register_titles(client, state="under_revision")
    assert approved_title not in _register_titles(client, state="under_review")

    response = client.get(f"/public/eias/{eia.reference}")
    assert response.status_code == 200
    main = _main(response.get_data(as_text=True))
    assert approved_title in main and approved_summary in main
    assert "DRAFT" not in main and "Xylophone" not in main
    assert "Under revision" in main and "govuk-notification-banner" in main
    assert "A new version of this Equality Impact Assessment is being prepared." in main
    assert "this page shows version 1, as it was approved" in main

    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/public/register/download", query_string={"format": "csv"})
                .get_data()
                .decode("utf-8-sig")
            )
        )
    )
    line = next(r for r in rows if r[0] == eia.reference)
    assert line[1] == approved_title and line[4] == "Under revision"
    assert "2031" not in line[5]


def test_the_new_version_replaces_the_old_once_approved(client, db, make, register):
    eia = register["review"]
    _revise(db, eia, **DRAFT)
    ops.transition(db, eia, "submit_for_sign_off", eia.owner)
    db.commit()
    results = _register_titles(client)  # waiting for sign-off: still the approved version
    assert "Xylophone" not in results and "Under revision" in results
    approver = make.user("approver", directorate=eia.directorate)
    ops.transition(db, eia, "approve", approver, attested=True)
    db.commit()
    results = _register_titles(client)
    assert "Parking permits DRAFT Xylophone" in results and "Under revision" not in results
    html = _main(client.get(f"/public/eias/{eia.reference}").get_data(as_text=True))
    assert "DRAFT SUMMARY not approved" in html and "version 2" in html
    assert "In force" in html and "govuk-notification-banner" not in html


@pytest.mark.parametrize("change", [{"confidential": True}, {"publishable": False}])
def test_a_revision_marked_confidential_or_unpublished_hides_it_at_once(
    client, db, register, change
):
    eia = register["review"]
    _revise(db, eia, **change)
    assert eia.title not in _register_titles(client)
    assert client.get(f"/public/eias/{eia.reference}").status_code == 404
    assert client.get(f"/public/eias/{eia.reference}.pdf").status_code == 404
    assert eia.reference not in client.get("/public/register/download").get_data(as_text=True)


@pytest.mark.parametrize(
    "approved_with", [{"publishable": False}, {"publishable": True, "confidential": True}]
)
def test_a_draft_cannot_publish_what_was_approved_unpublishable(client, db, make, approved_with):
    """The approved version's own flags govern: ticking "publish" (or unticking
    "confidential") in a revision shows nothing until that revision is approved."""
    eia = make.eia("under_review", title="Care home fees Quetzal", **approved_with)
    db.commit()
    _revise(db, eia, publishable=True, confidential=False)
    assert client.get(f"/public/eias/{eia.reference}").status_code == 404
    assert "Quetzal" not in _register_titles(client)
    ops.transition(db, eia, "submit_for_sign_off", eia.owner)
    ops.transition(
        db, eia, "approve", make.user("approver", directorate=eia.directorate), attested=True
    )
    db.commit()
    assert client.get(f"/public/eias/{eia.reference}").status_code == 200


def test_a_published_eia_withdrawn_stays_as_the_record_marked_withdrawn(client, db, register):
    eia = register["public"]
    ops.transition(db, eia, "withdraw", eia.owner, reason="INTERNAL: the budget fell through")
    db.commit()
    results = _register_titles(client)
    row = results.split(eia.title, 1)[1].split("</tr>", 1)[0]
    assert "Withdrawn" in row
    assert eia.title in _register_titles(client, state="withdrawn")
    main = _main(client.get(f"/public/eias/{eia.reference}").get_data(as_text=True))
    assert "This proposal was withdrawn on" in main and "no longer applies" in main
    assert "INTERNAL" not in main  # the reason given is the staff's, not published
    assert client.get(f"/public/eias/{eia.reference}.pdf").status_code == 200


def test_withdrawn_during_a_revision_it_shows_the_approved_version_never_the_draft(
    client, db, register
):
    eia = register["review"]
    approved_title = eia.title
    _revise(db, eia, **DRAFT)
    ops.transition(db, eia, "withdraw", eia.owner, reason="Dropped.")
    db.commit()
    results = _register_titles(client)
    assert approved_title in results and "Xylophone" not in results
    main = _main(client.get(f"/public/eias/{eia.reference}").get_data(as_text=True))
    assert "Withdrawn" in main and "DRAFT" not in main


def test_the_staff_page_links_to_the_public_copy_while_it_is_shown(client, db, make, register):
    eia = register["review"]
    sign_in(client, make.user("admin"))
    link = f'href="/public/eias/{eia.reference}"'
    assert link in client.get(f"/eias/{eia.reference}").get_data(as_text=True)
    _revise(db, eia, **DRAFT)
    assert link in client.get(f"/eias/{eia.reference}").get_data(as_text=True)
    ops.update_eia(db, eia, "proposal", eia.owner, {"confidential": True})
    db.commit()
    assert link not in client.get(f"/eias/{eia.reference}").get_data(as_text=True)


def test_register_csv_and_xlsx_match_the_page(client, register):
    html = client.get("/public/register").get_data(as_text=True)
    page_refs = re.findall(r'href="/public/eias/([^"]+)"', _main(html))
    body = client.get("/public/register/download", query_string={"format": "csv"})
    assert body.status_code == 200
    assert body.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.get_data().decode("utf-8-sig"))))
    assert rows[0][:5] == ["Reference", "Title", "Directorate", "Service", "Status"]
    assert [r[0] for r in rows[1:]] == page_refs
    book = load_workbook(
        io.BytesIO(
            client.get("/public/register/download", query_string={"format": "xlsx"}).get_data()
        )
    )
    values = list(book.active.iter_rows(values_only=True))
    assert [v[0] for v in values[1:]] == page_refs
    # a search narrows the file as it narrows the page
    narrowed = client.get(
        "/public/register/download", query_string={"format": "csv", "q": "elm"}
    ).get_data()
    assert [r[0] for r in csv.reader(io.StringIO(narrowed.decode("utf-8-sig")))][1:] == [
        register["public"].reference
    ]
    assert (
        client.get("/public/register/download", query_string={"format": "pdf"}).status_code == 400
    )


def test_the_footer_links_to_the_public_register(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert 'href="/public/register"' in html


def test_unknown_reference_is_not_found(client, register):
    assert client.get("/public/eias/EIA-NONE").status_code == 404
    assert client.get("/public/eias/EIA-NONE.pdf").status_code == 404


def test_pagination(client, make, db, register):
    d = register["public"].directorate
    for n in range(26):
        e = Eia(
            reference=f"EIA-PAGE-{n:03d}",
            title=f"Paged {n}",
            directorate_id=d.id,
            service_id=register["public"].service_id,
            owner_id=register["public"].owner_id,
            status="approved",
            publishable=True,
        )
        db.add(e)
        db.flush()
        from eia.exports.public import keep_public_copy
        from eia.models import EiaVersion

        version = EiaVersion(
            eia_id=e.id,
            version=1,
            status="approved",
            snapshot={"reference": e.reference, "title": e.title, "publishable": True},
        )
        db.add(version)
        keep_public_copy(db, version)  # as approving it does
    db.commit()
    first = client.get("/public/register").get_data(as_text=True)
    assert "29 EIAs" in first and "page 1 of 2" in first
    assert 'href="/public/register?page=2"' in first
    second = client.get("/public/register", query_string={"page": 2}).get_data(as_text=True)
    assert "page 2 of 2" in second
    assert client.get("/public/register", query_string={"page": 3}).status_code == 404


def _xlsx_text(body: bytes) -> str:
    book = load_workbook(io.BytesIO(body))
    return "\n".join(str(v) for row in book.active.iter_rows(values_only=True) for v in row)
