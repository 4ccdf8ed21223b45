"""The gate's answer: allowed or not, and why, in Chinese, citing the article; the rule or
the grant it rests on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    rule: str | None = None
    grant_id: int | None = None

    def __bool__(self) -> bool:
        return self.allowed


def allow(reason: str, *, rule: str | None = None, grant_id: int | None = None) -> Decision:
    return Decision(True, reason, rule, grant_id)


def deny(reason: str, *, rule: str | None = None) -> Decision:
    return Decision(False, reason, rule, None)
