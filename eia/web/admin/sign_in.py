"""Sign-in (admins only): the settings for signing in with the council's account, and the
mapping of Entra app roles and groups to roles and teams, with its export and import.
Every change is an audited operation of eia/admin_operations.py."""

import json

import sqlalchemy as sa
from flask import Response, current_app, redirect, render_template, url_for
from wtforms.fields.choices import SelectChoice

from eia import admin_operations as admin_ops
from eia.db import get_session
from eia.models import ClaimMapping
from eia.models.enums import ROLE_LABELS
from eia.queries.org import (
    directorates_by_id,
    directorates_in_order,
    services_by_id,
    services_in_order,
)
from eia.queries.sign_in import claim_mappings, mapping_taken
from eia.sso import settings
from eia.sso.mapping import KINDS, ImportError_, export, parse_import
from forms.sign_in_admin import ImportMappingsForm, MappingForm, SignInSettingsForm

from .common import admin, admins_only, done, get_or_404, me

MAPPED_TWICE = "This app role or group is already mapped: change that mapping instead"
MAX_IMPORT_BYTES = 1_000_000


def _page(form, status=200):
    db = get_session()
    mappings = claim_mappings(db)
    services = services_by_id(db)
    directorates = directorates_by_id(db)
    config = current_app.config
    return render_template(
        "admin/sign_in.html",
        form=form,
        mappings=mappings,
        services=services,
        directorates=directorates,
        kinds=KINDS,
        roles=ROLE_LABELS,
        configured=settings.oidc_configured(),
        issuer=config.get("OIDC_ISSUER"),
        client_id=config.get("OIDC_CLIENT_ID"),
        tenant=config.get("OIDC_TENANT_ID"),
        env_off=settings.passwords_switched_off_by_environment(),
    ), status


@admin.route("/sign-in", methods=["GET", "POST"])
def sign_in_settings():
    admins_only()
    db = get_session()
    form = SignInSettingsForm(data={key: settings.get(db, key) for key in settings.DEFAULTS})
    if form.validate_on_submit():
        changed = [
            settings.LABELS[key]
            for key in settings.DEFAULTS
            if admin_ops.set_setting(
                db, me(), key, getattr(form, key).data, default=settings.DEFAULTS[key]
            )
        ]
        db.commit()
        done(
            "Sign-in settings saved"
            + (f": {', '.join(changed)} changed" if changed else ": nothing had changed")
        )
        return redirect(url_for("admin.sign_in_settings"))
    return _page(form, 400 if form.errors else 200)


def _set_choices(form) -> None:
    db = get_session()
    services = services_in_order(db)
    form.service_id.choices = [SelectChoice("", "None")] + [
        SelectChoice(str(s.id), f"{s.name} ({s.directorate.name})") for s in services
    ]
    form.directorate_id.choices = [SelectChoice("", "None")] + [
        SelectChoice(str(d.id), d.name) for d in directorates_in_order(db)
    ]


def _values(form) -> dict:
    return {
        "kind": form.kind.data,
        "value": form.value.data,
        "role": form.role.data,
        "service_id": form.service_id.data,
        "directorate_id": form.directorate_id.data,
    }


def _words(values: dict) -> str:
    return f"{KINDS[values['kind']].lower()} {values['value']}"


@admin.route("/sign-in/mappings/new", methods=["GET", "POST"])
def new_mapping():
    admins_only()
    db = get_session()
    form = MappingForm()
    _set_choices(form)
    if form.validate_on_submit():
        if mapping_taken(db, form.kind.data, form.value.data):
            form.value.errors.append(MAPPED_TWICE)
        else:
            try:
                admin_ops.create_claim_mapping(db, me(), **_values(form))
                db.commit()
            except sa.exc.IntegrityError:  # someone added the same one a moment ago
                db.rollback()
                form.value.errors.append(MAPPED_TWICE)
            else:
                done(f"Mapping for {_words(_values(form))} added")
                return redirect(url_for("admin.sign_in_settings"))
    return render_template(
        "admin/mapping_form.html", form=form, mapping=None
    ), 400 if form.errors else 200


@admin.route("/sign-in/mappings/<int:mapping_id>", methods=["GET", "POST"])
def edit_mapping(mapping_id: int):
    admins_only()
    db = get_session()
    mapping = get_or_404(ClaimMapping, mapping_id)
    form = MappingForm(obj=mapping)
    _set_choices(form)
    if form.validate_on_submit():
        if mapping_taken(db, form.kind.data, form.value.data, except_id=mapping.id):
            form.value.errors.append(MAPPED_TWICE)
        else:
            changed = admin_ops.update_claim_mapping(db, me(), mapping, **_values(form))
            db.commit()
            done(
                f"Mapping for {_words(_values(form))} "
                + ("changed" if changed else "saved: nothing had changed")
            )
            return redirect(url_for("admin.sign_in_settings"))
    return render_template(
        "admin/mapping_form.html", form=form, mapping=mapping
    ), 400 if form.errors else 200


@admin.post("/sign-in/mappings/<int:mapping_id>/delete")
def delete_mapping(mapping_id: int):
    admins_only()
    db = get_session()
    mapping = get_or_404(ClaimMapping, mapping_id)
    words = _words({"kind": mapping.kind, "value": mapping.value})
    admin_ops.delete_claim_mapping(db, me(), mapping)
    db.commit()
    done(f"Mapping for {words} removed")
    return redirect(url_for("admin.sign_in_settings"))


@admin.get("/sign-in/mappings.json")
def export_mappings():
    admins_only()
    body = json.dumps(export(get_session()), indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="sign-in-mappings.json"',
            "Cache-Control": "no-store",
        },
    )


@admin.route("/sign-in/mappings/import", methods=["GET", "POST"])
def import_mappings():
    admins_only()
    db = get_session()
    form = ImportMappingsForm()
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read(MAX_IMPORT_BYTES + 1) if hasattr(upload, "read") else b""
        try:
            if not raw:
                raise ImportError_("Choose a file of sign-in mappings to import")
            if len(raw) > MAX_IMPORT_BYTES:
                raise ImportError_("The file must be smaller than 1 MB")
            try:
                document = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise ImportError_(
                    "The file is not an export of sign-in mappings: choose "
                    "a file downloaded from the sign-in page"
                ) from exc
            rows = parse_import(db, document)
        except ImportError_ as problem:
            form.file.errors = [str(problem)]
        else:
            count = admin_ops.replace_claim_mappings(db, me(), rows)
            db.commit()
            done(
                f"{count} mapping{'' if count == 1 else 's'} imported: they replace the "
                "ones there were"
            )
            return redirect(url_for("admin.sign_in_settings"))
    return render_template("admin/mapping_import.html", form=form), 400 if form.errors else 200
