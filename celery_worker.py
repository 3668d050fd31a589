"""``celery -A celery_worker worker -B``: the app's Celery, with tasks in the app context."""

from eia import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
