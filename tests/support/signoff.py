"""Deciding on an EIA's sign-off page as a browser would."""

from .html import parse


def shown_fingerprint(client, url) -> str:
    """The fingerprint of the content the sign-off page shows, as its form carries it."""
    return parse(client.get(url)).select_one("input[name=seen]")["value"]


def decide(client, url, **data):
    """Open the sign-off page, then post the decision from it, as a browser would."""
    return client.post(url, data={"seen": shown_fingerprint(client, url), **data})
