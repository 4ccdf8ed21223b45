"""A finding: one thing wrong with a record, in Chinese, with the article that requires it.

Checks return every finding at once (like Django's validate_password collects every
validator's message), so that the officer sees the whole list, not the first problem only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    article: str
    subject: str = ""  # what it is about, e.g. "penalty/hearing" or a document's name

    def __str__(self) -> str:
        return f"{self.message}（{self.article}）"
