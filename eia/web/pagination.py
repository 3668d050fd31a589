"""Long lists a page at a time: the page number from the query string, and the parameters of
GOV.UK Frontend's pagination component (first, last, and two either side of the current
page, with ellipses between), each link keeping the list's other query-string values."""

from math import ceil

from flask import request, url_for


def page_number() -> int | None:
    """``?page=`` as a whole number from 1 (1 when absent), or None when it is not one (the
    page then says so in its error summary)."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 10**6 else None


def page_count(total: int, page_size: int) -> int:
    """How many pages ``total`` rows make (at least one, so an empty list has a page)."""
    return max(1, ceil(total / page_size))


def pagination(page: int, pages: int, endpoint: str, args: dict, label: str) -> dict | None:
    """The component's parameters, or None when everything fits on one page. ``label`` names
    the navigation landmark ("Pages of audit records")."""
    if pages <= 1:
        return None

    def href(n: int) -> str:
        return url_for(endpoint, **args, page=n)

    items, last = [], 0
    for n in range(1, pages + 1):
        if n in (1, pages) or abs(n - page) <= 2:
            if last and n - last > 1:
                items.append({"ellipsis": True})
            items.append(
                {
                    "number": str(n),
                    "href": href(n),
                    "current": n == page,
                    "visuallyHiddenText": f"Page {n}",
                }
            )
            last = n
    return {
        "items": items,
        "previous": {"href": href(page - 1)} if page > 1 else None,
        "next": {"href": href(page + 1)} if page < pages else None,
        "landmarkLabel": label,
    }
