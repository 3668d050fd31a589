"""The public register: what anyone may read without signing in.

An EIA is public when a version of it was approved, and that version was marked to publish
and was not confidential (as frozen, in its ``PublicCopy``), and the EIA has not since been
marked confidential or unpublished (the live row: a revision can withdraw consent, never
give it before the next approval). All of it is the one ``public_clause`` every public query
uses. What the public reads is always the frozen copy of the last approved version
(``EiaVersion``), never a later draft, passed through ``public_document``, which keeps only
named fields: no comments or internal notes (sign-off comments, late reasons), no flags, no
action owners, no staff email addresses (the snapshot never holds those).

Its public status (``PUBLIC_STATE_LABELS``):
- approved, under review, archived: as the lifecycle says;
- under revision: a revision was opened (screening, full assessment or awaiting sign-off
  again): the last approved version stays public, marked so, until the new one is approved;
- withdrawn: a proposal withdrawn after a version of it was approved and published stays on
  the register, marked withdrawn, showing that approved version (README: "Audit, exports
  and the public register" says why). One withdrawn before any approval was never public.

Search and sorting use the public copy's title and decision date, so the words of a draft
being written can never find an EIA; reference, directorate and service cannot change.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from eia.models import Directorate, Eia, EiaVersion, PublicCopy, PublicPdf, Service
from workflows.lifecycle import UNDER_REVISION, Status, public_statuses, states_where

# A revision is being written: the EIA was approved before and is in one of these again.
REVISION_STATES = states_where(revision=True)
PUBLIC_STATES = states_where(public=True)

# The public's words for the statuses a published EIA can have (the lifecycle table's).
PUBLIC_STATE_LABELS = {status: words for status, (words, _) in public_statuses().items()}

PAGE_SIZE = 25


def public_clause():
    """Approved once, that version publishable and not confidential, and the EIA still
    publishable and not confidential now. Names ``public_copy``: a query selecting from
    ``eia`` alone gets it joined on ``eia_id`` by this clause."""
    return sa.and_(
        PublicCopy.eia_id == Eia.id,
        PublicCopy.publishable.is_(True),
        PublicCopy.confidential.is_(False),
        Eia.publishable.is_(True),
        Eia.confidential.is_(False),
        Eia.status.in_(PUBLIC_STATES),
    )


def public_status_clause():
    """The public status as SQL: the lifecycle's state, or "under_revision"."""
    return sa.case((Eia.status.in_(REVISION_STATES), UNDER_REVISION), else_=Eia.status)


def public_status(eia: Eia) -> str:
    return UNDER_REVISION if eia.status in REVISION_STATES else eia.status


@dataclass(frozen=True)
class PublicSearch:
    text: str = ""
    directorate_id: int | None = None
    state: str = ""
    outcome: str = ""


@dataclass(frozen=True)
class PublishedRow:
    """One line of the register: the EIA (reference, directorate, service, status) and the
    public copy of its last approved version (everything a draft could have changed)."""

    eia: Eia
    copy: PublicCopy

    @property
    def status(self) -> str:
        return public_status(self.eia)

    @property
    def review_date(self):
        """A review confirmed since approval moves the review date on the live row; while a
        new version is being written the live row is the draft's, so the approved one's."""
        return (
            self.eia.review_date if self.eia.version == self.copy.version else self.copy.review_date
        )


def _contains(column, text: str):
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.func.lower(column).like(f"%{escaped}%", escape="\\")


def _conditions(search: PublicSearch) -> list:
    conditions = [public_clause()]
    for word in search.text.split():
        conditions.append(
            sa.or_(
                _contains(Eia.reference, word),
                _contains(PublicCopy.title, word),
                _contains(Directorate.name, word),
                _contains(Service.name, word),
            )
        )
    if search.directorate_id is not None:
        conditions.append(Eia.directorate_id == search.directorate_id)
    if search.state:
        conditions.append(public_status_clause() == search.state)
    if search.outcome:
        conditions.append(PublicCopy.outcome == search.outcome)
    return conditions


def _joined(query):
    return (
        query.join(PublicCopy, PublicCopy.eia_id == Eia.id)
        .join(Directorate, Directorate.id == Eia.directorate_id)
        .join(Service, Service.id == Eia.service_id)
    )


def count_published(session: Session, search: PublicSearch) -> int:
    return session.exec(
        _joined(select(sa.func.count()).select_from(Eia)).where(*_conditions(search))
    ).one()


def published_eias(
    session: Session, search: PublicSearch, *, page: int | None = 1, page_size: int = PAGE_SIZE
) -> list[PublishedRow]:
    """Published EIAs matching the search, latest decision first (``page=None``: all)."""
    query = (
        _joined(select(Eia, PublicCopy))
        .where(*_conditions(search))
        .options(joinedload(Eia.directorate), joinedload(Eia.service))
        .order_by(PublicCopy.decision_date.desc().nulls_last(), Eia.reference.desc())
    )
    if page is not None:
        query = query.offset((page - 1) * page_size).limit(page_size)
    return [PublishedRow(eia, copy) for eia, copy in session.exec(query).all()]


def public_directorates(session: Session) -> list[Directorate]:
    """Directorates with at least one published EIA (the filter's options)."""
    return list(
        session.exec(
            select(Directorate)
            .where(
                Directorate.id.in_(
                    select(Eia.directorate_id)
                    .join(PublicCopy, PublicCopy.eia_id == Eia.id)
                    .where(public_clause())
                )
            )
            .order_by(Directorate.name)
        ).all()
    )


@dataclass(frozen=True)
class Published:
    eia: Eia
    copy: PublicCopy
    version: EiaVersion

    @property
    def status(self) -> str:
        return public_status(self.eia)


def published_version(session: Session, reference: str) -> Published | None:
    """The published EIA, its public copy and the frozen copy of the version that was
    approved, or None when the EIA does not exist or is not public (the caller answers 404
    either way)."""
    found = session.exec(
        select(Eia, PublicCopy)
        .join(PublicCopy, PublicCopy.eia_id == Eia.id)
        .where(Eia.reference == reference, public_clause())
    ).one_or_none()
    if found is None:
        return None
    eia, copy = found
    version = session.exec(
        select(EiaVersion).where(
            EiaVersion.eia_id == eia.id,
            EiaVersion.version == copy.version,
            EiaVersion.status == Status.approved,
        )
    ).one_or_none()
    if version is None or (version.snapshot or {}).get("confidential"):
        return None
    return Published(eia, copy, version)


def is_public(session: Session, eia: Eia) -> bool:
    """Whether the register shows this EIA now (for the link on its staff page)."""
    return (
        session.exec(
            select(sa.func.count()).select_from(Eia).where(Eia.id == eia.id, public_clause())
        ).one()
        > 0
    )


def keep_public_copy(session: Session, version: EiaVersion) -> PublicCopy:
    """Keep what the register shows of an approved version: called in the transaction that
    approves it, from the version just frozen. Replaces the EIA's copy of an earlier version
    (and drops that version's kept PDF, never served again)."""
    frozen = version.snapshot or {}
    eia_id = version.eia_id if version.eia_id is not None else version.eia.id
    copy = session.exec(select(PublicCopy).where(PublicCopy.eia_id == eia_id)).one_or_none()
    if copy is None:
        copy = PublicCopy(eia_id=eia_id, version=version.version)
    copy.version = version.version
    copy.title = (frozen.get("title") or "")[:300]
    copy.decision_date = _day(frozen.get("decision_date"))
    copy.review_date = _day(frozen.get("review_date"))
    copy.outcome = frozen.get("outcome")
    copy.publishable = bool(frozen.get("publishable"))
    copy.confidential = bool(frozen.get("confidential"))
    copy.approved_at = version.frozen_at
    session.add(copy)
    session.exec(
        sa.delete(PublicPdf).where(PublicPdf.eia_id == eia_id, PublicPdf.version != version.version)
    )
    return copy


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


# What the public may read of a frozen copy: named fields only, so that a field added to
# the snapshot later stays private until it is added here.
_PUBLIC_FIELDS = (
    "reference",
    "version",
    "title",
    "summary",
    "proposal_type",
    "directorate",
    "service",
    "decision_maker",
    "decision_type",
    "decision_date",
    "review_date",
    "decision_round",
    "screening_conclusion",
    "overall_rating",
    "outcome",
    "outcome_reason",
)
_SCORED = (
    "direction",
    "aims",
    "inherent",
    "residual",
    "evidence",
    "evidence_gap",
    "evidence_gap_reason",
    "mitigation",
)
# Each list of the copy, and the fields kept of each of its rows.
_PUBLIC_ROWS = {
    "screening": ("characteristic", "relevance", "reason"),
    "impacts": ("characteristic", *_SCORED),
    "intersectional_impacts": ("description", "characteristics", *_SCORED),
    "engagement": ("who", "method", "held_on", "what_they_said", "what_changed"),
    "actions": ("description", "due_date", "status", "from_evidence_gap"),
}
_JUSTIFICATION = ("legitimate_aim", "less_harmful", "proportionate")
_SIGN_OFF = ("approver", "version", "attested", "late", "signed_at")


def _kept(rows, fields: tuple[str, ...]) -> list[dict]:
    return [{k: row.get(k) for k in fields} for row in rows or []]


def public_document(snapshot: dict) -> dict:
    """The frozen copy, keeping only what the public may read."""
    justification = snapshot.get("justification") or {}
    return {
        **{key: snapshot.get(key) for key in _PUBLIC_FIELDS},
        "affects": list(snapshot.get("affects") or []),
        **{name: _kept(snapshot.get(name), fields) for name, fields in _PUBLIC_ROWS.items()},
        "justification": {k: justification.get(k, "") for k in _JUSTIFICATION},
        # Approvals only: who signed off, when, and whether after the decision date.
        "sign_offs": _kept(
            [s for s in snapshot.get("sign_offs") or [] if s.get("decision") == "approved"],
            _SIGN_OFF,
        ),
    }
