"""The public PDF of an EIA's approved version, built once and kept (``public_pdf``).

Building a PDF takes about 0.4 s, and the public one is asked for by anyone, signed in or
not; but it shows a version that never changes. So the first request builds it and keeps it
in the database (every web worker and container then serves the same bytes), keyed by EIA
and version and by the SHA-256 of the HTML it was built from: the HTML is rendered on each
request (milliseconds) and, while it is the same, the kept PDF is served as it is. When what
the PDF would say changes (the EIA's public status, the council's name, a new template) the
key no longer matches and it is built again, once.

Whether the EIA may be shown at all is decided before this, on every request
(``eia.exports.public.published_version``): a kept PDF of an EIA since made confidential,
unpublished or otherwise not public is never served.

On PostgreSQL one request builds while the others asking for the same EIA wait on its
public copy's row, then serve what it kept. On SQLite (one machine, development) the write
lock is not held while building; two requests at once may both build, and one PDF is kept.
"""

import hashlib

import sqlalchemy as sa
from sqlmodel import Session, select

from eia.models import PublicCopy, PublicPdf, utcnow

from .pdf import html_to_pdf


def content_key(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def _kept(session: Session, copy: PublicCopy, key: str) -> bytes | None:
    body = session.exec(
        select(PublicPdf.pdf).where(
            PublicPdf.eia_id == copy.eia_id,
            PublicPdf.version == copy.version,
            PublicPdf.content_key == key,
        )
    ).first()
    return bytes(body) if body is not None else None


def kept_pdf(session: Session, copy: PublicCopy, html: str) -> bytes:
    """The PDF of ``html`` for this public copy: the kept one, or built now and kept."""
    key = content_key(html)
    body = _kept(session, copy, key)
    if body is not None:
        return body
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # One builder per EIA at a time: the others wait here, then find its PDF.
        session.exec(select(PublicCopy.id).where(PublicCopy.id == copy.id).with_for_update())
        body = _kept(session, copy, key)
        if body is not None:
            session.commit()
            return body
    else:
        session.commit()  # SQLite's write lock is not held for the build
    body = html_to_pdf(html)
    if not postgres:
        kept = _kept(session, copy, key)
        if kept is not None:  # another request kept one meanwhile
            session.commit()
            return kept
    session.exec(
        sa.delete(PublicPdf).where(
            PublicPdf.eia_id == copy.eia_id, PublicPdf.version == copy.version
        )
    )
    session.add(
        PublicPdf(
            eia_id=copy.eia_id, version=copy.version, content_key=key, pdf=body, built_at=utcnow()
        )
    )
    session.commit()
    return body
