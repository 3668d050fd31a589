"""The impacts table is written once (templates/partials/impacts_table.html) and drawn
through it on the EIA page (characteristics and intersectional groups), the public page and
the PDF: the same headings, captions, header scopes and cells everywhere."""

import importlib
import re

import pytest
from bs4 import BeautifulSoup
from sqlmodel import select

from eia import operations as ops
from eia.models import Characteristic, IntersectionalImpact
from eia.paths import TEMPLATES

from .support.html import get_page, words
from .support.people import sign_in

HEADINGS = ["Impact", "Before mitigation", "After mitigation", "Evidence", "Mitigation"]


@pytest.fixture
def published(make, db):
    eia = make.eia("awaiting_sign_off", title="Bus lanes Osprey", publishable=True)
    two = list(db.exec(select(Characteristic).order_by(Characteristic.position).limit(2)))
    group = IntersectionalImpact(
        eia=eia,
        description="Older disabled women",
        direction="negative",
        inherent_likelihood=4,
        inherent_severity=3,
        residual_likelihood=2,
        residual_severity=2,
        mitigation="Door-to-door transport.",
    )
    group.characteristics = two
    db.add(group)
    db.flush()
    ops.transition(
        db, eia, "approve", make.user("approver", directorate=eia.directorate), attested=True
    )
    db.commit()
    return eia


def _screen_tables(html: BeautifulSoup) -> list:
    return [
        t
        for t in html.select("main table.govuk-table")
        if t.caption
        and words(t.caption)
        in (
            "Likelihood × severity, before and after mitigation",
            "Groups sharing more than one characteristic",
        )
    ]


def _structure(table) -> dict:
    container = table.parent
    return {
        "caption": words(table.caption),
        "container": (
            container.get("class"),
            container.get("role"),
            container.get("aria-labelledby") == table.caption["id"],
            container.get("tabindex"),
        ),
        "headings": [(words(th), th["scope"]) for th in table.select("thead th")],
        "rows": [
            [(words(c), c.name, c.get("scope")) for c in tr.find_all(["th", "td"])]
            for tr in table.select("tbody tr")
        ],
    }


def test_the_eia_page_and_the_public_page_draw_the_same_tables(client, make, published):
    public = _screen_tables(get_page(client, f"/public/eias/{published.reference}"))
    sign_in(client, make.user("equality_officer"))
    staff = _screen_tables(get_page(client, f"/eias/{published.reference}"))
    assert len(staff) == len(public) == 2
    for first, table in zip(("Characteristic", "Group"), staff, strict=True):
        shape = _structure(table)
        assert shape["headings"] == [(h, "col") for h in [first, *HEADINGS]]
        assert shape["container"] == (["app-table-container"], "region", True, "0")
        assert all(row[0][1:] == ("th", "row") for row in shape["rows"])
        assert all([c[1] for c in row[1:]] == ["td"] * 5 for row in shape["rows"])
    # The public copy is the frozen approval of the same EIA: the same tables, cell for cell.
    assert [_structure(t) for t in staff] == [_structure(t) for t in public]
    assert "Older disabled women" in words(staff[1])


def test_the_pdf_prints_each_impact_with_the_same_headings(client, make, published, monkeypatch):
    printed = {}

    def keep(html, filename):
        printed[filename] = html
        return "not a PDF"

    monkeypatch.setattr(importlib.import_module("eia.web.exports"), "pdf_response", keep)
    sign_in(client, make.user("equality_officer"))
    assert client.get(f"/eias/{published.reference}.pdf").status_code == 200
    html = BeautifulSoup(printed[published.reference], "html.parser")
    tables = [t for t in html.select("table") if t.find("th", string="Mitigation")]
    assert len(tables) == len(published.impacts) + 1
    for table in tables:
        headings = [words(th) for th in table.select("tbody th")]
        assert headings == ["Impact", "Aims of the equality duty it touches", *HEADINGS[1:]]
        assert all(th["scope"] == "row" for th in table.select("th"))
        assert table.caption and words(table.caption)
        assert table.find_previous_sibling("h3") is not None


def test_the_four_places_use_the_one_macro():
    """No template but the partial writes the table's columns itself (the sign-off page's
    table is another: the approver's view, worst first, from the live record)."""
    users = {"eia/_assessment.html": 2, "public/eia.html": 1, "pdf/eia.html": 2}
    for name, count in users.items():
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        assert len(re.findall(r"impacts_table\(", text)) == count, name
        assert "Before mitigation" not in text, name
    written = [
        p.relative_to(TEMPLATES).as_posix()
        for p in TEMPLATES.rglob("*.html")
        if re.search(
            r">After mitigation</th>\s*<th[^>]*>Evidence</th>", p.read_text(encoding="utf-8")
        )
    ]
    assert written == []
