"""Background work: Celery wired into the Flask app, scheduled jobs, and (later) email."""
