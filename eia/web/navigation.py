"""The service navigation: what the signed-in person's role lets them reach."""

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from eia.capabilities import Capability, may

# (endpoint, words, the capability it needs (eia/capabilities.py); None = everyone signed in)
ITEMS = (
    ("pages.index", "All EIAs", None),
    ("signoff.my_eias", "My EIAs", Capability.start_eias),
    ("journey.new_eia", "Start an EIA", Capability.start_eias),
    ("signoff.inbox", "Sign-off", Capability.sign_off),
    ("admin.index", "Manage", Capability.manage),
    ("dashboard.index", "Dashboard", Capability.dashboard),  # the PEU's dashboard
    ("audit.search", "Audit", Capability.audit),  # audit trail page
    ("notifications.failed", "Failed emails", Capability.administer),
    ("mailbox.inbox", "Mailbox", None),  # only in embedded mode (no SMTP_HOST)
    ("notifications.preferences", "Email preferences", None),
)


def navigation_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    return [
        {
            "href": url_for(endpoint),
            "text": words,
            "active": request.endpoint == endpoint
            or (endpoint == "admin.index" and request.blueprint == "admin"),
        }
        for endpoint, words, needs in ITEMS
        if endpoint in current_app.view_functions and (needs is None or may(current_user, needs))
    ]


def init_navigation(app: Flask) -> None:
    app.add_template_global(navigation_items)
