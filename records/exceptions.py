"""The named errors of the case file (一案一卷). Each carries the article it enforces, so that
a view, the admin, the API or a management command can show the user why (第N条)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class CaseFileError(Exception):
    """A change the regulation does not allow. `message` is in Chinese and ends with the
    article; `article` is the article alone (e.g. "第二十八条")."""

    article: str = ""

    def __init__(self, message: str, *, article: str | None = None):
        if article is not None:
            self.article = article
        self.message = message if self.article in message else f"{message}（{self.article}）"
        super().__init__(self.message)


class OriginalImmutable(CaseFileError):
    """An original (audio/video or document) is never edited or deleted; a correction is a new
    record that supersedes it (第二十八条)."""

    article = "第二十八条"


class CaseLocked(CaseFileError):
    """An archived case file takes annotations only (第十六条, 第二十五条)."""

    article = "第二十五条"


class IllegalTransition(CaseFileError):
    """A lifecycle step the case's current state does not allow (第十六条)."""

    article = "第十六条"


class MarkLooserThanCase(CaseFileError):
    """A record's classification mark may be stricter than its case's, never looser."""

    article = "第二十九条"


class InvalidCaseData(CaseFileError):
    """Data that contradicts the regulation (unknown kind or stage, a refusal without its
    reason ...); the article is given per error."""


class CaseNumberError(CaseFileError):
    """A case-number format that cannot number cases, or a number that does not parse."""

    article = "第二十五条"


class RecordsPermissionDenied(PermissionDenied):
    """The access gate refused the change (fail closed). Views answer 404 for records the
    reader may not see, so that their existence does not leak."""
