"""Articles of the regulation, cited by every rule in this package."""

from __future__ import annotations

CHINESE_NUMERALS = "零一二三四五六七八九"


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
