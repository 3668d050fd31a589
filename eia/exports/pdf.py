"""HTML to an accessible PDF with WeasyPrint: tagged (PDF/UA-1: a structure tree, /MarkInfo
/Marked true, headings, tables with header cells, real text), with its title and language
set from the HTML's <title> and lang (templates/pdf/eia.html, templates/pdf/eia.css), in
DejaVu fonts found through fontconfig.

Nothing is fetched: the stylesheet is read from disk and handed over as text, and
the URL fetcher refuses every URL (an image or stylesheet link slipped into user text would
otherwise make the server fetch it). ``data:`` URLs, which carry their content inline, are
the only exception.
"""

from eia.paths import PDF_STYLESHEET as STYLESHEET

PDF_VARIANT = "pdf/ua-1"  # WeasyPrint 70: implies pdf_tags=True and PDF 1.7


def _fetcher():
    from weasyprint.urls import URLFetcher

    class OfflineFetcher(URLFetcher):
        """Refuses every URL but ``data:``: a PDF is built from what is on this server."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"PDFs fetch nothing from elsewhere: refused {url[:80]}")

    return OfflineFetcher(allowed_protocols=("data",))


def html_to_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    fetcher = _fetcher()
    stylesheet = CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf(
        stylesheets=[stylesheet], pdf_variant=PDF_VARIANT
    )


def pdf_response(html: str, filename: str):
    return pdf_bytes_response(html_to_pdf(html), filename)


def pdf_bytes_response(body: bytes, filename: str):
    """Never cached: an EIA made confidential must vanish from the public at once."""
    from flask import Response

    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in filename) or "eia"
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{safe}.pdf"',
            "Cache-Control": "no-store",
        },
    )
