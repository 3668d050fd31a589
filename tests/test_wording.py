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
