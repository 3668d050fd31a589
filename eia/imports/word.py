"""Importing a council's past EIAs from Word (.docx) files made from one template, as
historical records (`eia import word FILE.docx ... --mapping MAPPING.json`).

A mapping (JSON: docs/word-mapping-example.json) names the template's headings, each with
where its text goes: a field of the register import (reference, title, directorate,
service, lead officer, dates, decision maker, screening result, outcome, approved by/on,
review date, published link, status) or a section of the EIA (proposal summary, screening
conclusion, outcome reason). Headings are matched whatever their case, spacing or final
colon. ``read`` finds the headings of a file (paragraphs in a Heading style, bold one-line
paragraphs, or the first cell of a two-column "label | value" table row) and the paragraphs
and table rows under each; ``check`` runs the register import's own checks on the mapped
fields (dates, people, directorate and service, outcome), writing nothing; ``import_files``
adds every checked file as one operation. The text under a heading the mapping does not
place (or maps to "original") is kept word for word as the EIA's imported original text
(``eia_imported_original``), never dropped. A file without a mapped reference gets ``W-``
and the start of its SHA-256, so importing the same file again changes nothing either
way."""

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field

from sqlmodel import Session, select

from eia import operations as ops
from eia.models import Eia, ImportedOriginal, Service
from eia.reporting import page_summaries

from . import register
from .table import Column, Table, words

MAX_BYTES = 10_000_000
# Where a heading's text can go besides a register field: the EIA's own sections.
SECTIONS = {
    "summary": "Proposal summary",
    "screening_conclusion": "Screening conclusion",
    "outcome_reason": "Outcome reason",
}
ORIGINAL = "original"  # kept as the imported original text (as an unmapped heading is)
TARGETS = {f.key: f.label for f in register.FIELDS} | SECTIONS | {ORIGINAL: "Original text"}
BEFORE_FIRST = "(before the first heading)"
SHA_REFERENCE = "(the file's SHA-256)"


class FileRefused(ValueError):
    """The file or the mapping cannot be used; the message says what to do."""


@dataclass(frozen=True)
class Problem:
    file: str
    heading: str  # the heading as the file has it ("" for the file as a whole)
    what: str
    todo: str

    def __str__(self) -> str:
        return f"{self.file}, {self.heading or 'the file'}: {self.what}. {self.todo}."


@dataclass
class Part:
    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class FilePlan:
    filename: str
    sha256: str
    reference: str = ""
    mapped: dict[str, str] = field(default_factory=dict)  # target -> the file's heading
    values: dict[str, str] = field(default_factory=dict)  # target -> its text
    original: list[dict] = field(default_factory=list)  # kept: heading and paragraphs
    problems: list[Problem] = field(default_factory=list)
    unchanged: bool = False
    plan: register.Plan | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def heading_key(text: str) -> str:
    return " ".join(words(text))


def read_mapping(content: bytes) -> dict[str, str]:
    """The mapping file: {"headings": {"the template's heading": "target", ...}} ->
    {heading key: target}. Raises FileRefused saying what is wrong."""
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FileRefused(
            "The mapping is not JSON: start from docs/word-mapping-example.json"
        ) from exc
    headings = data.get("headings") if isinstance(data, dict) else None
    if not isinstance(headings, dict) or not headings:
        raise FileRefused(
            'The mapping has no "headings": list the template\'s headings as in '
            "docs/word-mapping-example.json"
        )
    mapping: dict[str, str] = {}
    for heading, target in headings.items():
        if target not in TARGETS:
            raise FileRefused(
                f"The mapping sends “{heading}” to “{target}”, which is not a field or "
                f"section: use one of {', '.join(sorted(TARGETS))}"
            )
        key = heading_key(heading)
        if not key:
            raise FileRefused(f"The mapping has a heading with no words (“{heading}”)")
        mapping[key] = target
    fields = [t for t in mapping.values() if t != ORIGINAL]
    doubled = sorted({t for t in fields if fields.count(t) > 1})
    if doubled:
        raise FileRefused(
            f"The mapping sends more than one heading to {', '.join(doubled)}: "
            "keep one heading for each field"
        )
    return mapping


def _is_heading(paragraph) -> bool:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.startswith("Heading") or style == "Title":
        return True
    text = paragraph.text.strip()
    runs = [r for r in paragraph.runs if r.text.strip()]
    return bool(
        runs
        and len(text) <= 120
        and "\n" not in text
        and all(r.bold or (r.style is not None and r.style.font.bold) for r in runs)
    )


def read(content: bytes, mapping: dict[str, str]) -> list[Part]:
    """The file's parts in order: each heading and the text under it (table rows as their
    cells joined by " | "; a two-column row whose first cell is a mapped heading is a
    heading and its value). Raises FileRefused when it is not a Word file."""
    if not content:
        raise FileRefused("The file is empty: choose the EIA's Word (.docx) file")
    if len(content) > MAX_BYTES:
        raise FileRefused("The file must be smaller than 10 MB")
    try:
        import docx  # python-docx: only when a Word file comes
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(content))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise FileRefused(
            "It is not a Word (.docx) file: open it in Word and save it as .docx"
        ) from exc
    parts = [Part(BEFORE_FIRST)]
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if not text:
                continue
            if _is_heading(item):
                parts.append(Part(text))
            else:
                parts[-1].paragraphs.append(text)
        elif isinstance(item, DocxTable):
            for row in item.rows:
                cells, seen = [], set()
                for cell in row.cells:  # a merged cell comes once per grid column
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(cell.text.strip())
                if len(cells) == 2 and heading_key(cells[0]) in mapping:
                    parts.append(Part(cells[0], [cells[1]] if cells[1] else []))
                elif any(cells):
                    parts[-1].paragraphs.append(" | ".join(cells))
    return [p for p in parts if p.heading != BEFORE_FIRST or p.paragraphs]


def _plan_file(filename: str, content: bytes, mapping: dict[str, str]) -> FilePlan:
    sha = hashlib.sha256(content).hexdigest()
    plan = FilePlan(filename=filename, sha256=sha)
    try:
        parts = read(content, mapping)
    except FileRefused as problem:
        plan.problems.append(Problem(filename, "", str(problem).split(":")[0], _todo(problem)))
        return plan
    for part in parts:
        target = mapping.get(heading_key(part.heading))
        if target is None or target == ORIGINAL:
            plan.original.append({"heading": part.heading, "paragraphs": part.paragraphs})
            continue
        if target in plan.mapped:
            plan.problems.append(
                Problem(
                    filename,
                    part.heading,
                    f"The heading comes twice (it was “{plan.mapped[target]}” before)",
                    'Keep one of them in the file, or map the second to "original"',
                )
            )
            continue
        plan.mapped[target] = part.heading
        joiner = "\n\n" if target in SECTIONS else " "
        plan.values[target] = joiner.join(part.paragraphs).strip()
    return plan


def _todo(problem: FileRefused) -> str:
    text = str(problem)
    return text.split(":", 1)[1].strip().capitalize() if ":" in text else "Check the file"


def check(session: Session, files: list[tuple[str, bytes]], mapping: dict[str, str]):
    """The dry run: every file read and checked against the database; nothing written."""
    plans = []
    references: dict[str, str] = {}
    for filename, content in files:
        plan = _plan_file(filename, content, mapping)
        plans.append(plan)
        if plan.problems:
            continue
        _check_fields(session, plan)
        if plan.reference and plan.reference in references and not plan.unchanged:
            plan.problems.append(
                Problem(
                    filename,
                    plan.mapped.get("reference", ""),
                    f"{references[plan.reference]} has the same reference {plan.reference}",
                    "Give each EIA its own reference, or import one of them",
                )
            )
        references.setdefault(plan.reference, filename)
    return plans


def _check_fields(session: Session, plan: FilePlan) -> None:
    """The register import's checks on the mapped fields, as a table of one row."""
    keys = [f.key for f in register.FIELDS if f.key in plan.values]
    columns = [Column(i, plan.mapped[k]) for i, k in enumerate(keys)]
    cells = [plan.values[k] for k in keys]
    if "reference" not in plan.values:
        keys.append("reference")
        columns.append(Column(len(columns), SHA_REFERENCE))
        cells.append(f"W-{plan.sha256[:12]}")
    missing = [register.FIELD_BY_KEY[k].label for k in register.REQUIRED if k not in keys]
    if missing:
        for label in missing:
            plan.problems.append(
                Problem(
                    plan.filename,
                    "",
                    f"No heading mapped to {label.lower()} is in the file",
                    f"Add the template's heading for the {label.lower()} to the mapping, "
                    "or fill it in under that heading in the file",
                )
            )
        return
    plan.reference = register._text(cells[keys.index("reference")])
    mapping = {f.key: (keys.index(f.key) if f.key in keys else None) for f in register.FIELDS}
    checked = register.check(session, Table(columns, [(1, cells)], 0), mapping)
    plan.plan = checked
    plan.unchanged = bool(checked.unchanged)
    for p in checked.problems:
        todo = p.todo.replace(", or remove the row", " under its heading")
        heading = "" if p.column == SHA_REFERENCE else p.column
        plan.problems.append(Problem(plan.filename, heading, p.what, todo))


def import_files(session: Session, actor, plans: list[FilePlan]) -> list[Eia]:
    """Add every checked file's EIA as one operation (the caller commits once). Refuses
    plans with any problem: files with errors import nothing. Files imported before
    change nothing."""
    from eia import admin_operations as admin_ops

    problems = sum(len(p.problems) for p in plans)
    if problems:
        raise ops.EditRefused([f"{problems} problems in the files: nothing imported"])
    to_import = [p for p in plans if not p.unchanged]
    if not to_import:
        return []
    services = {s.id: s for s in session.exec(select(Service)).all()}
    eias, people_added = [], 0
    for plan in to_import:
        source = f"Word file {plan.filename[:120]} (SHA-256 {plan.sha256[:12]})"
        ids = {}
        for key, person in plan.plan.people.items():
            ids[key] = admin_ops.add_imported_person(
                session,
                actor,
                name=person.name,
                email=person.email,
                role=person.role,
                service_id=person.service_id,
                directorate_id=person.directorate_id,
                source=source,
            ).id
        people_added += len(ids)

        def who(key, ids=ids):
            return int(key[3:]) if key.startswith("id:") else ids[key]

        row = plan.plan.rows[0]
        sections = {k: plan.values[k] for k in SECTIONS if plan.values.get(k)}
        record = ops.HistoricalRecord(
            reference=row.reference,
            service=services[row.service_id],
            owner_id=who(row.owner),
            status=row.status,
            # The sections and the original text go into the import's audit record too.
            values={**row.values, **sections, "original_text": plan.original},
            source=source,
            approver_id=who(row.approver) if row.approver else None,
            approved_on=row.approved_on,
        )
        eia_id = ops.import_historical_eias(session, actor, [record])[row.reference]
        eia = session.get(Eia, eia_id)
        eia.summary = sections.get("summary", "")
        if sections.get("screening_conclusion"):
            eia.screening_conclusion = sections["screening_conclusion"]
        eia.outcome_reason = sections.get("outcome_reason", "")
        session.add(eia)
        if plan.original:
            session.add(ImportedOriginal(eia_id=eia.id, source=source, parts=plan.original))
        session.flush()
        page_summaries.keep(session, eia)
        eias.append(eia)
    admin_ops.record_word_import(
        session,
        actor,
        {
            "files": [
                {"file": p.filename[:200], "sha256": p.sha256, "reference": p.reference}
                for p in to_import
            ],
            "eias": len(eias),
            "people_added": people_added,
            "unchanged": len(plans) - len(to_import),
        },
    )
    return eias


def describe(plan: FilePlan, mapping: dict[str, str]) -> list[str]:
    """What the dry run says of a file: what was mapped, what was kept as original text."""
    lines = [f"{plan.filename}:"]
    for target, heading in plan.mapped.items():
        lines.append(f"  {TARGETS[target]:<22} from “{heading}”")
    missing = sorted({t for t in mapping.values() if t != ORIGINAL} - set(plan.mapped))
    for target in missing:
        lines.append(f"  {TARGETS[target]:<22} (no such heading in the file)")
    for part in plan.original:
        lines.append(f"  Kept as original text: “{part['heading']}”")
    return lines
