"""Administration changes in the audit trail, in plain words: "Role of Olu Officer
(olu@islington.gov.uk) changed from Officer to Approver", "Directorate Environment added".

Built from the record's details (eia/admin_operations.py writes them); a record whose
details are not what this expects is still described, by its event's name."""

import json

from eia.admin_operations import EVENTS
from eia.models import AuditRecord
from eia.models.enums import ROLE_LABELS

_FIELD_WORDS = {"name": "name", "guidance": "guidance", "borough_profile": "borough profile"}


def _role(value) -> str:
    return ROLE_LABELS.get(value, str(value))


def _name(value) -> str:
    return value.get("name", "?") if isinstance(value, dict) else "none"


def _who(details: dict) -> str:
    user = details.get("user") or {}
    return f"{user.get('name', '?')} ({user.get('email', '?')})"


def _team(details: dict) -> str:
    parts = [(key, details[key]) for key in ("service", "directorate") if key in details]
    if len(parts) == 1:
        key, (old, new) = parts[0]
        return f"{key.capitalize()} of {_who(details)} changed from {_name(old)} to {_name(new)}"
    changes = ", ".join(f"{key} from {_name(old)} to {_name(new)}" for key, (old, new) in parts)
    return f"Service and directorate of {_who(details)} changed: {changes}"


def _user_created(d: dict) -> str:
    team = "".join(f", {key} {_name(d[key])}" for key in ("service", "directorate") if d.get(key))
    return f"{_who(d)} added with the role {_role(d.get('role'))}{team}"


def _characteristic_changed(d: dict) -> str:
    name = d["name"][0] if "name" in d else _name(d.get("characteristic"))
    fields = [
        _FIELD_WORDS[f] + (f" (now {d[f][1]})" if f == "name" else "")
        for f in _FIELD_WORDS
        if f in d
    ]
    return f"Characteristic {name} changed: {', '.join(fields)}"


def _moved(d: dict) -> str:
    old, new = d.get("place", ["?", "?"])
    return (
        f"Characteristic {_name(d.get('characteristic'))} moved {d.get('direction')} "
        f"(from place {old} to {new})"
    )


def _mapping(m: dict) -> str:
    kind = "app role" if m.get("kind") == "app_role" else "group"
    gives = [_role(m["role"])] if m.get("role") else []
    gives += [f"{key} {_name(m[key])}" for key in ("service", "directorate") if m.get(key)]
    return f"{kind} {m.get('value')} → {', '.join(gives) or 'nothing'}"


_DESCRIBE = {
    "user_created": _user_created,
    "user_imported": lambda d: f"{_user_created(d)}, inactive, by an import from {d['source']}",
    "register_imported": lambda d: (
        f"Register {d['file']} imported: {d['eias']} EIAs and {d['people_added']} people added,"
        f" {d['unchanged']} EIAs already imported left as they were"
    ),
    "word_imported": lambda d: (
        f"Word files imported: {', '.join(f['file'] for f in d['files'])}"
        f" ({d['eias']} EIAs and {d['people_added']} people added)"
    ),
    "user_renamed": lambda d: (
        f"User {d['name'][0]} ({(d.get('user') or {}).get('email')}) renamed to {d['name'][1]}"
    ),
    "user_role_changed": lambda d: (
        f"Role of {_who(d)} changed from {_role(d['role'][0])} to {_role(d['role'][1])}"
    ),
    "user_team_changed": _team,
    "user_password_reset": lambda d: f"Password of {_who(d)} reset",
    "user_deactivated": lambda d: f"{_who(d)} deactivated",
    "user_reactivated": lambda d: f"{_who(d)} reactivated",
    "directorate_created": lambda d: f"Directorate {_name(d['directorate'])} added",
    "directorate_renamed": lambda d: f"Directorate {d['name'][0]} renamed to {d['name'][1]}",
    "directorate_deleted": lambda d: f"Directorate {_name(d['directorate'])} deleted",
    "service_created": lambda d: (
        f"Service {_name(d['service'])} added to {_name(d['directorate'])}"
    ),
    "service_renamed": lambda d: (
        f"Service {d['name'][0]} ({_name(d['directorate'])}) renamed to {d['name'][1]}"
    ),
    "service_deleted": lambda d: (
        f"Service {_name(d['service'])} deleted from {_name(d['directorate'])}"
    ),
    "characteristic_created": lambda d: f"Local characteristic {_name(d['characteristic'])} added",
    "characteristic_changed": _characteristic_changed,
    "characteristic_deactivated": lambda d: (
        f"Characteristic {_name(d['characteristic'])} deactivated"
    ),
    "characteristic_reactivated": lambda d: (
        f"Characteristic {_name(d['characteristic'])} reactivated"
    ),
    "characteristic_moved": _moved,
    "user_email_changed": lambda d: (
        f"Email address of {_who(d)} changed from {d['email'][0]} to {d['email'][1]}"
    ),
    "identity_linked": lambda d: (
        f"{_who(d)} linked to their account at {d['issuer']}"
        + (" (matched by email address)" if d.get("matched_by_email") else "")
    ),
    "sign_in_setting_changed": lambda d: (
        f"Sign-in setting “{d['setting']}” changed from "
        f"{d['value'][0] or 'the default'} to "
        f"{d['value'][1]}"
    ),
    "claim_mapping_created": lambda d: f"Sign-in mapping added: {_mapping(d['mapping'])}",
    "claim_mapping_changed": lambda d: (
        f"Sign-in mapping changed from {_mapping(d['before'])} to {_mapping(d['mapping'])}"
    ),
    "claim_mapping_deleted": lambda d: f"Sign-in mapping removed: {_mapping(d['mapping'])}",
    "claim_mappings_imported": lambda d: (
        f"Sign-in mappings imported: {len(d['after'])} replaced {len(d['before'])}"
    ),
    "sign_in_code_issued": lambda d: f"One-time sign-in code issued to {_who(d)}",
    "sign_in_code_used": lambda d: f"{_who(d)} signed in with a one-time code",
    "user_pseudonymised": lambda d: f"A leaver pseudonymised: now {_who(d)}",
    "retention_applied": lambda d: (
        "Old personal data deleted on schedule: "
        + (
            ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in d["counts"].items() if v)
            or "none due"
        )
    ),
    "audit_rechained": lambda d: (
        f"Audit trail re-chained (a person hashed by their id) after record {d['old_head']['seq']}"
    ),
    "benchmark_council_added": lambda d: (
        f"{d['council']['name']} added to the practice comparison"
        + (f" from {d['feed_url']}" if d.get("feed_url") else " from a file")
        + f", its key {d['key_source']}: {', '.join(d['years']) or 'no years'}"
    ),
    "benchmark_council_refreshed": lambda d: (
        f"{d['council']['name']}'s practice feed could not be refreshed: {d['error']}"
        if d.get("error")
        else f"{d['council']['name']}'s practice feed refreshed: "
        f"{', '.join(d['years']) or 'no newer years'}"
    ),
}


def what_changed(record: AuditRecord) -> str:
    """The administration change a record holds, in a sentence."""
    try:
        return _DESCRIBE[record.event](json.loads(record.details or "{}"))
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        label = EVENTS.get(record.event, record.event.replace("_", " "))
        return f"Administration: {label}"
