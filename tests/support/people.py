"""Signing people in on the test client, and the fixtures for a signed-in officer and for
people with a password (registered in tests/conftest.py)."""

import pytest

PASSWORD = "a long enough password"


def sign_in(client, user) -> None:
    """Sign ``user`` in on ``client`` the way Flask-Login remembers a signed-in person (with
    their session generation, which the app checks on every request)."""
    from eia.web.auth import SESSION_GENERATION

    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = str(user.id)
        flask_session["_fresh"] = True
        flask_session[SESSION_GENERATION] = user.session_generation


@pytest.fixture
def officer(make):
    """An officer of a service, Olu Officer."""
    return make.user("officer", name="Olu Officer")


@pytest.fixture
def signed_in(client, officer):
    """The test client, with ``officer`` signed in."""
    sign_in(client, officer)
    return client


@pytest.fixture
def person(make, db):
    """person(role="officer", **kw) -> a new user who signs in with ``PASSWORD``."""
    from eia.passwords import hash_password

    def _person(role="officer", **kw):
        user = make.user(role, **kw)
        user.password_hash = hash_password(PASSWORD)
        db.add(user)
        db.commit()
        return user

    return _person
