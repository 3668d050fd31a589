"""Background work and email: Celery wired into the Flask app (celery_app), the transactional
outbox (outbox, sending), emails about lifecycle steps (events), the reminder rules
(reminders, calendar), the daily digest (digest) and their settings (settings)."""
