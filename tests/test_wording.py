"""Words shown to people: a counted noun agrees with its number ("1 open action", "2 open
actions"), never "action(s)"."""

import io
import re
import tokenize
from pathlib import Path

from flask import render_template_string

from eia.words import plural

ROOT = Path(__file__).resolve().parent.parent
# Where the product's words are: its Python (pages, emails, commands, logs) and templates.
PYTHON = ("eia", "forms", "workflows", "notifications", "benchmarks")
TEMPLATES = ROOT / "templates"
HEDGED = re.compile(r"[A-Za-z]\((?:s|es|ies)\)")


def test_plural_agrees_with_the_number():
    assert plural(0, "action") == "0 actions"
    assert plural(1, "open action") == "1 open action"
    assert plural(2, "open action") == "2 open actions"
    assert plural(1, "person", "people") == "1 person"
    assert plural(3, "person", "people") == "3 people"


def test_templates_have_the_plural_filter(app):
    with app.app_context():
        assert (
            render_template_string('{{ 1 | plural("section") }}, {{ 8 | plural("section") }}')
            == "1 section, 8 sections"
        )


def _python_strings(path: Path):
    """Every string literal (f-strings' text too) in a Python file, with its line."""
    kinds = {tokenize.STRING} | (
        {tokenize.FSTRING_MIDDLE} if hasattr(tokenize, "FSTRING_MIDDLE") else set()
    )
    for token in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
        if token.type in kinds:
            yield token.start[0], token.string


def _template_text(path: Path) -> str:
    """A template's words: what is left once Jinja's tags, expressions and comments are
    taken out (``c.pattern_id(s)`` is code, not words)."""
    return re.sub(r"{{.*?}}|{%.*?%}|{#.*?#}", " ", path.read_text(), flags=re.S)


def test_no_words_shown_to_people_hedge_a_plural_with_brackets():
    found = []
    for folder in PYTHON:
        for path in sorted((ROOT / folder).rglob("*.py")):
            found += [
                f"{path.relative_to(ROOT)}:{line}: {text}"
                for line, text in _python_strings(path)
                if HEDGED.search(text)
            ]
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in (".html", ".txt") and HEDGED.search(_template_text(path)):
            found.append(str(path.relative_to(ROOT)))
    assert found == [], "write the plural with eia.words.plural:\n" + "\n".join(found)


def test_the_scan_finds_a_hedged_plural(tmp_path):
    """The scan above would see one (so its passing means something)."""
    sample = tmp_path / "sample.py"
    sample.write_text('message = f"Deliver your {n} action(s)."\n')
    assert [text for _, text in _python_strings(sample) if HEDGED.search(text)]
    page = tmp_path / "page.html"
    page.write_text("{{ c.pattern_id(s) }} <p>{{ n }} open action(s)</p>")
    assert HEDGED.search(_template_text(page))
    page.write_text("{{ c.pattern_id(s) }} <p>{{ n | plural('open action') }}</p>")
    assert not HEDGED.search(_template_text(page))


# --- a section's title is written once: its record in workflows/lifecycle.py ---------------

# Where a section's title stands as words of its own (a heading, a page title, a quoted
# string) but means something else: (template, section key): why.
SECTION_TITLE_ALLOWED = {
    ("partials/impacts_table.html", "evidence"): "an impact's evidence field, not the section",
    ("journey/intersectional.html", "evidence"): "the group's evidence field, not the section",
    ("journey/_assessment.html", "evidence"): "an impact's evidence field, not the section",
}


def _section_titles_written_in(text: str) -> set[str]:
    """The section keys whose title ``text`` writes out as a heading, title or string:
    between tags (``>Action plan<``), after a block tag (``%}Action plan{%``, ``%}Evidence:``)
    or quoted (``"Action plan"``). Prose that mentions a section is left alone."""
    from workflows.lifecycle import SECTION_RECORDS

    found = set()
    for s in SECTION_RECORDS:
        title = re.escape(s.title)
        if re.search(rf'(>\s*|%\}}|"){title}(\s*<|\{{%|"|:)', text):
            found.add(s.key)
    return found


def test_no_template_writes_a_section_title_out():
    """Renaming a section is one edit: templates say ``{{ section_titles.actions }}``."""
    found, allowed = [], set()
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        for key in _section_titles_written_in(path.read_text()):
            if (name, key) in SECTION_TITLE_ALLOWED:
                allowed.add((name, key))
            else:
                found.append(f"{name}: {key}")
    assert found == []
    assert allowed == set(SECTION_TITLE_ALLOWED), "an allowance no longer needed"


def test_the_scan_finds_a_section_title_written_out():
    assert _section_titles_written_in('<h2 class="x">Action plan</h2>') == {"actions"}
    assert _section_titles_written_in("{% block title %}Evidence: {{ c }}{% endblock %}") == {
        "evidence"
    }
    assert _section_titles_written_in('{{ heading("Intersectional impacts") }}') == {
        "intersectional"
    }
    assert _section_titles_written_in("<p>Screening found it relevant.</p>") == set()
    assert _section_titles_written_in("<h2>{{ section_titles.actions }}</h2>") == set()
