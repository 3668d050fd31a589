"""An EIA as a Word document for committee reports: a short "Equality implications"
section (the outcome, the main impacts, the mitigations, who signed it off and when) to
paste into the report, and the full EIA as an appendix.

It is made from a Word template the council can replace (docxtpl: Jinja tags inside a
.docx; ``eia.exports.word_template`` builds the default one). ``template_path`` says which:
the app setting ``WORD_TEMPLATE`` (environment ``EIA_WORD_TEMPLATE``), else the default in
``templates/word/committee-report.docx``. ``context`` is what a template can use; its keys
are documented in the README ("Word for committee reports"). docxtpl is imported only when
a document is made."""

import io
from pathlib import Path

from eia.dates import long_date
from eia.models.enums import (
    ACTION_STATUS_LABELS,
    DECISION_TYPE_LABELS,
    DIRECTION_LABELS,
    OUTCOME_LABELS,
    PROPOSAL_TYPE_LABELS,
    RELEVANCE_LABELS,
)
from eia.paths import TEMPLATES
from eia.scoring import BANDS

DEFAULT_TEMPLATE = TEMPLATES / "word" / "committee-report.docx"
MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_BANDS = {b.key: b.label for b in BANDS}


class TemplateProblem(Exception):
    """The Word template cannot be used; the message says why, for the administrator."""


def template_path(config) -> Path:
    configured = config.get("WORD_TEMPLATE")
    return Path(configured) if configured else DEFAULT_TEMPLATE


def _rating(part: dict) -> str:
    band = _BANDS.get(part.get("band"))
    return f"{band} (score {part['score']})" if band else "Not scored"


def _impact(i: dict, who: str) -> dict:
    return {
        "who": who,
        "direction": DIRECTION_LABELS.get(i["direction"], "Not assessed"),
        "inherent": _rating(i["inherent"]),
        "residual": _rating(i["residual"]),
        "mitigation": i["mitigation"] or "None recorded",
        "evidence": i["evidence"]
        or (f"Evidence gap: {i['evidence_gap_reason']}" if i["evidence_gap"] else "None"),
    }


def _signed_off(doc: dict) -> str:
    approvals = [
        s
        for s in doc["sign_offs"]
        if s["decision"] == "approved" and s["version"] == doc["version"]
    ]
    if not approvals:
        return "Not signed off yet."
    s = approvals[-1]
    words = f"Signed off by {s['approver']} on {long_date(s['signed_at'])}"
    if s["late"]:
        words += ", after the decision date"
    if doc.get("imported"):
        words += " (as the council's records say: imported, not signed off in this service)"
    return words + "."


def context(doc: dict, council: str, product: str) -> dict:
    """What a template can use, from the EIA's ``eia-document/1`` (eia.exports.document)."""
    proposal = doc["proposal"]
    impacts = [_impact(i, i["characteristic"]) for i in doc["impacts"]] + [
        _impact(x, x["description"] or " and ".join(x["characteristics"]))
        for x in doc["intersectional_impacts"]
    ]
    main = [
        i
        for i, raw in zip(impacts, [*doc["impacts"], *doc["intersectional_impacts"]], strict=True)
        if raw["direction"] in ("negative", "unclear")
    ]
    outcome = doc["outcome"]
    return {
        "council": council,
        "product": product,
        "reference": doc["reference"],
        "title": doc["title"] or "Untitled EIA",
        "version": doc["version"],
        "state": doc["state_label"],
        "outcome": outcome["label"] or "No outcome chosen yet.",
        "outcome_reason": outcome["reason"],
        "main_impacts": main,
        "mitigations": [
            {"who": i["who"], "mitigation": i["mitigation"]}
            for i in main
            if i["mitigation"] != "None recorded"
        ],
        "signed_off": _signed_off(doc),
        "proposal": [
            {"question": q, "answer": a or "Not given"}
            for q, a in (
                ("Reference", doc["reference"]),
                ("Summary", proposal["summary"]),
                ("Kind of proposal", PROPOSAL_TYPE_LABELS.get(proposal["proposal_type"])),
                ("Service", proposal["service"]),
                ("Directorate", proposal["directorate"]),
                ("Decision maker", proposal["decision_maker"]),
                ("Kind of decision", DECISION_TYPE_LABELS.get(proposal["decision_type"])),
                ("Decision date", long_date(proposal["decision_date"])),
                ("Review date", long_date(proposal["review_date"])),
            )
        ],
        "screening_conclusion": doc["screening"]["conclusion"],
        "screening": [
            {
                "characteristic": a["characteristic"],
                "relevance": RELEVANCE_LABELS.get(a["relevance"], "Not answered"),
                "reason": a["reason"],
            }
            for a in doc["screening"]["answers"]
        ],
        "impacts": impacts,
        "engagement": [
            {
                "who": e["who"],
                "how": ", ".join(p for p in (e["method"], long_date(e["held_on"])) if p),
                "said": e["what_they_said"],
                "changed": e["what_changed"],
            }
            for e in doc["engagement"]
        ],
        "actions": [
            {
                "description": a["description"],
                "owner": a["owner"] or "No owner",
                "due": long_date(a["due_date"]) or "No date",
                "status": ACTION_STATUS_LABELS.get(a["status"], a["status"]),
            }
            for a in doc["actions"]
        ],
        "sign_offs": [
            {
                "version": s["version"],
                "decision": (s["decision"] or "").capitalize(),
                "by": s["approver"],
                "on": long_date(s["signed_at"]),
            }
            for s in doc["sign_offs"]
        ],
        "outcome_labels": {k.value: v for k, v in OUTCOME_LABELS.items()},
    }


def render(template: Path, values: dict) -> bytes:
    """The Word document; TemplateProblem if the template is missing or cannot be used."""
    from docxtpl import DocxTemplate

    if not template.is_file():
        raise TemplateProblem(f"There is no Word template at {template}")
    try:
        document = DocxTemplate(str(template))
        document.render(values, autoescape=True)
        out = io.BytesIO()
        document.save(out)
    except Exception as exc:  # noqa: BLE001 - a council's own template: say what is wrong
        raise TemplateProblem(f"The Word template {template.name} cannot be used: {exc}") from exc
    return out.getvalue()
