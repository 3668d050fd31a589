"""Starting an EIA: its title and service. Officers and approvers only."""

from flask import render_template
from flask_login import current_user
from wtforms import SelectChoice

from eia import operations
from eia.capabilities import Capability, may
from eia.db import get_session
from eia.models import Service
from eia.queries.org import services as all_services
from forms.proposal import NewEiaForm

from ..auth import forbid_unless
from . import journey
from .editing import finish, form_errors, save, task_list_url


def _default_service(services: list[Service]) -> int | None:
    """The officer's own service; an approver's first service in their directorate."""
    if current_user.service_id is not None:
        return current_user.service_id
    directorate = current_user.effective_directorate_id
    return next((s.id for s in services if s.directorate_id == directorate), None)


@journey.route("/eias/new", methods=["GET", "POST"])
def new_eia():
    forbid_unless(may(current_user, Capability.start_eias))
    db = get_session()
    services = sorted(all_services(db), key=lambda s: (s.directorate.name, s.name))
    form = NewEiaForm()
    if not form.is_submitted():
        form.service.data = _default_service(services)
    form.service.choices = [
        SelectChoice(s.id, f"{s.name} ({s.directorate.name})") for s in services
    ]
    errors, status = [], 200
    if form.is_submitted():
        if form.validate():
            service = db.get(Service, form.service.data)
            result = save(
                lambda db: operations.create_eia(
                    db, current_user, service=service, title=form.title.data
                ),
                error_field=form.title,
            )
            if result.ok:
                eia = result.result
                return finish(
                    f"{eia.reference} started. Describe the proposal first.", task_list_url(eia)
                )
            errors, status = result.errors, result.status
        else:
            errors, status = form_errors(form), 400
    return render_template("journey/new.html", form=form, errors=errors), status
