"""The scheduled review sweep, called the way Celery beat calls it (inside the app)."""

from datetime import date, timedelta

from notifications.tasks import start_due_reviews


def test_beat_schedule_runs_the_review_sweep(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["start-due-reviews"]["task"] == start_due_reviews.name


def test_task_moves_due_reviews_once(app, make, db):
    due = make.eia("approved")
    due.review_date = date.today() - timedelta(days=2)
    db.add(due)
    db.commit()
    with app.app_context():
        assert start_due_reviews.run() == [due.reference]
        assert start_due_reviews.run() == []
    db.refresh(due)
    assert due.status == "under_review"
    assert due.reviews == []  # the sweep only opens the review; people confirm or revise


def test_cli_starts_due_reviews(app, make, db):
    due = make.eia("approved")
    due.review_date = date.today()
    db.add(due)
    db.commit()
    result = app.test_cli_runner().invoke(args=["reviews", "start-due"])
    assert result.exit_code == 0, result.output
    assert f"Started 1 review: {due.reference}" in result.output
