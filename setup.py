"""The wheel carries what the installed product reads but keeps outside its packages.

Everything else about the build is in pyproject.toml. The top-level ``templates/`` folder
and GOV.UK Frontend (installed by npm into ``node_modules/``) are not Python packages, so
building a wheel copies them into ``eia/bundled/``, where eia/paths.py looks when the
product is installed:

- ``templates/``                      -> ``eia/bundled/templates/``
- of ``node_modules/govuk-frontend/``: its ``package.json`` and ``README.md`` (version and
  licence), and of ``dist/govuk/`` only what the app serves (the compiled CSS and
  JavaScript with their source maps, and ``assets/``: fonts, images, manifest)
                                      -> ``eia/bundled/govuk-frontend/``

So run ``npm ci`` (``make frontend``) before ``pip wheel .``; without it the build stops
and says so. An editable install (``make setup``) copies nothing: a checkout reads these
where they are. MANIFEST.in puts the same files in an sdist, so a wheel built from the
sdist carries them too. Nothing from npm's devDependencies (axe-core, oidc-provider: test
tools) goes in.
"""

import json
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.errors import FileError

HERE = Path(__file__).resolve().parent
GOVUK = Path("node_modules") / "govuk-frontend"
GOVUK_FILES = [
    "package.json",
    "README.md",
    "dist/govuk/govuk-frontend.min.css",
    "dist/govuk/govuk-frontend.min.css.map",
    "dist/govuk/govuk-frontend.min.js",
    "dist/govuk/govuk-frontend.min.js.map",
]
GOVUK_TREES = ["dist/govuk/assets"]


def _govuk_frontend() -> Path:
    """node_modules/govuk-frontend, checked to be the version package.json asks for (the
    templates' macros, from govuk-frontend-jinja, are written for that one)."""
    source = HERE / GOVUK
    wanted = json.loads((HERE / "package.json").read_text())["dependencies"]["govuk-frontend"]
    try:
        found = json.loads((source / "package.json").read_text())["version"]
    except FileNotFoundError:
        raise FileError(
            f"GOV.UK Frontend is not in {GOVUK}: run `npm ci` (`make frontend`) "
            "before building the wheel, which carries its CSS, JavaScript and "
            "assets."
        ) from None
    if found != wanted:
        raise FileError(
            f"{GOVUK} holds GOV.UK Frontend {found} but package.json asks for "
            f"{wanted}: run `npm ci` (`make frontend`) again."
        )
    return source


class BuildPy(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        source = _govuk_frontend()
        bundled = Path(self.build_lib) / "eia" / "bundled"
        # Afresh each time: build/ outlives a build, and a template deleted since must not
        # linger in the next wheel.
        shutil.rmtree(bundled, ignore_errors=True)
        skip = shutil.ignore_patterns(".*", "*~", "__pycache__")
        shutil.copytree(HERE / "templates", bundled / "templates", ignore=skip)
        target = bundled / "govuk-frontend"
        for name in GOVUK_FILES:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, target / name)
        for name in GOVUK_TREES:
            shutil.copytree(source / name, target / name, ignore=skip)
        self.announce(f"copied templates/ and GOV.UK Frontend into {bundled}", level=2)


setup(cmdclass={"build_py": BuildPy})
