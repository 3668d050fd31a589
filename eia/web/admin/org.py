"""The council's structure: directorates and their services (admins only).

Names are unique: a directorate's across the council, a service's within its directorate.
Anything in use (by a service, a person or an EIA) is never deleted: EIAs and their audit
trail refer to it. Renaming is always possible.
"""

import sqlalchemy as sa
from flask import redirect, render_template, url_for

from eia import admin_operations as admin_ops
from eia.db import get_session
from eia.models import Directorate, Service
from eia.queries.org import (
    directorate_name_taken,
    directorate_use_counts,
    directorates_with_services,
    service_name_taken,
    service_use_counts,
)
from forms.admin import DirectorateForm, ServiceForm

from .common import admin, admins_only, done, get_or_404, me


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _uses(counts: list[tuple[int, str, str]]) -> list[str]:
    return [_plural(n, one, many) for n, one, many in counts if n]


def directorate_uses(directorate: Directorate) -> list[str]:
    services, people, eias = directorate_use_counts(get_session(), directorate.id)
    return _uses(
        [(services, "service", "services"), (people, "person", "people"), (eias, "EIA", "EIAs")]
    )


def service_uses(service: Service) -> list[str]:
    people, eias = service_use_counts(get_session(), service.id)
    return _uses([(people, "person", "people"), (eias, "EIA", "EIAs")])


def _in_use_reason(name: str, uses: list[str]) -> str:
    return (
        f"You cannot delete {name} because it still has {_join(uses)}. Anything in use "
        "is kept, so that people, EIAs and the audit trail stay correct: you can rename "
        "it instead."
    )


DIRECTORATE_TAKEN = "There is already a directorate with this name"
SERVICE_TAKEN = "There is already a service with this name in this directorate"


REFUSED = object()  # what _committed returns when the database refused the change


def _committed(operation, *args):
    """Run an operation of eia/admin_operations.py as the signed-in admin and commit it
    with its audit record: the operation's result, or REFUSED (rolled back: neither the
    change nor its record) if the database refused it: a duplicate name added by someone
    a moment ago, or something the counts above do not know about still referring to a row
    being deleted."""
    db = get_session()
    try:
        result = operation(db, me(), *args)
        db.commit()
    except sa.exc.IntegrityError:
        db.rollback()
        return REFUSED
    return result


def _commit_or(form, message: str, operation, *args):
    """Commit the operation; if the database refuses a duplicate name, say so."""
    result = _committed(operation, *args)
    if result is REFUSED:
        form.name.errors.append(message)
    return result


def _render_form(
    form,
    *,
    title: str,
    caption: str,
    back: str,
    thing=None,
    uses=None,
    delete_url=None,
    problem=None,
    status=None,
):
    status = status or (400 if form.errors or problem else 200)
    return render_template(
        "admin/name_form.html",
        form=form,
        title=title,
        caption=caption,
        back=back,
        thing=thing,
        delete_url=delete_url,
        problem=problem,
        in_use=_in_use_reason(thing, uses) if uses else None,
    ), status


@admin.get("/directorates")
def directorates():
    admins_only()
    return render_template(
        "admin/directorates.html", directorates=directorates_with_services(get_session())
    )


@admin.route("/directorates/new", methods=["GET", "POST"])
def new_directorate():
    admins_only()
    form = DirectorateForm()
    if form.validate_on_submit():
        if directorate_name_taken(get_session(), form.name.data):
            form.name.errors.append(DIRECTORATE_TAKEN)
        else:
            directorate = _commit_or(
                form, DIRECTORATE_TAKEN, admin_ops.create_directorate, form.name.data
            )
            if directorate is not REFUSED:
                done(f"Directorate {directorate.name} added")
                return redirect(url_for("admin.directorates"))
    return _render_form(
        form,
        title="Add a directorate",
        caption="Directorates and services",
        back=url_for("admin.directorates"),
    )


def _directorate_page(directorate, form, problem=None, status=None):
    uses = directorate_uses(directorate)
    return _render_form(
        form,
        title=f"Rename {directorate.name}",
        caption="Directorates and services",
        back=url_for("admin.directorates"),
        thing=directorate.name,
        uses=uses,
        delete_url=url_for("admin.delete_directorate", directorate_id=directorate.id),
        problem=problem,
        status=status,
    )


@admin.route("/directorates/<int:directorate_id>", methods=["GET", "POST"])
def edit_directorate(directorate_id: int):
    admins_only()
    directorate = get_or_404(Directorate, directorate_id)
    form = DirectorateForm(obj=directorate)
    if form.validate_on_submit():
        if directorate_name_taken(get_session(), form.name.data, except_id=directorate.id):
            form.name.errors.append(DIRECTORATE_TAKEN)
        else:
            old = directorate.name
            renamed = _commit_or(
                form, DIRECTORATE_TAKEN, admin_ops.rename_directorate, directorate, form.name.data
            )
            if renamed is not REFUSED:
                done(
                    f"Directorate {old} renamed to {directorate.name}"
                    if renamed
                    else f"Directorate {directorate.name} saved: the name had not changed"
                )
                return redirect(url_for("admin.directorates"))
            directorate = get_or_404(Directorate, directorate_id)
    return _directorate_page(directorate, form)


@admin.post("/directorates/<int:directorate_id>/delete")
def delete_directorate(directorate_id: int):
    admins_only()
    directorate = get_or_404(Directorate, directorate_id)
    uses = directorate_uses(directorate)
    if uses:
        return _directorate_page(
            directorate,
            DirectorateForm(formdata=None, obj=directorate),
            problem=_in_use_reason(directorate.name, uses),
            status=409,
        )
    name = directorate.name
    if _committed(admin_ops.delete_directorate, directorate) is REFUSED:
        directorate = get_or_404(Directorate, directorate_id)
        return _directorate_page(
            directorate,
            DirectorateForm(formdata=None, obj=directorate),
            problem=_in_use_reason(name, ["other records that refer to it"]),
            status=409,
        )
    done(f"Directorate {name} deleted")
    return redirect(url_for("admin.directorates"))


@admin.route("/directorates/<int:directorate_id>/services/new", methods=["GET", "POST"])
def new_service(directorate_id: int):
    admins_only()
    directorate = get_or_404(Directorate, directorate_id)
    form = ServiceForm()
    if form.validate_on_submit():
        if service_name_taken(get_session(), directorate.id, form.name.data):
            form.name.errors.append(SERVICE_TAKEN)
        else:
            service = _commit_or(
                form, SERVICE_TAKEN, admin_ops.create_service, directorate, form.name.data
            )
            if service is not REFUSED:
                done(f"Service {service.name} added to {directorate.name}")
                return redirect(url_for("admin.directorates"))
            directorate = get_or_404(Directorate, directorate_id)
    return _render_form(
        form,
        title=f"Add a service to {directorate.name}",
        caption="Directorates and services",
        back=url_for("admin.directorates"),
    )


def _service_page(service, form, problem=None, status=None):
    return _render_form(
        form,
        title=f"Rename {service.name}",
        caption=service.directorate.name,
        back=url_for("admin.directorates"),
        thing=service.name,
        uses=service_uses(service),
        delete_url=url_for("admin.delete_service", service_id=service.id),
        problem=problem,
        status=status,
    )


@admin.route("/services/<int:service_id>", methods=["GET", "POST"])
def edit_service(service_id: int):
    admins_only()
    service = get_or_404(Service, service_id)
    form = ServiceForm(obj=service)
    if form.validate_on_submit():
        if service_name_taken(
            get_session(), service.directorate_id, form.name.data, except_id=service.id
        ):
            form.name.errors.append(SERVICE_TAKEN)
        else:
            old = service.name
            renamed = _commit_or(
                form, SERVICE_TAKEN, admin_ops.rename_service, service, form.name.data
            )
            if renamed is not REFUSED:
                done(
                    f"Service {old} renamed to {service.name}"
                    if renamed
                    else f"Service {service.name} saved: the name had not changed"
                )
                return redirect(url_for("admin.directorates"))
            service = get_or_404(Service, service_id)
    return _service_page(service, form)


@admin.post("/services/<int:service_id>/delete")
def delete_service(service_id: int):
    admins_only()
    service = get_or_404(Service, service_id)
    uses = service_uses(service)
    if uses:
        return _service_page(
            service,
            ServiceForm(formdata=None, obj=service),
            problem=_in_use_reason(service.name, uses),
            status=409,
        )
    name, directorate = service.name, service.directorate.name
    if _committed(admin_ops.delete_service, service) is REFUSED:
        service = get_or_404(Service, service_id)
        return _service_page(
            service,
            ServiceForm(formdata=None, obj=service),
            problem=_in_use_reason(name, ["other records that refer to it"]),
            status=409,
        )
    done(f"Service {name} deleted from {directorate}")
    return redirect(url_for("admin.directorates"))
