"""The privacy notice and the accessibility statement: open to all, in every page's footer,
the notice showing the retention periods in force; pseudonymising from the admin pages only
after a confirmation, and never oneself."""

from eia.models import User

from .support.people import sign_in


def test_pages_are_public_and_in_every_footer(app, client, signed_in):
    client.post("/sign-out")
    anonymous = app.test_client()
    for path in ("/sign-in", "/public/register", "/privacy", "/accessibility"):
        html = anonymous.get(path).get_data(as_text=True)
        assert 'href="/privacy">Privacy notice</a>' in html, path
        assert 'href="/accessibility">Accessibility statement</a>' in html, path
    statement = anonymous.get("/accessibility").get_data(as_text=True)
    for section in (
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Technical information about this website’s accessibility",
        "Compliance status",
        "Non-accessible content",
        "Disproportionate burden",
        "What we’re doing to improve accessibility",
        "Preparation of this accessibility statement",
    ):
        assert section in statement, section


def test_privacy_notice_shows_the_schedule_in_force(app):
    app.config.update(RETENTION_LOGIN_ATTEMPT_DAYS=45, RETENTION_PSEUDONYMISE_AFTER_DAYS=0)
    html = app.test_client().get("/privacy").get_data(as_text=True)
    assert "sign-in attempts: 45 days" in html
    assert "without use your name and email address are replaced" not in html
    app.config["RETENTION_PSEUDONYMISE_AFTER_DAYS"] = 800
    html = app.test_client().get("/privacy").get_data(as_text=True)
    assert "after 800 days without use your name and email address are replaced" in html


def test_pseudonymising_needs_a_confirmation_and_never_oneself(client, make, db):
    admin, leaver = make.user("admin"), make.user("officer", name="Pat Leaver")
    db.commit()
    sign_in(client, admin)
    page = client.get(f"/admin/users/{leaver.id}").get_data(as_text=True)
    assert f'href="/admin/users/{leaver.id}/pseudonymise"' in page
    unconfirmed = client.post(f"/admin/users/{leaver.id}/pseudonymise", data={})
    assert unconfirmed.status_code == 400
    assert "Tick to confirm" in unconfirmed.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, leaver.id).name == "Pat Leaver"
    done = client.post(f"/admin/users/{leaver.id}/pseudonymise", data={"understood": "y"})
    assert done.status_code == 302
    db.expire_all()
    assert db.get(User, leaver.id).name == f"Former member of staff {leaver.id}"
    again = client.get(f"/admin/users/{leaver.id}/pseudonymise").get_data(as_text=True)
    assert "already pseudonymised" in again
    mine = client.post(f"/admin/users/{admin.id}/pseudonymise", data={"understood": "y"})
    assert mine.status_code == 400 and "cannot pseudonymise yourself" in mine.get_data(True)
    db.expire_all()
    assert db.get(User, admin.id).active
