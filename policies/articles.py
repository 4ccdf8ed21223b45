"""Articles of the regulation, cited by every rule in this package."""

from __future__ import annotations

import re

CHINESE_NUMERALS = "零一二三四五六七八九"

#: The regulation (郑建文〔2021〕185号) has 32 articles; 第三十二条 sets its effective date.
ARTICLE_COUNT = 32

_CITATION = re.compile(
    r"^第(?P<article>[一二三四五六七八九十]+)条"
    r"(?:第[一二三四五六七八九十]+款)?"
    r"(?:（[一二三四五六七八九十]+）)?$"
)


def article_label(number: int) -> str:
    """第N条 in Chinese numerals, as the regulation writes it: 7 → 第七条, 25 → 第二十五条."""
    if not 1 <= number <= 99:
        raise ValueError(f"article number out of range: {number}")
    tens, units = divmod(number, 10)
    if tens == 0:
        text = CHINESE_NUMERALS[units]
    elif tens == 1:
        text = "十" + (CHINESE_NUMERALS[units] if units else "")
    else:
        text = CHINESE_NUMERALS[tens] + "十" + (CHINESE_NUMERALS[units] if units else "")
    return f"第{text}条"


def _chinese_number(text: str) -> int:
    if "十" not in text:
        if len(text) != 1:
            raise ValueError(text)
        return CHINESE_NUMERALS.index(text)
    tens_text, _, units_text = text.partition("十")
    tens = CHINESE_NUMERALS.index(tens_text) if tens_text else 1
    units = CHINESE_NUMERALS.index(units_text) if units_text else 0
    if tens == 0 or (units_text and units == 0):
        raise ValueError(text)
    return tens * 10 + units


def article_number(citation: str) -> int:
    """The article a citation points to: "第二十五条" → 25, "第十九条第二款" → 19,
    "第十二条（九）" → 12. Raises ValueError for anything that is not a citation of this
    regulation's articles."""
    match = _CITATION.match(citation or "")
    if not match:
        raise ValueError(f"not an article citation: {citation!r}")
    try:
        number = _chinese_number(match["article"])
    except ValueError:
        raise ValueError(f"not an article citation: {citation!r}") from None
    if not 1 <= number <= ARTICLE_COUNT:
        raise ValueError(f"the regulation has no {citation}")
    return number


def is_article_citation(citation: str) -> bool:
    try:
        article_number(citation)
    except ValueError:
        return False
    return True
