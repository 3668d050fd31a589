"""The `eia` command line: people, migrations, and clear errors instead of tracebacks."""

import sqlalchemy as sa
from sqlmodel import select

from eia.models import User
from eia.passwords import verify_password


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_create_officer(app, make, db):
    service = make.service(name="Traffic and Parking")
    db.commit()
    result = invoke(app, "users", "create", "--email", "Ola@Example.gov.uk", "--name",
                    "Ola Officer", "--role", "officer", "--service", "Traffic and Parking",
                    "--password", "correct horse battery")
    assert result.exit_code == 0, result.output
    assert "Created officer Ola Officer <ola@example.gov.uk>" in result.output
    user = db.exec(select(User).where(User.email == "ola@example.gov.uk")).one()
    assert user.service_id == service.id
    assert verify_password(user.password_hash, "correct horse battery")
    assert "correct horse" not in user.password_hash


def test_create_user_errors_say_what_to_do(app, make, db):
    make.user("officer")
    db.commit()
    cases = [
        (["--role", "officer", "--password", "long enough password"],
         "An officer belongs to a service: give --service."),
        (["--role", "officer", "--service", "Nowhere", "--password", "long enough password"],
         "There is no service called “Nowhere”."),
        (["--role", "approver", "--password", "long enough password"],
         "give --directorate"),
        (["--role", "admin", "--password", "short"],
         "at least 12 characters"),
    ]
    for extra, message in cases:
        result = invoke(app, "users", "create", "--email", "x@example.gov.uk", "--name", "X",
                        *extra)
        assert result.exit_code == 2, result.output
        assert message in result.output
        assert "Traceback" not in result.output


def test_duplicate_email_is_refused(app, make, db):
    existing = make.user("admin")
    db.commit()
    result = invoke(app, "users", "create", "--email", existing.email, "--name", "Again",
                    "--role", "admin", "--password", "long enough password")
    assert result.exit_code == 2
    assert "already a user with the email" in result.output


def test_db_upgrade_makes_the_schema_on_an_empty_database(tmp_path):
    from eia import create_app

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    app = create_app({"DATABASE_URL": url, "CELERY_BROKER_URL": "memory://"})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Database at revision" in result.output
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        chars = conn.execute(sa.text("SELECT count(*) FROM characteristic")).scalar()
    assert {"eia", "audit_record", "audit_chain", "sign_off", "action_item"} <= tables
    assert chars == 10


def test_rebuild_summaries_works_them_out_again_from_the_audit_trail(tmp_path):
    from sqlmodel import Session, select

    from eia import create_app
    from eia.models import Eia, EiaDecision, StageSpell

    from .factories import Factories

    url = f"sqlite:///{tmp_path / 'summaries.db'}"
    app = create_app({"DATABASE_URL": url, "CELERY_BROKER_URL": "memory://"})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    engine = sa.create_engine(url)
    with Session(engine) as session:
        make = Factories(session)
        make.eia("approved")
        session.commit()
        kept = [(s.stage, s.entered_seq) for s in session.exec(
            select(StageSpell).order_by(StageSpell.entered_seq))]
        session.execute(sa.delete(StageSpell))
        session.execute(sa.update(Eia).values(ever_fully_assessed=False))
        session.execute(sa.delete(EiaDecision))
        session.commit()
    result = runner.invoke(args=["db", "rebuild-summaries"])
    assert result.exit_code == 0, result.output
    assert "Rebuilt" in result.output
    with Session(engine) as session:
        assert [(s.stage, s.entered_seq) for s in session.exec(
            select(StageSpell).order_by(StageSpell.entered_seq))] == kept
        eia = session.exec(select(Eia)).one()
        assert eia.ever_fully_assessed
        decision = session.exec(select(EiaDecision)).one()
        assert (decision.version, decision.late) == (1, False)
        assert decision.signed_off_at is not None
    assert [stage for stage, _ in kept] == ["draft", "screening", "full_assessment",
                                            "awaiting_sign_off", "approved"]
    engine.dispose()
