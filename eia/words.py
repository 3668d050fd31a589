"""Counted nouns in plain English: "1 action", "2 actions", never a bracketed "(s)"."""


def plural(count: int, one: str, many: str | None = None) -> str:
    """``count`` and the noun that goes with it.

    plural(1, "open action") is "1 open action", plural(2, "open action") "2 open actions",
    plural(3, "person", "people") "3 people". In templates: ``{{ n | plural("action") }}``.
    """
    return f"{count} {one if count == 1 else (many or one + 's')}"
