"""The public register: what anyone may read without signing in.

An EIA is public when it was signed off (approved, under review or archived), its owner
marked it to publish in the register, and it is not confidential: all three, checked in
the one ``public_clause`` every public query uses. What the public reads is the frozen copy
of the version that was approved (``EiaVersion``), never a later draft, passed through
``public_document``, which keeps only named fields: no comments or internal notes (sign-off
comments, late reasons), no flags, no action owners, no staff email addresses (the
snapshot never holds those).

Search works on the EIA's reference, title, directorate and service: after sign-off none of
these can change (only the action plan stays editable), so they are those of the frozen copy.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from eia.models import Directorate, Eia, EiaVersion, Service

PUBLIC_STATES = ("approved", "under_review", "archived")

# The public's words for the states a published EIA can be in.
PUBLIC_STATE_LABELS = {
    "approved": "In force",
    "under_review": "Under review",
    "archived": "Archived (the policy has ended)",
}

PAGE_SIZE = 25


def public_clause():
    """Published, signed off, not confidential, and with a frozen approved copy."""
    return sa.and_(
        Eia.status.in_(PUBLIC_STATES),
        Eia.publishable.is_(True),
        Eia.confidential.is_(False),
        sa.exists().where(EiaVersion.eia_id == Eia.id, EiaVersion.status == "approved"),
    )


@dataclass(frozen=True)
class PublicSearch:
    text: str = ""
    directorate_id: int | None = None
    state: str = ""
    outcome: str = ""


def _contains(column, text: str):
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.func.lower(column).like(f"%{escaped}%", escape="\\")


def _conditions(search: PublicSearch) -> list:
    conditions = [public_clause()]
    for word in search.text.split():
        conditions.append(sa.or_(
            _contains(Eia.reference, word), _contains(Eia.title, word),
            _contains(Directorate.name, word), _contains(Service.name, word)))
    if search.directorate_id is not None:
        conditions.append(Eia.directorate_id == search.directorate_id)
    if search.state:
        conditions.append(Eia.status == search.state)
    if search.outcome:
        conditions.append(Eia.outcome == search.outcome)
    return conditions


def _joined(query):
    return (query.join(Directorate, Directorate.id == Eia.directorate_id)
            .join(Service, Service.id == Eia.service_id))


def count_published(session: Session, search: PublicSearch) -> int:
    return session.exec(_joined(select(sa.func.count()).select_from(Eia))
                        .where(*_conditions(search))).one()


def published_eias(session: Session, search: PublicSearch, *, page: int | None = 1,
                   page_size: int = PAGE_SIZE) -> list[Eia]:
    """Published EIAs matching the search, latest decision first (``page=None``: all)."""
    query = (_joined(select(Eia)).where(*_conditions(search))
             .options(joinedload(Eia.directorate), joinedload(Eia.service))
             .order_by(Eia.decision_date.desc().nulls_last(), Eia.reference.desc()))
    if page is not None:
        query = query.offset((page - 1) * page_size).limit(page_size)
    return list(session.exec(query).all())


def public_directorates(session: Session) -> list[Directorate]:
    """Directorates with at least one published EIA (the filter's options)."""
    return list(session.exec(
        select(Directorate).where(Directorate.id.in_(
            select(Eia.directorate_id).where(public_clause())))
        .order_by(Directorate.name)).all())


def published_version(session: Session, reference: str) -> tuple[Eia, EiaVersion] | None:
    """The published EIA and the frozen copy of its latest approved version, or None when
    the EIA does not exist or is not public (the caller answers 404 either way)."""
    eia = session.exec(select(Eia).where(Eia.reference == reference, public_clause())
                       ).one_or_none()
    if eia is None:
        return None
    version = session.exec(
        select(EiaVersion).where(EiaVersion.eia_id == eia.id, EiaVersion.status == "approved")
        .order_by(EiaVersion.version.desc()).limit(1)).one_or_none()
    if version is None or (version.snapshot or {}).get("confidential"):
        return None
    return eia, version


def public_document(snapshot: dict) -> dict:
    """The frozen copy, keeping only what the public may read (named fields only, so a
    field added to the snapshot later stays private until it is added here)."""
    scored = ("direction", "aims", "inherent", "residual", "evidence", "evidence_gap",
              "evidence_gap_reason", "mitigation")
    return {
        **{key: snapshot.get(key) for key in (
            "reference", "version", "title", "summary", "proposal_type", "directorate",
            "service", "decision_maker", "decision_type", "decision_date", "review_date",
            "decision_round", "screening_conclusion", "overall_rating", "outcome",
            "outcome_reason")},
        "affects": list(snapshot.get("affects") or []),
        "screening": [{k: a.get(k) for k in ("characteristic", "relevance", "reason")}
                      for a in snapshot.get("screening") or []],
        "impacts": [{"characteristic": i.get("characteristic"), **{k: i.get(k) for k in scored}}
                    for i in snapshot.get("impacts") or []],
        "intersectional_impacts": [
            {"description": x.get("description"), "characteristics": x.get("characteristics"),
             **{k: x.get(k) for k in scored}}
            for x in snapshot.get("intersectional_impacts") or []],
        "engagement": [{k: r.get(k) for k in ("who", "method", "held_on", "what_they_said",
                                               "what_changed")}
                       for r in snapshot.get("engagement") or []],
        "actions": [{k: a.get(k) for k in ("description", "due_date", "status",
                                           "from_evidence_gap")}
                    for a in snapshot.get("actions") or []],
        "justification": {k: (snapshot.get("justification") or {}).get(k, "")
                          for k in ("legitimate_aim", "less_harmful", "proportionate")},
        # Approvals only: who signed off, when, and whether after the decision date.
        "sign_offs": [{k: s.get(k) for k in ("approver", "version", "attested", "late",
                                             "signed_at")}
                      for s in snapshot.get("sign_offs") or []
                      if s.get("decision") == "approved"],
    }
