"""Pictures of which cells of a 2-D result are wrong: a boolean mask in, text or SVG out.

A failure message of :func:`grader.asserts.assert_close` on a 2-D or larger tensor can end
with a map of the wrong cells of one 2-D slice, one character per cell (``x`` wrong, ``.``
right), or per block of cells for a big slice (``x`` when any cell of the block is wrong)::

    ... Map of the wrong cells (6x8; x wrong, . right): ........|.xx.....|.xx.....|...

The rows are joined by ``|`` so that the map survives the one-line messages results carry;
:func:`expand` puts it back on lines for a terminal and :func:`html` draws it as an SVG for a
notebook. The map holds only which cells are wrong, never a value. Nothing here imports torch:
the checker reduces a tensor's mask and passes nested lists of bools.
"""

from __future__ import annotations

import html as _html
import math
import re
from collections.abc import Sequence

MAX_ROWS = 24
"""The most rows a map has."""
MAX_COLS = 48
"""The most characters a row of a map has."""
WRONG, RIGHT, ROW_SEPARATOR = "x", ".", "|"
_HEAD = "Map of the wrong cells"
_FOUND = re.compile(r"(?:^|\s)(" + _HEAD + r"(?: of \[[\d, :]*\])? \([^()]*\)): "
                    r"([.x]+(?:\|[.x]+)+)\s*$")


def block_size(shape: tuple[int, int], *, max_rows: int = MAX_ROWS, max_cols: int = MAX_COLS,
               max_chars: int | None = None) -> tuple[int, int]:
    """The smallest block (rows, columns) of cells one character can stand for.

    The map of a ``shape`` slice is then at most ``max_rows`` by ``max_cols`` characters
    and, with its row separators, at most ``max_chars`` long (when given).
    """
    height, width = shape
    rows, cols = max(1, math.ceil(height / max_rows)), max(1, math.ceil(width / max_cols))
    if max_chars is not None:
        while math.ceil(height / rows) * (math.ceil(width / cols) + 1) > max_chars and (
                rows < height or cols < width):
            # Widen the blocks of the longer side first, so the map keeps the slice's shape.
            if (math.ceil(width / cols) >= math.ceil(height / rows) or rows >= height) \
                    and cols < width:
                cols += 1
            else:
                rows += 1
    return rows, cols


def reduce(mask: Sequence[Sequence[bool]], block: tuple[int, int]) -> list[list[bool]]:
    """``mask`` in blocks of ``block`` cells: a block is wrong when any of its cells is."""
    rows, cols = block
    height = len(mask)
    width = len(mask[0]) if height else 0
    return [[any(mask[i][j] for i in range(r, min(r + rows, height))
                 for j in range(c, min(c + cols, width)))
             for c in range(0, width, cols)] for r in range(0, height, rows)]


def text_map(mask: Sequence[Sequence[bool]]) -> list[str]:
    """One string per row of ``mask``: ``x`` for a wrong cell, ``.`` for a right one."""
    return ["".join(WRONG if cell else RIGHT for cell in row) for row in mask]


def describe(rows: list[str], *, shape: tuple[int, int], block: tuple[int, int] = (1, 1),
             of: str = "") -> str:
    """The map sentence of a failure message (``rows`` from :func:`text_map`).

    Args:
        rows: the map, one string per row.
        shape: the (height, width) of the slice the map shows.
        block: how many cells (rows, columns) each character stands for.
        of: which slice it is, e.g. ``"[0, 1, :, :]"`` (empty for a 2-D tensor).
    """
    where = f" of {of}" if of else ""
    key = (f"one character per {block[0]}x{block[1]} block, x if any of its cells is wrong"
           if block != (1, 1) else "x wrong, . right")
    return f"{_HEAD}{where} ({shape[0]}x{shape[1]}; {key}): " + ROW_SEPARATOR.join(rows)


def mask_map(mask: Sequence[Sequence[bool]], *, of: str = "", max_rows: int = MAX_ROWS,
             max_cols: int = MAX_COLS, max_chars: int | None = None) -> str:
    """The map sentence for a 2-D boolean ``mask`` (True: wrong), reduced to fit.

    Returns an empty string when a map would tell nothing: no wrong cell, or every character
    of the (reduced) map wrong.
    """
    shape = (len(mask), len(mask[0]) if len(mask) else 0)
    if not shape[0] or not shape[1]:
        return ""
    block = block_size(shape, max_rows=max_rows, max_cols=max_cols, max_chars=max_chars)
    rows = text_map(reduce(mask, block))
    if not informative(rows):
        return ""
    return describe(rows, shape=shape, block=block, of=of)


def informative(rows: list[str]) -> bool:
    """A map shows something: it has right and wrong characters, and more than one row."""
    text = "".join(rows)
    return len(rows) > 1 and WRONG in text and RIGHT in text


def split(message: str) -> tuple[str, str, list[str]] | None:
    """(the text before the map, the map's heading, its rows), or None without a map."""
    found = _FOUND.search(message)
    if found is None:
        return None
    return message[:found.start()].rstrip(), found.group(1), found.group(2).split(ROW_SEPARATOR)


def expand(message: str, indent: str = "  ") -> str:
    """``message`` with its map drawn on lines of its own (each row after ``indent``)."""
    parts = split(message)
    if parts is None:
        return message
    text, heading, rows = parts
    return "\n".join([text, heading + ":", *(indent + row for row in rows)])


def svg(rows: list[str], *, title: str = "", cell: int | None = None) -> str:
    """The map as an inline SVG image: red squares wrong, grey squares right.

    Args:
        rows: the map, as :func:`text_map` writes it.
        title: a tooltip (and the image's accessible name).
        cell: the side of a square in pixels (default: 14, smaller for wide maps).
    """
    height, width = len(rows), max((len(r) for r in rows), default=0)
    side = cell or max(5, min(14, 480 // max(width, 1)))
    squares = "".join(
        f'<rect x="{j * side}" y="{i * side}" width="{side - 1}" height="{side - 1}" '
        f'fill="{"#cf222e" if ch == WRONG else "#d8dee4"}"/>'
        for i, row in enumerate(rows) for j, ch in enumerate(row))
    label = _html.escape(title or "map of the wrong cells", quote=True)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" '
            f'width="{width * side}" height="{height * side}" '
            f'viewBox="0 0 {width * side} {height * side}"><title>{label}</title>'
            f"{squares}</svg>")


def html(message: str) -> str:
    """``message`` as HTML, escaped, its map (when it has one) drawn with :func:`svg`."""
    parts = split(message)
    if parts is None:
        return _html.escape(message)
    text, heading, rows = parts
    return (f"{_html.escape(text)}<br><small>{_html.escape(heading)}:</small><br>"
            + svg(rows, title=heading))
