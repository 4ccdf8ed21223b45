"""The regulation's text file, read into notice, chapters and articles without losing a
character. Plain Python: the importer (portal.rules_import) turns the result into pages.

The file is the bureau's web page saved as text (郑建文〔2021〕185号):

    line 1   the notice title            郑州市城乡建设局关于印发《…》的通知
    line 2   the document number         郑建文〔2021〕185号
    line 3   source and time             来源:郑州市城乡建设局  时间:2021-10-20 16:00:00
    …        the notice (addressees, body, signing date)
    …        the regulation's title, then "第一章 总 则", "第一条 …", …

Lines holding only white space (the page's "\\xa0" spacers) separate blocks and belong to no
block. Article text is kept verbatim: every line from "第N条" to the article's last non-blank
line, joined by the file's line breaks, trailing spaces included. The last line of the saved
page, "打印此文 关闭窗口", is the web page's print/close buttons, not the regulation's text:
it is dropped and reported (`RegulationText.dropped`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

NUMERALS = "零一二三四五六七八九"
_NUM = "[一二三四五六七八九十]+"
CHAPTER_HEADING = re.compile(rf"^第(?P<number>{_NUM})章[ \u3000\xa0]")
ARTICLE_START = re.compile(rf"^(?P<label>第(?P<number>{_NUM})条)[ \u3000\xa0]")
ITEM_START = re.compile(rf"^[(（](?P<number>{_NUM})[)）]")
DOCUMENT_NUMBER = re.compile(r"〔\d{4}〕\d+号")
SOURCE_LINE = re.compile(
    r"来源[:：]\s*(?P<issuer>\S+)\s+时间[:：]\s*"
    r"(?P<time>\d{4}-\d{1,2}-\d{1,2}(?: \d{1,2}:\d{2}(?::\d{2})?)?)"
)
CHINESE_DATE = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
EFFECTIVE_FROM = re.compile(r"自(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日起施行")
#: Buttons of the web page the text was saved from; compared with white space removed.
WEB_PAGE_CHROME = frozenset({"打印此文关闭窗口", "打印本页关闭窗口", "【打印本页】【关闭窗口】"})


class RegulationFormatError(ValueError):
    """The file does not have the shape of the regulation (notice, chapters, articles)."""


def chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十九 → 19, 三十二 → 32 (1–99, as chapters and articles are numbered)."""
    if not text or any(ch not in NUMERALS + "十" for ch in text):
        raise ValueError(f"not a Chinese number: {text!r}")
    if "十" not in text:
        if len(text) != 1 or text == "零":
            raise ValueError(f"not a Chinese number: {text!r}")
        return NUMERALS.index(text)
    tens_text, _, units_text = text.partition("十")
    if len(tens_text) > 1 or len(units_text) > 1 or "十" in units_text:
        raise ValueError(f"not a Chinese number: {text!r}")
    tens = NUMERALS.index(tens_text) if tens_text else 1
    units = NUMERALS.index(units_text) if units_text else 0
    if tens == 0 or (units_text and units == 0):
        raise ValueError(f"not a Chinese number: {text!r}")
    return tens * 10 + units


def is_blank(line: str) -> bool:
    return line.strip() == ""  # str.strip() also removes "\xa0" and "\u3000"


@dataclass(frozen=True)
class ArticleText:
    number: int
    label: str  # 第十九条
    text: str  # verbatim, "第十九条 …" through the last line of the article


@dataclass(frozen=True)
class ChapterText:
    number: int
    heading: str  # verbatim, e.g. "第一章 总 则"
    articles: tuple[ArticleText, ...]


@dataclass(frozen=True)
class RegulationText:
    notice_title: str
    document_number: str
    source_line: str  # verbatim, with its no-break spaces
    issuer: str
    released_at: dt.datetime | None  # naive, the bureau's local time
    notice_text: str  # verbatim: addressees, body and signing date
    signed_on: dt.date | None
    title: str
    chapters: tuple[ChapterText, ...]
    effective_from: dt.date | None
    dropped: tuple[str, ...] = ()  # web-page lines that are not part of the regulation

    @property
    def articles(self) -> tuple[ArticleText, ...]:
        return tuple(article for chapter in self.chapters for article in chapter.articles)


@dataclass(frozen=True)
class Block:
    """A paragraph, or a run of numbered items "(一)…", "(二)…" shown as one list."""

    kind: str  # "paragraph" or "items"
    texts: tuple[str, ...]


def paragraphs(text: str) -> tuple[str, ...]:
    """The paragraphs of a verbatim text: runs of non-blank lines, each kept as it is."""
    found: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        if is_blank(line):
            if current:
                found.append("\n".join(current))
                current = []
        else:
            current.append(line)
    if current:
        found.append("\n".join(current))
    return tuple(found)


def text_blocks(text: str) -> tuple[Block, ...]:
    """Paragraphs, with consecutive numbered items grouped into one list block."""
    blocks: list[Block] = []
    for paragraph in paragraphs(text):
        if ITEM_START.match(paragraph):
            if blocks and blocks[-1].kind == "items":
                blocks[-1] = Block("items", blocks[-1].texts + (paragraph,))
            else:
                blocks.append(Block("items", (paragraph,)))
        else:
            blocks.append(Block("paragraph", (paragraph,)))
    return tuple(blocks)


def _date(match: re.Match | None) -> dt.date | None:
    if not match:
        return None
    return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))


def _released_at(text: str) -> dt.datetime | None:
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _strip_chrome(lines: list[str]) -> tuple[list[str], tuple[str, ...]]:
    dropped: list[str] = []
    end = len(lines)
    while end and (is_blank(lines[end - 1]) or "".join(lines[end - 1].split()) in WEB_PAGE_CHROME):
        if not is_blank(lines[end - 1]):
            dropped.append(lines[end - 1])
        end -= 1
    return lines[:end], tuple(reversed(dropped))


def _join_block(lines: list[str], start: int, end: int) -> str:
    """Lines start..end (exclusive) verbatim, without the blank lines at either end."""
    while start < end and is_blank(lines[start]):
        start += 1
    while end > start and is_blank(lines[end - 1]):
        end -= 1
    return "\n".join(lines[start:end])


def regulation_parse(text: str) -> RegulationText:
    """Read the regulation's text file. Raises RegulationFormatError, naming the line, when
    the file does not have the expected shape."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines, dropped = _strip_chrome(text.split("\n"))
    header = [index for index, line in enumerate(lines) if not is_blank(line)][:3]
    if len(header) < 3:
        raise RegulationFormatError("文件过短：缺少通知标题、文号或来源行")
    notice_title, document_number, source_line = (lines[i] for i in header)
    if not DOCUMENT_NUMBER.search(document_number):
        raise RegulationFormatError(f"第{header[1] + 1}行不是文号：{document_number!r}")
    source = SOURCE_LINE.search(source_line)
    if not source:
        raise RegulationFormatError(f"第{header[2] + 1}行不是来源和时间：{source_line!r}")

    chapter_lines = [i for i, line in enumerate(lines) if CHAPTER_HEADING.match(line)]
    if not chapter_lines:
        raise RegulationFormatError("没有找到章标题（第一章 …）")
    before_first_chapter = [i for i in range(header[2] + 1, chapter_lines[0]) if not is_blank(lines[i])]
    if not before_first_chapter:
        raise RegulationFormatError("没有找到制度标题")
    title_line = before_first_chapter[-1]
    notice_text = _join_block(lines, header[2] + 1, title_line)
    signed = [m for m in CHINESE_DATE.finditer(notice_text)]

    chapters: list[ChapterText] = []
    article_count = 0
    for position, start in enumerate(chapter_lines):
        end = chapter_lines[position + 1] if position + 1 < len(chapter_lines) else len(lines)
        heading = lines[start]
        number = chinese_number(CHAPTER_HEADING.match(heading)["number"])
        if number != position + 1:
            raise RegulationFormatError(f"第{start + 1}行：章的编号不连续：{heading!r}")
        starts = [i for i in range(start + 1, end) if ARTICLE_START.match(lines[i])]
        stray = _join_block(lines, start + 1, starts[0] if starts else end)
        if stray:
            raise RegulationFormatError(f"第{start + 1}行之后：章标题与第一条之间有正文：{stray[:30]!r}")
        articles = []
        for k, article_start in enumerate(starts):
            article_end = starts[k + 1] if k + 1 < len(starts) else end
            match = ARTICLE_START.match(lines[article_start])
            article_number = chinese_number(match["number"])
            article_count += 1
            if article_number != article_count:
                raise RegulationFormatError(
                    f"第{article_start + 1}行：条的编号不连续：{match['label']}（应为第{article_count}条）"
                )
            articles.append(ArticleText(
                number=article_number,
                label=match["label"],
                text=_join_block(lines, article_start, article_end),
            ))
        chapters.append(ChapterText(number=number, heading=heading, articles=tuple(articles)))

    last_article = chapters[-1].articles[-1].text if chapters[-1].articles else ""
    return RegulationText(
        notice_title=notice_title,
        document_number=document_number,
        source_line=source_line,
        issuer=source["issuer"],
        released_at=_released_at(source["time"]),
        notice_text=notice_text,
        signed_on=_date(signed[-1]) if signed else None,
        title=lines[title_line],
        chapters=tuple(chapters),
        effective_from=_date(EFFECTIVE_FROM.search(last_article)),
        dropped=dropped,
    )
