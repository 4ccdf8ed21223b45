"""A small xlsx writer for the review export: sheets of rows of text and numbers, a bold
first cell where asked, column widths; nothing else.

Why not openpyxl: a unit-year of a large unit lists a few hundred thousand findings, and
openpyxl (write-only mode, through lxml) spends ~18 µs a cell building and serialising cell
objects: 7.6 s for 411,624 rows, most of the review export's time. Here a row is one
formatted string and every text goes once into the shared-strings table (the findings repeat
their articles and messages), so the same sheet is written in about a tenth of that time.
openpyxl stays the reader in the tests, and the file is the plain SpreadsheetML that Excel,
WPS and LibreOffice open.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from typing import Iterable, Sequence
from xml.sax.saxutils import escape

#: characters XML 1.0 does not allow (a user's text may hold them): dropped, as Excel would
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Sheet:
    title: str
    widths: dict[str, float] = field(default_factory=dict)  # column letter → width
    rows: list[Sequence] = field(default_factory=list)
    bold_rows: set[int] = field(default_factory=set)         # 0-based rows written bold

    def append(self, row: Iterable, *, bold: bool = False) -> None:
        if bold:
            self.bold_rows.add(len(self.rows))
        self.rows.append(tuple(row))

    def extend(self, rows: Iterable[Sequence]) -> None:
        self.rows.extend(rows)


class _SharedStrings:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.index)
        return found

    def xml(self) -> str:
        items = "".join(_string_item(text) for text in self.index)
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{_MAIN}" '
                f'count="{len(self.index)}" uniqueCount="{len(self.index)}">{items}</sst>')


def _string_item(text: str) -> str:
    text = escape(_ILLEGAL.sub("", text))
    if text != text.strip():
        return f'<si><t xml:space="preserve">{text}</t></si>'
    return f"<si><t>{text}</t></si>"


def _sheet_xml(sheet: Sheet, strings: _SharedStrings) -> str:
    width = max((len(row) for row in sheet.rows), default=0)
    letters = [column_letter(i) for i in range(width)]
    parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">']
    if sheet.widths:
        columns = "".join(
            f'<col min="{_column_number(letter)}" max="{_column_number(letter)}" width="{w}" customWidth="1"/>'
            for letter, w in sorted(sheet.widths.items(), key=lambda item: _column_number(item[0])))
        parts.append(f"<cols>{columns}</cols>")
    parts.append("<sheetData>")
    append = parts.append
    for number, row in enumerate(sheet.rows, start=1):
        style = ' s="1"' if number - 1 in sheet.bold_rows else ""
        cells = []
        for letter, value in zip(letters, row):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                cells.append(f'<c r="{letter}{number}" t="b"{style}><v>{int(value)}</v></c>')
            elif isinstance(value, int):
                cells.append(f'<c r="{letter}{number}"{style}><v>{int(value)}</v></c>')
            elif isinstance(value, float) and math.isfinite(value):
                cells.append(f'<c r="{letter}{number}"{style}><v>{float(value)!r}</v></c>')
            else:
                cells.append(f'<c r="{letter}{number}" t="s"{style}><v>{strings(str(value))}</v></c>')
        append(f'<row r="{number}">{"".join(cells)}</row>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts)


def _column_number(letter: str) -> int:
    number = 0
    for char in letter:
        number = number * 26 + ord(char) - 64
    return number


def _sheet_title(title: str, taken: set[str]) -> str:
    title = _SHEET_TITLE_FORBIDDEN.sub("_", title)[:31] or "Sheet"
    candidate, n = title, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{title[:28]}_{n}"
    taken.add(candidate.lower())
    return candidate


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    strings = _SharedStrings()
    out = io.BytesIO()
    taken: set[str] = set()
    titles = [_sheet_title(sheet.title, taken) for sheet in sheets]
    # level 1: the sheets are repetitive XML, and level 6 costs three times the time for a
    # file a fifth smaller
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _content_types(len(sheets)))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook_xml(titles))
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        archive.writestr("xl/styles.xml", _STYLES)
        for n, sheet in enumerate(sheets, start=1):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", _sheet_xml(sheet, strings))
        archive.writestr("xl/sharedStrings.xml", strings.xml())
    return out.getvalue()


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

_ROOT_RELS = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
              f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
              "</Relationships>")

_STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
           '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
           '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
           "</styleSheet>")


def _content_types(sheets: int) -> str:
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_SHEET_TYPE}"/>'
                        for n in range(1, sheets + 1))
    base = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{base}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{base}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{base}.sharedStrings+xml"/>'
            f"{overrides}</Types>")


def _workbook_xml(titles: Sequence[str]) -> str:
    sheets = "".join(f'<sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
                     for n, title in enumerate(titles, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" '
            f'xmlns:r="{_REL}"><sheets>{sheets}</sheets></workbook>')


def _workbook_rels(sheets: int) -> str:
    links = "".join(f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                    for n in range(1, sheets + 1))
    styles = f'<Relationship Id="rId{sheets + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
    strings = f'<Relationship Id="rId{sheets + 2}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
            f"{links}{styles}{strings}</Relationships>")
