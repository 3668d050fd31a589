"""The layers: nothing below the web layer imports it, and the web layer, the forms, the
notifications and the lifecycle's actor rules ask eia/capabilities.py who may do what
instead of comparing roles themselves."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("eia", "forms", "workflows", "notifications")


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def _imports(module: str, path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function, relative ones
    resolved."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join([*base, node.module] if node.module else base)
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def test_nothing_outside_the_web_layer_imports_it():
    offenders = {
        module: sorted(
            name
            for name in _imports(module, path)
            if name == "eia.web" or name.startswith("eia.web.")
        )
        for module, path in _modules()
        if not module.startswith("eia.web") and module != "eia.app"  # the app wires it in
    }
    assert {m: names for m, names in offenders.items() if names} == {}


def test_the_import_walk_finds_relative_and_lazy_imports():
    tree = {module: path for module, path in _modules()}
    found = _imports("eia.web.pages", tree["eia.web.pages"])
    assert "eia.web.loading" in found  # from .loading import load_viewable
    assert "eia.web.loading.load_viewable" in found
    assert "eia.web" in _imports("eia.app", tree["eia.app"])  # inside create_app


# Where roles are asked for by name: who may do what is eia/capabilities.py's to say.
ROLES_ASKED_IN = ("eia.web", "forms", "notifications", "workflows")


def test_the_web_layer_compares_no_roles():
    """Who may do what is eia/capabilities.py's to say: no ``Role.x`` in eia/web, the
    forms, the notifications (who gets which email) or the lifecycle's actor rules."""
    found = []
    for module, path in _modules():
        if not module.startswith(ROLES_ASKED_IN):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "Role"
            ):
                found.append(f"{module}:{node.lineno}")
    assert found == []
