"""The access app's named errors. Each carries the article it enforces (第N条), so that a view,
the admin, the API or a management command can tell the user why."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class AccessDenied(PermissionDenied):
    """The access gate refused (fail closed). ``decision`` says why; a view answers 404 for an
    object the reader may not see, so that its existence does not leak."""

    def __init__(self, decision):
        self.decision = decision
        super().__init__(decision.reason)


class GrantError(ValueError):
    """A grant or a revocation the rules do not allow (no reason, an end before the start,
    a grant to oneself ...). ``message`` is in Chinese and names the article."""

    article = "第二十九条"

    def __init__(self, message: str, *, article: str | None = None):
        if article is not None:
            self.article = article
        self.message = message if self.article in message else f"{message}（{self.article}）"
        super().__init__(self.message)
