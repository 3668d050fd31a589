"""Importing a council's register of EIAs (Manage > Import a register; administrators).

Upload the file, choose which column holds each field (guessed from the headers), see the
dry run (every row's problems, or what will be imported), then import: one operation
(eia.imports.register), committed once. A file with any problem imports nothing."""

import sqlalchemy as sa
from flask import abort, redirect, render_template, url_for

from eia.db import get_session
from eia.imports import register, uploads
from eia.imports.register import FIELDS, FileRefused
from eia.imports.table import MAX_BYTES
from forms.imports import ImportForm, UploadRegisterForm, columns_form

from .common import admin, admins_only, done, me

SHOWN = 500  # problems (and EIAs to import) listed on the page; the count says the rest


@admin.route("/import", methods=["GET", "POST"])
def import_register():
    admins_only()
    form = UploadRegisterForm()
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read(MAX_BYTES + 1) if hasattr(upload, "read") else b""
        filename = getattr(upload, "filename", "") or ""
        try:
            if not content:
                raise FileRefused("Choose the register's CSV or Excel file")
            table = register.read(filename, content)
        except FileRefused as problem:
            form.file.errors = [str(problem)]
        else:
            db = get_session()
            kept = uploads.keep(db, me(), filename, content, table)
            db.commit()
            return redirect(url_for("admin.import_columns", upload_id=kept.id))
    return render_template("admin/import_upload.html", form=form), 400 if form.errors else 200


def _upload_and_table(upload_id: int):
    db = get_session()
    upload = uploads.find(db, upload_id)
    if upload is None:
        abort(404)
    return db, upload, uploads.table_of(upload)


@admin.route("/import/<int:upload_id>/columns", methods=["GET", "POST"])
def import_columns(upload_id: int):
    admins_only()
    db, upload, table = _upload_and_table(upload_id)
    Form = columns_form(table.columns)
    chosen = upload.mapping or register.guess_mapping(table.columns)
    form = Form(data={k: v for k, v in chosen.items()})
    if form.validate_on_submit():
        uploads.set_mapping(db, upload, form.mapping())
        db.commit()
        return redirect(url_for("admin.import_check", upload_id=upload.id))
    return render_template(
        "admin/import_columns.html",
        form=form,
        upload=upload,
        table=table,
        fields=FIELDS,
        guessed=upload.mapping is None,
    ), 400 if form.errors else 200


@admin.route("/import/<int:upload_id>/check", methods=["GET", "POST"])
def import_check(upload_id: int):
    admins_only()
    db, upload, table = _upload_and_table(upload_id)
    if upload.mapping is None:
        return redirect(url_for("admin.import_columns", upload_id=upload.id))
    mapping = {k: upload.mapping.get(k) for k in (f.key for f in FIELDS)}
    plan = register.check(db, table, mapping)
    form = ImportForm()
    if form.validate_on_submit() and plan.ok and upload.imported_at is None:
        try:
            result = register.import_register(
                db, me(), plan, filename=upload.filename, content=upload.content
            )
            uploads.mark_imported(db, upload)
            db.commit()
        except sa.exc.IntegrityError:  # the same references imported a moment ago
            db.rollback()
            plan = register.check(db, table, mapping)
        else:
            done(
                f"{result.eias} EIA{'' if result.eias == 1 else 's'} imported from "
                f"{upload.filename}; {result.people} "
                f"{'person' if result.people == 1 else 'people'} added, inactive; "
                f"{result.unchanged} already imported left as they were"
            )
            return redirect(url_for("admin.import_check", upload_id=upload.id))
    return render_template(
        "admin/import_check.html",
        form=form,
        upload=upload,
        table=table,
        plan=plan,
        shown=SHOWN,
        services=register.service_names(db),
    ), 200
