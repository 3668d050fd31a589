"""The `eia` command line: people, migrations, and clear errors instead of tracebacks."""

import pytest
import sqlalchemy as sa
from sqlmodel import select

from eia.models import User
from eia.passwords import verify_password


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_create_officer(app, make, db):
    service = make.service(name="Traffic and Parking")
    db.commit()
    result = invoke(
        app,
        "users",
        "create",
        "--email",
        "Ola@Example.gov.uk",
        "--name",
        "Ola Officer",
        "--role",
        "officer",
        "--service",
        "Traffic and Parking",
        "--password",
        "correct horse battery",
    )
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
        (
            ["--role", "officer", "--password", "long enough password"],
            "An officer belongs to a service: give --service.",
        ),
        (
            ["--role", "officer", "--service", "Nowhere", "--password", "long enough password"],
            "There is no service called “Nowhere”.",
        ),
        (["--role", "approver", "--password", "long enough password"], "give --directorate"),
        (["--role", "admin", "--password", "short"], "at least 12 characters"),
    ]
    for extra, message in cases:
        result = invoke(
            app, "users", "create", "--email", "x@example.gov.uk", "--name", "X", *extra
        )
        assert result.exit_code == 2, result.output
        assert message in result.output
        assert "Traceback" not in result.output


def test_duplicate_email_is_refused(app, make, db):
    existing = make.user("admin")
    db.commit()
    result = invoke(
        app,
        "users",
        "create",
        "--email",
        existing.email,
        "--name",
        "Again",
        "--role",
        "admin",
        "--password",
        "long enough password",
    )
    assert result.exit_code == 2
    assert "already a user with the email" in result.output


@pytest.mark.slow  # every migration, from nothing
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


@pytest.mark.slow  # every migration, from nothing
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
        kept = [
            (s.stage, s.entered_seq)
            for s in session.exec(select(StageSpell).order_by(StageSpell.entered_seq))
        ]
        session.execute(sa.delete(StageSpell))
        session.execute(sa.update(Eia).values(ever_fully_assessed=False))
        session.execute(sa.delete(EiaDecision))
        session.commit()
    result = runner.invoke(args=["db", "rebuild-summaries"])
    assert result.exit_code == 0, result.output
    assert "Rebuilt" in result.output
    with Session(engine) as session:
        assert [
            (s.stage, s.entered_seq)
            for s in session.exec(select(StageSpell).order_by(StageSpell.entered_seq))
        ] == kept
        eia = session.exec(select(Eia)).one()
        assert eia.ever_fully_assessed
        decision = session.exec(select(EiaDecision)).one()
        assert (decision.version, decision.late) == (1, False)
        assert decision.signed_off_at is not None
    assert [stage for stage, _ in kept] == [
        "draft",
        "screening",
        "full_assessment",
        "awaiting_sign_off",
        "approved",
    ]
    engine.dispose()


# --- the reminder sweep on another day ------------------------------------------------------


def _counts(db) -> tuple:
    from sqlmodel import func

    from eia.models import AuditRecord, Eia, OutboxEmail

    db.expire_all()
    return (
        db.exec(select(func.count()).select_from(AuditRecord)).one(),
        db.exec(select(func.count()).select_from(OutboxEmail)).one(),
        tuple(db.exec(select(Eia.status).order_by(Eia.id)).all()),
    )


def _a_future_working_day():
    from datetime import timedelta

    from eia.models import london_date, utcnow
    from notifications.calendar import working_day_on_or_after

    return working_day_on_or_after(london_date(utcnow()) + timedelta(days=40))


def _due_then(make, db, day):
    """An approved EIA whose review falls on ``day``, and one not signed off whose decision
    is that day (an urgent reminder to its owner and approver)."""
    review = make.eia("approved", title="Review then")
    review.review_date = day
    db.add(review)
    near = make.eia("full_assessment", title="Decided then", decision_date=day)
    db.commit()
    return review, near


def test_a_future_date_is_refused_and_nothing_is_written(app, make, db):
    day = _a_future_working_day()
    _due_then(make, db, day)
    before = _counts(db)
    result = invoke(app, "reminders", "sweep", "--date", day.isoformat())
    assert result.exit_code == 2, result.output
    assert f"{day.isoformat()} is in the future" in result.output
    assert "add --dry-run" in result.output and "Traceback" not in result.output
    assert _counts(db) == before


def test_dry_run_lists_what_the_sweep_would_do_that_day_and_writes_nothing(app, make, db):
    from eia import audit

    day = _a_future_working_day()
    review, near = _due_then(make, db, day)
    before = _counts(db)
    result = invoke(app, "reminders", "sweep", "--date", day.isoformat(), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "nothing was written" in result.output
    assert "would start 1 review:" in result.output and review.reference in result.output
    lines = result.output.splitlines()
    assert any(
        line.strip().startswith("start_review to " + review.owner.email)
        and "Review due now" in line
        for line in lines
    ), result.output
    assert any(
        line.strip().startswith("decision_near to " + near.owner.email)
        and "(urgent, at once)" in line
        and near.reference in line
        for line in lines
    ), result.output
    assert _counts(db) == before  # no audit record, no email, no review started
    assert audit.verify(db).ok


def test_a_past_date_still_sweeps_as_before(app, make, db):
    from datetime import timedelta

    from eia.models import london_date, utcnow
    from notifications.calendar import working_day_on_or_after

    day = working_day_on_or_after(london_date(utcnow()) - timedelta(days=20))
    if day > london_date(utcnow()):
        day = london_date(utcnow())
    review = make.eia("approved")
    review.review_date = day
    db.add(review)
    db.commit()
    result = invoke(app, "reminders", "sweep", "--date", day.isoformat())
    assert result.exit_code == 0, result.output
    assert "Started 1 review;" in result.output
    db.refresh(review)
    assert review.status == "under_review"


def test_a_date_that_is_no_date_is_refused_plainly(app):
    result = invoke(app, "reminders", "sweep", "--date", "2027-02-30")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--date" in result.output
