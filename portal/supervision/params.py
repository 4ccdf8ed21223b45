"""The dashboard's query parameters: period (from, to), unit, officer, month, kind, state."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from .figures import Period


def _date(value: str | None) -> date | None:
    try:
        return datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def period_from(query, today: date) -> Period:
    start, end = _date(query.get("from")), _date(query.get("to"))
    year = _int(query.get("year"))
    if year and 2000 <= year <= 2100 and not (start or end):
        return Period.year(year)
    default = Period.year(today.year)
    return Period(start or default.start, end or default.end)


def filters_from(query) -> dict:
    return {"unit_id": _int(query.get("unit")), "officer_id": _int(query.get("officer")),
            "month": _date((query.get("month") or "") + "-01") if query.get("month") else None,
            "kind": (query.get("kind") or "")[:20], "state": (query.get("state") or "")[:20]}


def cases_link(period: Period, figure: str, **extra) -> str:
    """The link from one number to the cases behind it (through the gate)."""
    query = {"from": period.start.isoformat(), "to": period.end.isoformat(), "figure": figure}
    query.update({key: value for key, value in extra.items() if value not in (None, "")})
    return "/supervision/cases/?" + urlencode(query)
