"""A long plain table for a reportlab PDF: the review export's findings, a few hundred thousand
rows for a large unit.

platypus's Table with a Paragraph per cell lays out every cell as rich text and costs 1-2 ms a
row (minutes for a large unit). A `LongTable` knows less: its cells are plain text in one
font and size, wrapped at character boundaries (Chinese has no spaces to break at), with the
header row repeated on every page and a grid. What makes it fast:
- each row's height is known before drawing (the text's lines), so a page break is a lookup
  in the running sum of heights, not a layout of what is left;
- a cell's text is turned into PDF text operators once per document and reused: findings
  repeat their articles and messages, and a case number repeats for each of its findings.
  The operators come from reportlab's own text object (beginText/textLine/getCode), drawn
  at the origin and moved into place with a `cm` translation.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import Iterable, Sequence

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

PADDING = 3


class _Text:
    """What the table knows about its font: character widths, each column's texts wrapped to
    lines, and each cell's PDF text operators for the document being drawn."""

    def __init__(self, font: str, size: float, lefts: Sequence[float], inner: Sequence[float]) -> None:
        self.font, self.size = font, size
        self.leading = size * 1.25
        self.lefts, self.inner = tuple(lefts), tuple(inner)
        self.widths: dict[str, float] = {}
        self.wrapped: list[dict[str, tuple[str, ...]]] = [{} for _ in inner]
        self.operators: list[dict[tuple[str, ...], str]] = [{} for _ in inner]
        self.document = None

    def column_lines(self, column: int, texts: Iterable) -> list[tuple[str, ...]]:
        known, width = self.wrapped[column], self.inner[column]
        lines = []
        for text in texts:
            text = "" if text is None else str(text)
            found = known.get(text)
            if found is None:
                found = known[text] = tuple(self._wrap(text, width))
            lines.append(found)
        return lines

    def _wrap(self, text: str, width: float):
        for paragraph in text.split("\n"):
            line, used = [], 0.0
            for char in paragraph:
                w = self.widths.get(char)
                if w is None:
                    w = self.widths[char] = stringWidth(char, self.font, self.size)
                if line and used + w > width:
                    yield "".join(line)
                    line, used = [], 0.0
                line.append(char)
                used += w
            yield "".join(line)

    def for_document(self, canvas) -> list[dict[tuple[str, ...], str]]:
        """Each column's operators known for the canvas's document (a new document: its own
        font subsets, so nothing carries over)."""
        if self.document is not canvas._doc:  # the canvas's PDFDocument
            self.document, self.operators = canvas._doc, [{} for _ in self.inner]
        return self.operators

    def cell(self, canvas, column: int, lines: tuple[str, ...]) -> str:
        """The operators that draw a cell's lines, placed from the top left of its row."""
        text = canvas.beginText(self.lefts[column] + PADDING, -PADDING - self.size)
        text.setFont(self.font, self.size, self.leading)
        for line in lines:
            text.textLine(line)
        found = self.operators[column][lines] = text.getCode()
        return found


@dataclass(frozen=True)
class _Layout:
    """What every piece of a split table shares: the text, the column edges, each row's cells
    as lines, the running sum of the rows' heights, and the header."""
    text: _Text
    lefts: tuple[float, ...]
    rows: list[tuple[tuple[str, ...], ...]]
    running: list[float]  # running[i]: the height of rows[:i]
    head: tuple[tuple[str, ...], ...]
    head_height: float
    header_fill: object
    grid: object


class LongTable(Flowable):
    """rows[start:end] of a table of plain text with a header repeated on each page."""

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence], widths: Sequence[float], *,
                 font: str, size: float = 8, header_fill=colors.HexColor("#eef1f5"),
                 grid=colors.grey) -> None:
        super().__init__()
        lefts = [0.0, *accumulate(widths)]
        text = _Text(font, size, lefts[:-1], [w - 2 * PADDING for w in widths])
        columns = [text.column_lines(n, (row[n] for row in rows)) for n in range(len(widths))]
        cells = list(zip(*columns)) if rows else []
        heights = [max(map(len, row)) * text.leading + 2 * PADDING for row in cells]
        head = tuple(text.column_lines(n, [cell])[0] for n, cell in enumerate(header))
        head_height = max(map(len, head), default=1) * text.leading + 2 * PADDING
        self.layout = _Layout(text, tuple(lefts), cells, [0.0, *accumulate(heights)], head,
                              head_height, header_fill, grid)
        self.start, self.end = 0, len(cells)

    def _piece(self, start: int, end: int) -> "LongTable":
        # a new flowable, not a copy: platypus marks flowables it has postponed or split
        piece = LongTable.__new__(LongTable)
        Flowable.__init__(piece)
        piece.layout, piece.start, piece.end = self.layout, start, end
        return piece

    def _height(self) -> float:
        layout = self.layout
        return layout.head_height + layout.running[self.end] - layout.running[self.start]

    def wrap(self, available_width, available_height):
        self.width = self.layout.lefts[-1]
        self.height = self._height()
        return self.width, self.height

    def split(self, available_width, available_height):
        running = self.layout.running
        # the last row that ends within the page, after the header
        fits = bisect_right(running, running[self.start] + available_height - self.layout.head_height,
                            self.start, self.end + 1) - 1
        if fits <= self.start:
            return []  # not even one row: the next page
        if fits >= self.end:
            return [self]
        return [self._piece(self.start, fits), self._piece(fits, self.end)]

    def draw(self):
        canvas, layout = self.canv, self.layout
        text, lefts, running = layout.text, layout.lefts, layout.running
        right = lefts[-1]
        top = self._height()
        canvas.saveState()
        canvas.setFillColor(layout.header_fill)
        canvas.rect(0, top - layout.head_height, right, layout.head_height, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        canvas.setStrokeColor(layout.grid)
        canvas.setLineWidth(0.4)
        known = text.for_document(canvas)
        columns = range(len(known))

        def row(cells, top) -> str:
            drawn = " ".join(known[n].get(lines) or text.cell(canvas, n, lines)
                             for n, lines in zip(columns, cells) if lines != ("",))
            return f"q 1 0 0 1 0 {top:.2f} cm {drawn} Q"

        code = [row(layout.head, top)]
        y = top - layout.head_height
        rules = [top, y]
        for index in range(self.start, self.end):
            code.append(row(layout.rows[index], y))
            y -= running[index + 1] - running[index]
            rules.append(y)
        code.append(" ".join(f"0 {r:.2f} m {right:.2f} {r:.2f} l" for r in rules) + " S")
        code.append(" ".join(f"{x:.2f} {top:.2f} m {x:.2f} {y:.2f} l" for x in lefts) + " S")
        canvas.addLiteral("\n".join(code))
        canvas.restoreState()
