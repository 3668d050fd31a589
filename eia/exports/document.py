"""An EIA as one JSON document: everything its page shows, in a stable, versioned shape.

The shape (``"schema": "eia-document/1"``; a change that removes or renames a key bumps the
number, adding a key does not):

    schema, exported_at (ISO 8601, UTC), reference, title, version, state, state_label,
    overall_rating (band key or null),
    imported (null, or for a historical record brought in from elsewhere: imported_at,
              version (the last version that came with it), source, published_link)
    proposal:      summary, proposal_type, affects[], directorate, service, owner,
                   decision_maker, decision_type, decision_date, decision_round,
                   review_date, publishable, publishing_reason, confidential
    screening:     conclusion, answers[]: characteristic, relevance, reason
    evidence[]:    characteristic, evidence, evidence_gap, evidence_gap_reason
    impacts[]:     characteristic, direction, aims{3 booleans}, evidence, evidence_gap,
                   evidence_gap_reason, mitigation,
                   inherent{likelihood, severity, score, band}, residual{...}
    intersectional_impacts[]: description, characteristics[], and the same scored keys
    engagement[]:  who, method, held_on, what_they_said, what_changed
    actions[]:     description, owner, due_date, status, from_evidence_gap
    outcome:       code ("1"-"4" or null), label, reason,
                   justification{legitimate_aim, less_harmful, proportionate}
    sign_offs[]:   approver, decision, version, attested, late, late_reason, comment,
                   signed_at
    reviews[]:     reviewer, decision, version, notes, next_review_date, reviewed_at
    versions[]:    version, status, frozen_at (the frozen copies kept)
    comments[]:    author, section, version, body, created_at
    history[]:     position, occurred_at, actor, kind, event, from_state, to_state,
                   comment, description (the audit trail in plain words, oldest first)

Dates are ISO dates, timestamps ISO 8601 with their UTC offset; codes are the stored values
(their words are in ``eia.web.labels``). Staff email addresses never appear.
"""

from datetime import datetime

from eia.models import AuditRecord, as_utc
from eia.models.enums import OUTCOME_LABELS
from eia.snapshot import snapshot_eia
from workflows.lifecycle import state

SCHEMA = "eia-document/1"

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


def _iso(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    return value.isoformat()


def _imported(eia) -> dict | None:
    if getattr(eia, "imported_at", None) is None:
        return None
    return {
        "imported_at": _iso(eia.imported_at),
        "version": eia.imported_version,
        "source": eia.import_source,
        "published_link": eia.published_link,
    }


def eia_document(eia, records: list[AuditRecord], exported_at: datetime, comments=()) -> dict:
    """``records``: the EIA's audit trail (oldest first); ``comments``: its Comment rows."""
    from eia.history import describe

    doc = snapshot_eia(eia)
    return {
        "schema": SCHEMA,
        "exported_at": _iso(exported_at),
        "reference": doc["reference"],
        "title": doc["title"],
        "version": doc["version"],
        "state": doc["status"],
        "state_label": state(doc["status"]).label,
        "overall_rating": doc["overall_rating"],
        "imported": _imported(eia),
        "proposal": {
            key: doc[key]
            for key in (
                "summary",
                "proposal_type",
                "affects",
                "directorate",
                "service",
                "owner",
                "decision_maker",
                "decision_type",
                "decision_date",
                "decision_round",
                "review_date",
                "publishable",
                "publishing_reason",
                "confidential",
            )
        },
        "screening": {"conclusion": doc["screening_conclusion"], "answers": doc["screening"]},
        "evidence": [
            {
                key: i[key]
                for key in ("characteristic", "evidence", "evidence_gap", "evidence_gap_reason")
            }
            for i in doc["impacts"]
        ],
        "impacts": [
            {"characteristic": i["characteristic"], **{k: i[k] for k in _SCORED}}
            for i in doc["impacts"]
        ],
        "intersectional_impacts": [
            {
                "description": x["description"],
                "characteristics": x["characteristics"],
                **{k: x[k] for k in _SCORED},
            }
            for x in doc["intersectional_impacts"]
        ],
        "engagement": doc["engagement"],
        "actions": doc["actions"],
        "outcome": {
            "code": doc["outcome"],
            "label": OUTCOME_LABELS.get(doc["outcome"]) if doc["outcome"] else None,
            "reason": doc["outcome_reason"],
            "justification": doc["justification"],
        },
        "sign_offs": sorted(doc["sign_offs"], key=lambda s: s["signed_at"] or ""),
        "reviews": [
            {
                "reviewer": r.reviewer.name if r.reviewer else None,
                "decision": r.decision,
                "version": r.eia_version,
                "notes": r.notes,
                "next_review_date": _iso(r.next_review_date),
                "reviewed_at": _iso(r.reviewed_at),
            }
            for r in sorted(eia.reviews, key=lambda r: as_utc(r.reviewed_at))
        ],
        "versions": [
            {"version": v.version, "status": v.status, "frozen_at": _iso(v.frozen_at)}
            for v in sorted(eia.versions, key=lambda v: v.version)
        ],
        "comments": [
            {
                "author": c.author.name if c.author else None,
                "section": c.section,
                "version": c.eia_version,
                "body": c.body,
                "created_at": _iso(c.created_at),
            }
            for c in sorted(comments, key=lambda c: as_utc(c.created_at))
        ],
        "history": [
            {
                "position": r.seq,
                "occurred_at": _iso(r.occurred_at),
                "actor": None if r.actor_id is None else r.actor_name,
                "kind": r.action,
                "event": r.event,
                "from_state": r.from_state,
                "to_state": r.to_state,
                "comment": r.comment,
                "description": describe(r).headline,
            }
            for r in records
        ],
    }


SECTIONS = (
    "proposal",
    "screening",
    "evidence",
    "impacts",
    "intersectional_impacts",
    "engagement",
    "actions",
    "outcome",
    "sign_offs",
    "reviews",
    "versions",
    "comments",
    "history",
)
