"""The characteristics every EIA is screened and assessed against, with the guidance officers
see and the borough's profile figure (admins and the Policy and Equality Unit).

The ten statutory ones (the nine protected by the Equality Act 2010 and socio-economic
status) keep their names and cannot be deactivated. Local ones (carers, care leavers, the
armed forces community...) can be added, renamed and deactivated. Nothing is deleted:
screening answers and impacts refer to characteristics.
"""

import re
import unicodedata

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for

from eia import admin_operations as admin_ops
from eia.admin_operations import is_statutory
from eia.db import get_session
from eia.models import Characteristic
from eia.models.enums import CharacteristicKind
from eia.queries.characteristics import (
    characteristic_keys,
    characteristic_name_taken,
    characteristics_in_order,
)
from forms.admin import CharacteristicForm

from .common import admin, done, get_or_404, me

KIND_LABELS = {
    CharacteristicKind.protected: "Protected",
    CharacteristicKind.socio_economic: "Socio-economic",
    CharacteristicKind.local: "Local",
}

NAME_TAKEN = "There is already a characteristic with this name"
_KEY_MAX = 64


def why_always_active(characteristic: Characteristic) -> str:
    if characteristic.kind == CharacteristicKind.protected:
        return (
            f"{characteristic.name} cannot be deactivated: it is one of the nine "
            "characteristics protected by the Equality Act 2010, and every EIA must "
            "consider it"
        )
    return (
        f"{characteristic.name} cannot be deactivated: the council applies the "
        "socio-economic duty (Equality Act 2010, section 1) to every EIA"
    )


def make_key(name: str) -> str:
    """A stable key from the name: lower-case ASCII words joined by "_", made unique."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[: _KEY_MAX - 4].strip("_")
    base = base or "local"
    taken = characteristic_keys(get_session())
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


@admin.get("/characteristics")
def characteristics():
    return render_template(
        "admin/characteristics.html",
        characteristics=characteristics_in_order(get_session()),
        kind_labels=KIND_LABELS,
        statutory=is_statutory,
    )


@admin.route("/characteristics/new", methods=["GET", "POST"])
def new_characteristic():
    db = get_session()
    form = CharacteristicForm()
    if form.validate_on_submit():
        if characteristic_name_taken(db, form.name.data):
            form.name.errors.append(NAME_TAKEN)
        else:
            try:
                characteristic = admin_ops.create_characteristic(
                    db,
                    me(),
                    key=make_key(form.name.data),
                    name=form.name.data,
                    guidance=form.guidance.data or "",
                    borough_profile=form.borough_profile.data or "",
                )
                db.commit()
            except sa.exc.IntegrityError:  # the same key, added by someone a moment ago
                db.rollback()
                form.name.errors.append(NAME_TAKEN)
            else:
                done(f"Local characteristic {characteristic.name} added: new screenings include it")
                return redirect(url_for("admin.characteristics"))
    return render_template(
        "admin/characteristic_form.html",
        form=form,
        characteristic=None,
        title="Add a local characteristic",
        problem=None,
    ), 400 if form.errors else 200


def _edit_page(characteristic, form, problem=None, status=None):
    statutory = is_statutory(characteristic)
    if statutory and "name" in form:
        del form.name  # the statutory names are the law's
    return render_template(
        "admin/characteristic_form.html",
        form=form,
        characteristic=characteristic,
        title=characteristic.name,
        statutory=statutory,
        kind_label=KIND_LABELS.get(characteristic.kind, ""),
        why_always_active=why_always_active(characteristic) if statutory else "",
        problem=problem,
    ), status or (400 if form.errors or problem else 200)


@admin.route("/characteristics/<int:characteristic_id>", methods=["GET", "POST"])
def edit_characteristic(characteristic_id: int):
    db = get_session()
    characteristic = get_or_404(Characteristic, characteristic_id)
    form = CharacteristicForm(obj=characteristic)
    if is_statutory(characteristic):
        del form.name
    if form.validate_on_submit():
        if "name" in form and characteristic_name_taken(
            db, form.name.data, except_id=characteristic.id
        ):
            form.name.errors.append(NAME_TAKEN)
        else:
            fields = [f for f in admin_ops.CHARACTERISTIC_FIELDS if f in form]
            changed = [
                form[f].label.text.split(":")[0].lower()
                for f in fields
                if getattr(characteristic, f) != (form[f].data or "")
            ]
            old_name = characteristic.name
            admin_ops.update_characteristic(
                db, me(), characteristic, {f: form[f].data or "" for f in fields}
            )
            db.commit()
            done(
                f"Characteristic {old_name} saved"
                + (f": {', '.join(changed)} changed" if changed else ": nothing had changed")
            )
            return redirect(url_for("admin.characteristics"))
    return _edit_page(characteristic, form)


@admin.post("/characteristics/<int:characteristic_id>/deactivate")
def deactivate_characteristic(characteristic_id: int):
    db = get_session()
    characteristic = get_or_404(Characteristic, characteristic_id)
    if is_statutory(characteristic):
        return _edit_page(
            characteristic,
            CharacteristicForm(formdata=None, obj=characteristic),
            problem=why_always_active(characteristic),
            status=409,
        )
    if admin_ops.set_characteristic_active(db, me(), characteristic, False):
        db.commit()
        done(
            f"Characteristic {characteristic.name} deactivated: new screenings leave it out; "
            "EIAs that already answered it keep it"
        )
    return redirect(url_for("admin.characteristics"))


@admin.post("/characteristics/<int:characteristic_id>/reactivate")
def reactivate_characteristic(characteristic_id: int):
    db = get_session()
    characteristic = get_or_404(Characteristic, characteristic_id)
    if admin_ops.set_characteristic_active(db, me(), characteristic, True):
        db.commit()
        done(f"Characteristic {characteristic.name} reactivated: screenings include it again")
    return redirect(url_for("admin.characteristics"))


@admin.post("/characteristics/<int:characteristic_id>/move")
def move_characteristic(characteristic_id: int):
    characteristic = get_or_404(Characteristic, characteristic_id)  # no such row: 404 first
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    db = get_session()
    if admin_ops.move_characteristic(db, me(), characteristic, direction):
        db.commit()
        done(f"Characteristic {characteristic.name} moved {direction}")
    return redirect(url_for("admin.characteristics") + f"#characteristic-{characteristic.id}")
