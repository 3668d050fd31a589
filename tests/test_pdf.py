"""The printable EIA: a real, tagged (PDF/UA-1) PDF with its title and language, the EIA's
text as text, built without fetching anything; the same access as the page; the public copy
is the frozen approved version and nothing internal."""

import io
import socket

import pytest
from pypdf import PdfReader

from eia import operations as ops
from eia.exports.pdf import _fetcher, html_to_pdf

from .support.people import sign_in


def _reader(body: bytes) -> PdfReader:
    assert body.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(body))


def _text(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def assert_accessible(reader: PdfReader, title: str) -> None:
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]).lower().startswith("en")
    assert reader.metadata.title == title
    # PDF/UA identification in the XMP metadata
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    # headings and tables are in the structure tree
    tags = set()

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict) or hasattr(node, "get"):
            if "/S" in node:
                tags.add(str(node["/S"]))
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    if hasattr(kid, "get_object") or isinstance(kid, dict):
                        walk(kid)

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/Table", "/TH", "/TD"} <= tags, tags
    # real fonts, embedded (DejaVu), not images of text
    fonts = {
        str(f.get_object()["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()
    }
    assert any("DejaVu" in f for f in fonts), fonts


@pytest.fixture
def approved(make, db):
    owner = make.user("officer", name="Priya Officer")
    eia = make.eia(
        "awaiting_sign_off",
        owner=owner,
        title="Low traffic neighbourhood Kestrel",
        publishable=True,
    )
    approver = make.user("approver", directorate=eia.directorate)
    ops.transition(db, eia, "approve", approver, attested=True, comment="PRIVATE APPROVAL REMARK")
    db.commit()
    return eia


def test_staff_pdf_is_tagged_titled_and_holds_the_text(client, make, approved):
    sign_in(client, make.user("equality_officer"))
    response = client.get(f"/eias/{approved.reference}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    reader = _reader(response.get_data())
    assert_accessible(
        reader,
        f"{approved.reference}: Low traffic neighbourhood Kestrel – Equality Impact Assessment",
    )
    text = _text(reader)
    for words in (
        "Low traffic neighbourhood Kestrel",
        approved.reference,
        "Close the road to through traffic",
        "Screening",
        "Disability",
        "Exemptions and an accessible alternative route",
        "Action plan",
        "Outcome 2",
        "Sign-off",
        "History",
        "Priya Officer",
        "PRIVATE APPROVAL REMARK",
    ):
        assert words in text, words


def test_staff_pdf_needs_the_right_to_view(client, make, approved):
    sign_in(client, make.user("officer"))  # another service's officer
    assert client.get(f"/eias/{approved.reference}.pdf").status_code == 403
    assert client.get("/eias/EIA-NONE.pdf").status_code == 404


def test_staff_pdf_of_a_draft(client, make):
    eia = make.eia("draft", title="Draft only Heron")
    sign_in(client, eia.owner)
    text = _text(_reader(client.get(f"/eias/{eia.reference}.pdf").get_data()))
    assert "Draft only Heron" in text and "may change until it is approved" in text


def test_public_pdf_is_the_frozen_version_and_nothing_internal(client, db, approved):
    approved.summary = "LATER CHANGE not approved"
    db.add(approved)
    db.commit()
    response = client.get(f"/public/eias/{approved.reference}.pdf")  # no one signed in
    assert response.status_code == 200
    reader = _reader(response.get_data())
    assert_accessible(
        reader,
        f"{approved.reference}: Low traffic neighbourhood Kestrel – Equality Impact Assessment",
    )
    text = _text(reader)
    assert "Close the road to through traffic" in text
    assert "as approved" in text
    for private in ("LATER CHANGE", "PRIVATE APPROVAL REMARK", "Priya Officer", "@", "History"):
        assert private not in text, private


def test_nothing_is_fetched_while_building_a_pdf(monkeypatch):
    with pytest.raises(ValueError):
        _fetcher().fetch("http://example.com/tracker.png")
    with pytest.raises(ValueError):
        _fetcher().fetch("file:///etc/passwd")

    def no_network(*args, **kwargs):
        raise AssertionError("the PDF tried to use the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    body = html_to_pdf(
        '<!DOCTYPE html><html lang="en-GB"><head><title>T</title>'
        '<link rel="stylesheet" href="http://example.com/x.css"></head><body><h1>Hello</h1>'
        '<img src="http://example.com/x.png" alt="An image"><img src="file:///etc/hosts" '
        'alt="a file"></body></html>'
    )
    text = _text(_reader(body))
    assert "Hello" in text
