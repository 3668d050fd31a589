"""How wide a line of text is, for charts drawn on the server (SVG text does not wrap).

The pages set every font to Arial (``eia/web/static/app.css``); where Arial is missing,
browsers use a metric-compatible face (Liberation Sans, Arimo, Helvetica), so one table of
advance widths serves them all. The widths are Arial's (and Helvetica's), in thousandths of
the font size, for the printable ASCII characters and a few others the product writes;
anything else counts as wide as "M" and a little is added, so an estimate errs long and
text is wrapped before it could be cut off.
"""

_ASCII = "".join(chr(c) for c in range(32, 127))
_OTHERS = "’‘“”–—×£…éè·"

# Generated from LiberationSans-Regular.ttf and -Bold.ttf (hmtx, 2048 units to the em).
_REGULAR = dict(
    zip(
        _ASCII + _OTHERS,
        (
            278,
            278,
            355,
            556,
            556,
            889,
            667,
            191,
            333,
            333,
            389,
            584,
            278,
            333,
            278,
            278,
            556,
            556,
            556,
            556,
            556,
            556,
            556,
            556,
            556,
            556,
            278,
            278,
            584,
            584,
            584,
            556,
            1015,
            667,
            667,
            722,
            722,
            667,
            611,
            778,
            722,
            278,
            500,
            667,
            556,
            833,
            722,
            778,
            667,
            778,
            722,
            667,
            611,
            722,
            667,
            944,
            667,
            667,
            611,
            278,
            278,
            278,
            469,
            556,
            333,
            556,
            556,
            500,
            556,
            556,
            278,
            556,
            556,
            222,
            222,
            500,
            222,
            833,
            556,
            556,
            556,
            556,
            333,
            500,
            278,
            556,
            500,
            722,
            500,
            500,
            500,
            334,
            260,
            334,
            584,
            222,
            222,
            333,
            333,
            556,
            1000,
            584,
            556,
            1000,
            556,
            556,
            278,
        ),
        strict=True,
    )
)
_BOLD = dict(
    zip(
        _ASCII + _OTHERS,
        (
            278,
            333,
            474,
            556,
            556,
            889,
            722,
            238,
            333,
            333,
            389,
            584,
            278,
            333,
            278,
            278,
            556,
            556,
            556,
            556,
            556,
            556,
            556,
            556,
            556,
            556,
            333,
            333,
            584,
            584,
            584,
            611,
            975,
            722,
            722,
            722,
            722,
            667,
            611,
            778,
            722,
            278,
            556,
            722,
            611,
            833,
            722,
            778,
            667,
            778,
            722,
            667,
            611,
            722,
            667,
            944,
            667,
            667,
            611,
            333,
            278,
            333,
            584,
            556,
            333,
            556,
            611,
            556,
            611,
            556,
            333,
            611,
            611,
            278,
            278,
            556,
            278,
            889,
            611,
            611,
            611,
            611,
            389,
            556,
            333,
            611,
            556,
            778,
            556,
            556,
            500,
            389,
            280,
            389,
            584,
            278,
            278,
            500,
            500,
            556,
            1000,
            584,
            556,
            1000,
            556,
            556,
            278,
        ),
        strict=True,
    )
)
_UNKNOWN = 1000
SAFETY = 1.05  # estimates err long by this much (rounding, hinting, a near-Arial face)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of ``text`` on one line at ``size`` px, in px (an estimate that errs long)."""
    widths = _BOLD if bold else _REGULAR
    return sum(widths.get(c, _UNKNOWN) for c in text) * size / 1000 * SAFETY


def wrap(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """``text`` in lines no wider than ``width`` px: broken between words, and a word too
    long for a line of its own broken inside (a long reference or address)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size, bold=bold) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while text_width(word, size, bold=bold) > width:
            cut = max(
                1,
                max(
                    n
                    for n in range(1, len(word) + 1)
                    if n == 1 or text_width(word[:n], size, bold=bold) <= width
                ),
            )
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line or not lines:
        lines.append(line)
    return lines
