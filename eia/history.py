"""The audit trail in plain words, e.g. "Returned to full assessment by Ann Approver on
3 March 2026: add evidence for disability"."""

import json
from dataclasses import dataclass

from eia.dates import long_date
from eia.models import AuditRecord
from workflows.lifecycle import EVENT_RECORDS, event, section_short_name, state

# The history's words for each event (the lifecycle table's).
TRANSITION_PHRASES = {e.name: e.phrase for e in EVENT_RECORDS}


@dataclass(frozen=True)
class HistoryEntry:
    headline: str  # what happened, who and when
    comment: str  # what the person wrote with it, if anything

    @property
    def text(self) -> str:
        return f"{self.headline}: {self.comment}" if self.comment else self.headline


def section_name(section: str) -> str:
    return section_short_name(section)


def _what(record: AuditRecord) -> str:
    if record.action == "comment":
        return f"Comment on {section_name(record.event).lower()}"
    if record.action == "import":
        return f"Imported as a historical record ({state(record.to_state).label.lower()})"
    if record.action == "edit":
        return "Created" if record.event == "created" else f"{section_name(record.event)} edited"
    if record.event not in TRANSITION_PHRASES:
        return record.event.replace("_", " ").capitalize()
    words = event(record.event)
    if not words.phrase_detail:
        return words.phrase
    fields = {"version": record.eia_version}
    if "{to_state}" in words.phrase_detail:
        fields["to_state"] = state(record.to_state).label.lower()
    return f"{words.phrase} {words.phrase_detail.format(**fields)}"


def _afterword(record: AuditRecord, details: dict) -> str:
    if record.event == "approve" and details.get("late"):
        reason = details.get("late_reason")
        return f" (late: {reason})" if reason else " (late)"
    if record.event == "confirm_review" and details.get("next_review_date"):
        return f" (next review on {long_date(details['next_review_date'])})"
    return ""


def describe(record: AuditRecord) -> HistoryEntry:
    details = json.loads(record.details or "{}")
    who = "automatically" if record.actor_id is None else f"by {record.actor_name}"
    headline = (
        f"{_what(record)} {who} on {long_date(record.occurred_at)}{_afterword(record, details)}"
    )
    return HistoryEntry(headline, record.comment)


def history(records: list[AuditRecord]) -> list[HistoryEntry]:
    return [describe(r) for r in records]


# --- for the audit page (eia/web/audit_pages.py): what happened, without who and when ---
def what_happened(record: AuditRecord) -> str:
    """ "Returned to full assessment", "Approved (late: ...)", "Screening edited"; for an
    administration change, what changed ("Role of ... changed from Officer to Approver")."""
    if record.action == "admin":
        from eia.admin_history import what_changed

        return what_changed(record)
    return _what(record) + _afterword(record, json.loads(record.details or "{}"))
