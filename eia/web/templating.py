"""Jinja: the project's templates first, then the GOV.UK Frontend macros; filters."""

from flask import Flask
from flask_login import current_user
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from eia.capabilities import Capability, may
from eia.dates import long_date
from eia.scoring import bands_in_words
from eia.words import plural
from workflows.lifecycle import SECTIONS, STATES, state

from .labels import TAG_CLASSES, label


def init_templating(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    # {% do list.append(...) %}: the dashboard builds a table's rows, then one macro draws it.
    app.jinja_env.add_extension("jinja2.ext.do")
    app.add_template_filter(long_date)
    app.add_template_filter(label)
    app.add_template_filter(plural)
    app.add_template_global(TAG_CLASSES, "tag_classes")
    app.add_template_global(STATES, "states")
    app.add_template_global(state, "state")  # {% if state(eia.status).in_force %}
    # {{ section_titles.actions }}: a section's heading is its lifecycle record's title
    app.add_template_global(SECTIONS, "section_titles")
    # {% if may("sign_off") %}: what the signed-in person may do (eia/capabilities.py)
    app.add_template_global(lambda capability: may(current_user, Capability(capability)), "may")
    # "1 or 2 negligible, 3 or 4 low, 6, 8 or 9 medium, 12 or 16 high"
    app.add_template_global(bands_in_words(), "score_bands")
