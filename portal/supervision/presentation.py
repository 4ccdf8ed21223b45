"""The dashboard's figures as tables with links, and the charts drawn from them."""

from __future__ import annotations

from records.case_lifecycle import CaseState
from records.casefile import KIND_CHOICES

from . import charts
from .figures import FIGURES, Dashboard
from .params import cases_link

KIND_NAMES = dict(KIND_CHOICES)
STATE_NAMES = dict(CaseState.choices)
COLUMNS = (("total", "案件数", ""), ("clean", "无问题案件", ""),
           *((figure.code, figure.label, figure.article) for figure in FIGURES))


def _cells(row: dict, period, **link) -> list[dict]:
    return [{"value": row.get(code) or 0, "href": cases_link(period, code, **link)}
            for code, _, _ in COLUMNS]


def _share(row: dict) -> str:
    total = row.get("total") or 0
    return f"{100 * (row.get('clean') or 0) / total:.1f}%" if total else "—"


def tables(board: Dashboard) -> dict:
    period = board.period
    units = [{"name": row["handling_unit__name"], "share": _share(row),
              "cells": _cells(row, period, unit=row["handling_unit_id"])}
             for row in board.by_unit]
    officers = [{"name": row["case_officers__officer__full_name"],
                 "unit": row["case_officers__officer__unit__name"], "share": _share(row),
                 "cells": _cells(row, period, officer=row["case_officers__officer_id"])}
                for row in board.by_officer]
    months = [{"name": row["month"].strftime("%Y-%m"), "share": _share(row),
               "cells": _cells(row, period, month=row["month"].strftime("%Y-%m"))}
              for row in board.by_month]
    unit_names = {row["handling_unit_id"]: row["handling_unit__name"] for row in board.by_unit}
    kinds = [{"unit": unit_names.get(row["handling_unit_id"], ""),
              "name": KIND_NAMES.get(row["kind"], row["kind"]), "value": row["n"],
              "href": cases_link(period, "total", unit=row["handling_unit_id"], kind=row["kind"])}
             for row in board.by_kind]
    states = [{"unit": unit_names.get(row["handling_unit_id"], ""),
               "name": STATE_NAMES.get(row["state"], row["state"]), "value": row["n"],
               "href": cases_link(period, "total", unit=row["handling_unit_id"],
                                  state=row["state"])}
              for row in board.by_state]
    totals = board.totals
    articles = [{"label": figure.label, "article": figure.article,
                 "value": totals.get(figure.code) or 0,
                 "href": cases_link(period, figure.code)} for figure in FIGURES]
    requests = [{"unit": row["handling_unit__name"] or "—", "value": row["n"],
                 "oldest_days": row["oldest_days"],
                 "href": cases_link(period, "open_requests", unit=row["handling_unit_id"])}
                for row in board.requests_by_unit]
    return {
        "columns": COLUMNS, "units": units, "officers": officers, "months": months,
        "kinds": kinds, "states": states, "articles": articles, "requests": requests,
        "totals": {"cells": _cells(totals, period), "share": _share(totals)},
        "requests_total": board.requests,
        "charts": {
            "articles": charts.bar_chart([(f"{a['article']}", a["value"]) for a in articles],
                                         title="按条款统计的问题案件数"),
            "units": charts.bar_chart([(u["name"], u["cells"][1]["value"]) for u in units],
                                      title="各单位无问题案件数", colour="#2e7d32"),
            "months": charts.bar_chart([(m["name"], m["cells"][0]["value"]) for m in months],
                                       title="按月立案数"),
            "months_flagged": charts.bar_chart(
                [(m["name"], m["cells"][0]["value"] - m["cells"][1]["value"]) for m in months],
                title="按月有问题案件数", colour="#b23b3b"),
        },
    }
