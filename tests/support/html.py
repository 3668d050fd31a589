"""Reading the pages the app answers with: parsed, as words, and the GOV.UK parts the tests
look at (the notification banner, the error summary, the task list)."""

from bs4 import BeautifulSoup


def parse(page) -> BeautifulSoup:
    """A response (or its HTML, as bytes or text) parsed."""
    return BeautifulSoup(getattr(page, "data", page), "html.parser")


def words(thing) -> str:
    """The text of a response or an element, its whitespace collapsed to single spaces."""
    element = thing if hasattr(thing, "get_text") else parse(thing)
    return " ".join(element.get_text().split())


def banner(response) -> str:
    """The words of the page's notification banner, or ""."""
    found = parse(response).find(class_="govuk-notification-banner")
    return words(found) if found else ""


def error_summary(response) -> list[tuple[str, str | None]]:
    """(text, href) of each entry in the error summary."""
    summary = parse(response).find(class_="govuk-error-summary")
    assert summary is not None, response.text[:2000]
    return [(words(li), li.a["href"] if li.a else None) for li in summary.find_all("li")]


def tasks(response_or_page) -> dict[str, tuple[str, str | None, str]]:
    """Task list: title -> (status, link, hint)."""
    page = (
        response_or_page if isinstance(response_or_page, BeautifulSoup) else parse(response_or_page)
    )
    found = {}
    for item in page.find_all(class_="govuk-task-list__item"):
        name = item.find(class_="govuk-task-list__name-and-hint")
        link = name.find("a")
        title = words(link if link else name.find("div"))
        hint = name.find(class_="govuk-task-list__hint")
        found[title] = (
            words(item.find(class_="govuk-task-list__status")),
            link["href"] if link else None,
            words(hint) if hint else "",
        )
    return found


def get_page(client, url: str, status: int = 200) -> BeautifulSoup:
    """GET ``url``, which must answer ``status``, parsed."""
    response = client.get(url)
    assert response.status_code == status, response.data[:500]
    return parse(response)
