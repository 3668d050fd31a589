"""The web modules build no query of their own: what a page reads is a named function of
eia/queries (the read side, next to eia/operations.py, the write side), so each query is
written once, with the eager loads its page needs, and can be read and tested apart from
Flask."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "eia" / "web"

# Modules under eia/web that may still query, and why. Keep it empty: a page's reads go in
# eia/queries (or eia/reporting for the dashboard's figures).
ALLOWED: set[str] = set()


def queries_in(source: str) -> list[tuple[int, str]]:
    """(line, what) for each ``select(...)``, ``sa.select(...)``/``sqlalchemy.select(...)``
    and ``<session>.exec(...)`` call in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "select":
            found.append((node.lineno, "select("))
        elif isinstance(func, ast.Attribute) and func.attr in ("select", "exec"):
            found.append((node.lineno, f".{func.attr}("))
    return found


def test_no_module_under_eia_web_builds_a_query():
    found = []
    for path in sorted(WEB.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name in ALLOWED:
            continue
        found += [f"{name}:{line}: {what}" for line, what in queries_in(path.read_text())]
    assert found == [], "read through a named function of eia/queries instead:\n" + "\n".join(found)


def test_the_scan_finds_a_query():
    """The scan above would see one (so its passing means something)."""
    source = """
import sqlalchemy as sa
from sqlmodel import select

def page(session, user_id):
    rows = session.exec(select(User).where(User.id == user_id)).all()
    total = get_session().exec(sa.select(sa.func.count())).one()
    return rows, total
"""
    assert sorted(what for _, what in queries_in(source)) == [
        ".exec(",
        ".exec(",
        ".select(",
        "select(",
    ]
    assert queries_in("def page(session):\n    return named_query(session)\n") == []
    assert queries_in("x = selected(1)\ny = session.execute(stmt)\n") == []
