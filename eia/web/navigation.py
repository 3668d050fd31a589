"""The service navigation: what the signed-in person's role lets them reach."""

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from eia.models.enums import Role

# (endpoint, words, roles that see it; None = everyone signed in)
ITEMS = (
    ("pages.index", "All EIAs", None),
    ("signoff.my_eias", "My EIAs", (Role.officer, Role.approver)),
    ("journey.new_eia", "Start an EIA", (Role.officer, Role.approver)),
    ("signoff.inbox", "Sign-off", (Role.approver,)),
    ("admin.index", "Manage", (Role.admin, Role.equality_officer)),
    ("dashboard.index", "Dashboard", (Role.equality_officer, Role.admin)),  # the PEU's dashboard
    ("audit.search", "Audit", (Role.equality_officer, Role.admin)),  # audit trail page
    ("notifications.failed", "Failed emails", (Role.admin,)),
    ("mailbox.inbox", "Mailbox", None),  # only in embedded mode (no SMTP_HOST)
    ("notifications.preferences", "Email preferences", None),
)


def navigation_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    return [
        {"href": url_for(endpoint), "text": words,
         "active": request.endpoint == endpoint
         or (endpoint == "admin.index" and request.blueprint == "admin")}
        for endpoint, words, roles in ITEMS
        if endpoint in current_app.view_functions and (roles is None or current_user.role in roles)
    ]


def init_navigation(app: Flask) -> None:
    app.add_template_global(navigation_items)
