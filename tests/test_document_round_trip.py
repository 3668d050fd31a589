"""An EIA's round trip between two installations (two databases): exported from one as
``eia-document/1`` JSON through its page's download, imported into the other with
`eia import document` as a historical record that keeps every section and its history;
importing it again changes nothing."""

import json

import pytest
from sqlmodel import Session, select

from eia import audit, create_app
from eia.db import make_engine
from eia.migrate import upgrade
from eia.models import AuditRecord, Eia, User
from eia.reporting import summaries

from .factories import Factories
from .support.people import sign_in
from .support.summaries import snapshot

SECTIONS = (
    "proposal",
    "screening",
    "impacts",
    "intersectional_impacts",
    "engagement",
    "actions",
    "outcome",
    "sign_offs",
)


def _installation(tmp_path, name):
    url = f"sqlite:///{tmp_path / name}.db"
    engine = make_engine(url)
    upgrade(engine)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": name,
            "DATABASE_URL": url,
            "WTF_CSRF_ENABLED": False,
            "CELERY_BROKER_URL": "memory://",
            "CELERY_RESULT_BACKEND": "cache+memory://",
        }
    )
    return app, engine


@pytest.fixture
def two(tmp_path):
    first, second = _installation(tmp_path, "first"), _installation(tmp_path, "second")
    yield first, second
    first[1].dispose()
    second[1].dispose()


def _export(app, engine) -> dict:
    with Session(engine, expire_on_commit=False) as s:
        make = Factories(s)
        service = make.service(make.directorate("Adult Social Care"), "Home Care")
        owner = make.user("officer", service=service, name="Olu Officer")
        eia = make.eia("approved", owner=owner, title="Close the day centre")
        s.commit()
        reference = eia.reference
    client = app.test_client()
    sign_in(client, owner)
    answer = client.get(f"/eias/{reference}.json")
    assert answer.status_code == 200
    return answer.get_json()


def test_an_eia_goes_from_one_installation_to_another_and_back_to_words(two, tmp_path):
    (first, first_engine), (second, second_engine) = two
    doc = _export(first, first_engine)
    path = tmp_path / f"{doc['reference']}.json"
    path.write_text(json.dumps(doc))
    runner = second.test_cli_runner()
    # The other installation has no such directorate yet: nothing imported, and why.
    result = runner.invoke(args=["import", "document", str(path), "--dry-run"])
    assert result.exit_code == 1
    assert "Directorate: There is no directorate called “Adult Social Care”" in result.output
    with Session(second_engine, expire_on_commit=False) as s:
        make = Factories(s)
        make.service(make.directorate("Adult Social Care"), "Home Care")
        admin = make.user("admin", name="Ada Admin")
        s.commit()
    result = runner.invoke(args=["import", "document", str(path), "--as", admin.email])
    assert result.exit_code == 0, result.output
    assert f"Imported {doc['reference']} as a historical record." in result.output

    client = second.test_client()
    sign_in(client, admin)
    again = client.get(f"/eias/{doc['reference']}.json").get_json()
    # Not published here (the register import's rule): the rest as it was.
    assert again["proposal"].pop("publishable") is False
    assert again["proposal"].pop("publishing_reason").startswith("Imported")
    for key in ("publishable", "publishing_reason"):
        doc["proposal"].pop(key)
    for section in SECTIONS:
        assert again[section] == doc[section], section
    assert (again["title"], again["version"], again["state"]) == (
        doc["title"],
        doc["version"],
        "approved",
    )
    assert again["imported"]["version"] == doc["version"]
    page = client.get(f"/eias/{doc['reference']}").get_data(as_text=True)
    assert ">Imported</strong>" in page and "another installation" in page
    with Session(second_engine) as s:
        eia = s.exec(select(Eia).where(Eia.reference == doc["reference"])).one()
        owner = s.get(User, eia.owner_id)
        assert owner.name == "Olu Officer" and not owner.active  # added, inactive
        record = s.exec(
            select(AuditRecord).where(AuditRecord.eia_id == eia.id, AuditRecord.action == "import")
        ).one()
        kept = json.loads(record.details)["history"]
        assert kept == doc["history"]  # the other installation's trail, word for word
        assert audit.verify(s).ok
        before = snapshot(s)
        summaries.rebuild(s.connection())
        s.commit()
    with Session(second_engine) as s:
        assert snapshot(s) == before
        seq = s.exec(select(AuditRecord.seq).order_by(AuditRecord.seq.desc())).first()
    # Once is enough: the same document again changes nothing.
    result = runner.invoke(args=["import", "document", str(path), "--as", admin.email])
    assert result.exit_code == 0 and "already imported: nothing changed" in result.output
    with Session(second_engine) as s:
        assert s.exec(select(AuditRecord.seq).order_by(AuditRecord.seq.desc())).first() == seq


def test_a_draft_or_a_file_that_is_no_eia_is_refused_in_words(two, tmp_path):
    (first, first_engine), (second, _engine) = two
    doc = _export(first, first_engine)
    doc["state"], doc["state_label"] = "draft", "Draft"
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(doc))
    result = second.test_cli_runner().invoke(args=["import", "document", str(path), "--dry-run"])
    assert result.exit_code == 1
    assert "only an approved, under review or archived EIA is a record to import" in result.output
    path.write_text('{"schema": "something/2"}')
    result = second.test_cli_runner().invoke(args=["import", "document", str(path), "--dry-run"])
    assert result.exit_code == 2 and "not an EIA exported as eia-document/1" in result.output
