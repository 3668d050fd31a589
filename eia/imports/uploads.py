"""Files kept between the steps of an import (``import_upload``): working material that
changes no record, so not in the audit trail. The import itself is (eia.imports.register)."""

import hashlib

from sqlmodel import Session

from eia.models import ImportUpload, User, utcnow

from .table import Table, table_from_json, table_json

_MAX_ID = 2**31 - 1


def keep(
    session: Session, person: User, filename: str, content: bytes, table: Table
) -> ImportUpload:
    upload = ImportUpload(
        kind="register",
        filename=(filename or "register")[:255],
        content=content,
        table=table_json(table),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by_id=person.id,
    )
    session.add(upload)
    session.flush()
    return upload


def find(session: Session, upload_id: int) -> ImportUpload | None:
    if not 0 < upload_id <= _MAX_ID:
        return None
    return session.get(ImportUpload, upload_id)


def set_mapping(session: Session, upload: ImportUpload, mapping: dict) -> None:
    upload.mapping = mapping
    session.add(upload)
    session.flush()


def mark_imported(session: Session, upload: ImportUpload) -> None:
    upload.imported_at = utcnow()
    session.add(upload)
    session.flush()


def table_of(upload: ImportUpload) -> Table:
    return table_from_json(upload.table)
