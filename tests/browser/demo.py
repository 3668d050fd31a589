"""The live server's data: the demo council (``eia.demo_data``), looked up by what a test
needs (an EIA in a state, one with a late sign-off, one a role may not see), so URL builders
never hard-code references.

    demo.eia("draft").reference
    demo.eia("approved", late=True)              # approved after a late sign-off
    demo.eia(min_version=2)                      # revised at least once
    demo.eia("awaiting_sign_off", owner="officer")
    demo.eia(hidden_from="officer")              # for the 403 page
    demo.version(min_version=2)                  # (reference, number) of a frozen version
    demo.new_eia("full_assessment")              # a fresh EIA of its own, for tests that change it
    demo.own_eia("full_assessment")              # the officer's own EIA, made once, for pages
    demo.child_id(reference, ActionItem)         # a row of an EIA (action, engagement record...)
    demo.mailbox_email_id()                      # an email delivered to the local mailbox

Roles are the demo log-ins: "officer", "approver", "equality" (or "equality_officer") and
"admin"; an email address names anyone else.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.capabilities import can_view
from eia.demo_content import LOGINS
from eia.demo_data import DEMO_PASSWORD
from eia.models import Eia, EiaVersion, SignOff, User

ROLE_ALIASES = {"equality": "equality_officer"}


@dataclass(frozen=True)
class Login:
    role: str
    email: str
    password: str = DEMO_PASSWORD


class Demo:
    def __init__(self, engine: sa.Engine, app=None):
        self.engine = engine
        self.app = app  # the live app, for work that needs its context (sending email)
        self._own: dict[tuple[str, str], str] = {}

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # --- people ---------------------------------------------------------------------------

    @staticmethod
    def login(role: str) -> Login:
        """The demo log-in for a role (or an email address, with the demo password)."""
        if "@" in role:
            return Login(role, role)
        return Login(role, LOGINS[ROLE_ALIASES.get(role, role)])

    def user(self, role: str) -> User:
        with self.session() as s:
            user = s.exec(select(User).where(User.email == self.login(role).email)).one()
            s.expunge(user)
            return user

    def first_id(self, model) -> int:
        """The smallest id of a table (a directorate, service, characteristic...)."""
        with self.session() as s:
            found = s.exec(select(sa.func.min(model.id))).one()
        assert found is not None, f"the demo data has no {model.__name__}"
        return found

    # --- EIAs -----------------------------------------------------------------------------

    def eias(
        self,
        status: str | None = None,
        *,
        owner: str | None = None,
        late: bool | None = None,
        min_version: int | None = None,
        visible_to: str | None = None,
        hidden_from: str | None = None,
        reference: str | None = None,
    ) -> list[Eia]:
        """Every EIA matching all the conditions given, by reference."""
        with self.session() as s:
            query = select(Eia).order_by(Eia.reference)
            if status is not None:
                query = query.where(Eia.status == status)
            if reference is not None:
                query = query.where(Eia.reference == reference)
            if owner is not None:
                query = query.join(User, User.id == Eia.owner_id).where(
                    User.email == self.login(owner).email
                )
            if min_version is not None:
                query = query.where(Eia.version >= min_version)
            if late is not None:
                late_ids = select(SignOff.eia_id).where(SignOff.late.is_(True))
                query = query.where(Eia.id.in_(late_ids) if late else Eia.id.not_in(late_ids))
            found = list(s.exec(query).all())
            for role, wanted in ((visible_to, True), (hidden_from, False)):
                if role is not None:
                    person = s.exec(select(User).where(User.email == self.login(role).email)).one()
                    found = [e for e in found if can_view(person, e) == wanted]
            for e in found:
                s.expunge(e)
            return found

    def eia(self, status: str | None = None, **conditions) -> Eia:
        """The first EIA (by reference) matching the conditions; fails if there is none."""
        found = self.eias(status, **conditions)
        assert found, f"the demo data has no EIA with status={status!r} {conditions}"
        return found[0]

    def version(self, **conditions) -> tuple[str, int]:
        """(reference, version number) of the first frozen version of a matching EIA."""
        for e in self.eias(**conditions):
            with self.session() as s:
                number = s.exec(
                    select(sa.func.min(EiaVersion.version)).where(EiaVersion.eia_id == e.id)
                ).one()
            if number is not None:
                return e.reference, number
        raise AssertionError(f"the demo data has no frozen version of an EIA with {conditions}")

    def new_eia(
        self,
        status: str = "draft",
        *,
        owner: str = "officer",
        approver: str = "approver",
        title: str | None = None,
        **proposal,
    ) -> str:
        """Make a fresh EIA in ``status`` (through the real lifecycle, committed) for a test
        that changes it, so the shared demo EIAs stay as other tests expect; its reference."""
        from tests.factories import Factories

        with self.session() as s:
            make = Factories(s)
            owner_user = s.exec(select(User).where(User.email == self.login(owner).email)).one()
            approver_user = s.exec(
                select(User).where(User.email == self.login(approver).email)
            ).one()
            eia = make.eia(
                status, owner=owner_user, approver=approver_user, title=title, **proposal
            )
            reference = eia.reference
            s.commit()
        return reference

    # --- imports ----------------------------------------------------------------------------

    def register_file(self, *, problems: bool = False, prefix: str = "IMP") -> bytes:
        """A register (CSV) of two EIAs in the demo council's first service; with
        ``problems``, the second names a directorate the council does not have."""
        from eia.models import Directorate, Service
        from tests.support.registers import as_csv, row

        with self.session() as s:
            service, directorate = s.exec(
                select(Service, Directorate)
                .join(Directorate, Directorate.id == Service.directorate_id)
                .order_by(Service.id)
            ).first()
        names = (directorate.name, service.name)
        rows = [row(f"{prefix}-1", *names), row(f"{prefix}-2", *names)]
        if problems:
            rows[1] = row(f"{prefix}-2", "No such directorate", service.name, review_date="soon")
        return as_csv(rows)

    def register_upload(self, *, problems: bool = False) -> int:
        """An uploaded register with its columns chosen (as guessed): the id of its pages."""
        key = ("upload", str(problems))
        if key not in self._own:
            from eia.imports import register, uploads

            content = self.register_file(problems=problems, prefix="UPL")
            with self.session() as s:
                admin = s.exec(select(User).where(User.email == self.login("admin").email)).one()
                table = register.read("register.csv", content)
                upload = uploads.keep(s, admin, "register.csv", content, table)
                uploads.set_mapping(s, upload, register.guess_mapping(table.columns))
                s.commit()
                self._own[key] = str(upload.id)
        return int(self._own[key])

    def imported_eia(self) -> str:
        """The reference of an EIA imported from a register (imported once)."""
        key = ("imported", "")
        if key not in self._own:
            from eia.imports import register

            content = self.register_file(prefix="HIST")
            with self.session() as s:
                admin = s.exec(select(User).where(User.email == self.login("admin").email)).one()
                table = register.read("register.csv", content)
                plan = register.check(s, table, register.guess_mapping(table.columns))
                assert plan.ok, plan.problems
                register.import_register(s, admin, plan, filename="register.csv", content=content)
                s.commit()
            self._own[key] = "HIST-1"
        return self._own[key]

    def own_eia(self, status: str = "draft", *, owner: str = "officer") -> Eia:
        """An EIA in ``status`` that ``owner`` (the demo officer unless told) owns and may
        edit, made once and reused, for the guided journey's pages. The demo's own EIAs are
        owned by people with no demo log-in. One in full assessment also gets an engagement
        record, an action and an intersectional impact (when the operations allow)."""
        key = (status, owner)
        if key not in self._own:
            reference = self.new_eia(status, owner=owner, title=f"Accessibility check: {status}")
            if status == "full_assessment":
                self._add_children(reference, owner)
            self._own[key] = reference
        return self.eias(owner=owner, reference=self._own[key])[0]

    def _add_children(self, reference: str, owner: str) -> None:
        from eia import operations as ops
        from eia.models import Characteristic

        with self.session() as s:
            eia = s.exec(select(Eia).where(Eia.reference == reference)).one()
            actor = s.exec(select(User).where(User.email == self.login(owner).email)).one()
            chars = s.exec(
                select(Characteristic)
                .where(Characteristic.active)
                .order_by(Characteristic.position)
            ).all()
            attempts = (
                lambda: ops.add_engagement(
                    s,
                    eia,
                    actor,
                    {
                        "who": "Parents and carers at two primary schools",
                        "method": "Drop-in sessions",
                        "what_they_said": "Keep the crossing.",
                        "what_changed": "The crossing stays.",
                    },
                ),
                lambda: ops.save_action(
                    s, eia, actor, {"description": "Publish an easy read summary of the proposal."}
                ),
                lambda: ops.save_intersectional(
                    s,
                    eia,
                    actor,
                    {"description": "Older disabled residents who rely on taxis."},
                    [chars[0].id, chars[1].id],
                ),
            )
            for attempt in attempts:
                savepoint = s.begin_nested()
                try:
                    attempt()
                    savepoint.commit()
                except Exception:  # noqa: BLE001 - the page then shows an empty list
                    savepoint.rollback()
            s.commit()

    def child_id(self, reference: str, model) -> int:
        """The first row of ``model`` (ActionItem, EngagementRecord, IntersectionalImpact...)
        belonging to the EIA ``reference``."""
        with self.session() as s:
            found = s.exec(
                select(sa.func.min(model.id))
                .join(Eia, Eia.id == model.eia_id)
                .where(Eia.reference == reference)
            ).one()
        assert found is not None, f"{reference} has no {model.__name__}"
        return found

    def mailbox_email_id(self) -> int:
        """An email in the local mailbox (embedded mode): one the demo queued, delivered now
        by the real sending code."""
        from eia.models.notifications import OutboxEmail
        from notifications.sending import deliver

        with self.session() as s:
            sent = s.exec(
                select(OutboxEmail.id)
                .where(OutboxEmail.status == "sent", OutboxEmail.transport == "mailbox")
                .order_by(OutboxEmail.id)
            ).first()
            queued = s.exec(
                select(OutboxEmail.id)
                .where(OutboxEmail.status == "queued", OutboxEmail.delivery == "immediate")
                .order_by(OutboxEmail.id)
            ).all()
        if sent is not None:
            return sent
        assert self.app is not None, "mailbox_email_id needs the live app"
        if not queued:  # sending an EIA for sign-off emails its approver
            reference = self.new_eia("awaiting_sign_off", title="Accessibility check: email")
            with self.session() as s:
                queued = s.exec(
                    select(OutboxEmail.id)
                    .join(Eia, Eia.id == OutboxEmail.eia_id)
                    .where(Eia.reference == reference, OutboxEmail.status == "queued")
                ).all()
        for outbox_id in queued:
            with self.app.app_context():
                if deliver(outbox_id).status == "sent":
                    return outbox_id
        raise AssertionError("the demo data has no email that could be delivered")
