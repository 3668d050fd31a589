"""An EIA as one plain document: frozen into versions, exported as JSON; and the
fingerprint of its content, which a decision on it is bound to."""

import hashlib
from datetime import date, datetime

from eia.audit import canonical_json
from eia.scoring import overall_rating

# What a decision is not about: where the EIA is in its lifecycle and the decisions already
# taken on it. Everything else in the snapshot is the content the decision-maker reads.
NOT_CONTENT = ("status", "sign_offs")


def _iso(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _scored(i) -> dict:
    return {
        "direction": i.direction,
        "aims": {
            "eliminate_discrimination": i.aim_discrimination,
            "advance_equality_of_opportunity": i.aim_opportunity,
            "foster_good_relations": i.aim_relations,
        },
        "inherent": {
            "likelihood": i.inherent_likelihood,
            "severity": i.inherent_severity,
            "score": i.inherent_score,
            "band": i.inherent_band.key if i.inherent_band else None,
        },
        "residual": {
            "likelihood": i.residual_likelihood,
            "severity": i.residual_severity,
            "score": i.residual_score,
            "band": i.residual_band.key if i.residual_band else None,
        },
        "evidence": i.evidence,
        "evidence_gap": i.evidence_gap,
        "evidence_gap_reason": i.evidence_gap_reason,
        "mitigation": i.mitigation,
    }


def snapshot_eia(eia, *, decisions: bool = True) -> dict:
    """The EIA as one plain document; without its ``sign_offs`` when not ``decisions`` (its
    fingerprint leaves them out: NOT_CONTENT)."""
    rating = overall_rating([*eia.impacts, *eia.intersectional_impacts])
    return {
        "reference": eia.reference,
        "version": eia.version,
        "status": eia.status,
        "title": eia.title,
        "summary": eia.summary,
        "proposal_type": eia.proposal_type,
        "affects": list(eia.affects or []),
        "directorate": eia.directorate.name if eia.directorate else None,
        "service": eia.service.name if eia.service else None,
        "owner": eia.owner.name if eia.owner else None,
        "decision_maker": eia.decision_maker,
        "decision_type": eia.decision_type,
        "decision_date": _iso(eia.decision_date),
        "review_date": _iso(eia.review_date),
        "decision_round": eia.decision_round,
        "publishable": eia.publishable,
        "publishing_reason": eia.publishing_reason,
        "confidential": eia.confidential,
        "screening_conclusion": eia.screening_conclusion,
        "overall_rating": rating.key if rating else None,
        "screening": [
            {"characteristic": a.characteristic.name, "relevance": a.relevance, "reason": a.reason}
            for a in sorted(eia.screening_answers, key=lambda a: a.characteristic.position)
        ],
        "impacts": [
            {"characteristic": i.characteristic.name, **_scored(i)}
            for i in sorted(eia.impacts, key=lambda i: i.characteristic.position)
        ],
        "intersectional_impacts": [
            {
                "description": x.description,
                "characteristics": sorted(c.name for c in x.characteristics),
                **_scored(x),
            }
            for x in eia.intersectional_impacts
        ],
        "engagement": [
            {
                "who": r.who,
                "method": r.method,
                "held_on": _iso(r.held_on),
                "what_they_said": r.what_they_said,
                "what_changed": r.what_changed,
            }
            for r in eia.engagements
        ],
        "actions": [
            {
                "description": a.description,
                "owner": a.owner.name if a.owner else None,
                "due_date": _iso(a.due_date),
                "status": a.status,
                "from_evidence_gap": a.from_evidence_gap,
            }
            for a in eia.actions
        ],
        "outcome": eia.outcome,
        "outcome_reason": eia.outcome_reason,
        "justification": {
            "legitimate_aim": eia.justification_legitimate_aim,
            "less_harmful": eia.justification_less_harmful,
            "proportionate": eia.justification_proportionate,
        },
        "sign_offs": [
            {
                "approver": s.approver.name if s.approver else None,
                "decision": s.decision,
                "version": s.eia_version,
                "attested": s.attested,
                "late": s.late,
                "late_reason": s.late_reason,
                "comment": s.comment,
                "signed_at": _iso(s.signed_at),
            }
            for s in eia.sign_offs
        ]
        if decisions
        else [],
    }


def content_fingerprint(snapshot: dict) -> str:
    """SHA-256 of a snapshot's content. A sign-off page carries it, the decision is refused
    if the EIA no longer has it, and the audit record of the decision keeps it; the version
    frozen on approval has the same fingerprint, so anyone can check what was approved."""
    content = {k: v for k, v in snapshot.items() if k not in NOT_CONTENT}
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def fingerprint_of(eia) -> str:
    """The fingerprint of the EIA's content as it stands now."""
    return content_fingerprint(snapshot_eia(eia, decisions=False))
