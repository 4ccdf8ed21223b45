"""A page of results by relevance, taken from the first rows of the index's own order.

The backend orders by relevance with a tie-break (rank, then newest date, then highest id), so
that a page is the same on every request. PostgreSQL's RUM index yields rows by rank alone; a
query ordered by the full key cannot use that order and computes the rank of every match
(about 2 s for a term in 400,000 cases). So the backend asks the index for a window of the
first rows by rank and sorts the window by the full key here:

- a window shorter than asked holds every match: its order is the answer;
- otherwise every row left out ranks at or below the window's last rank, so the window's rows
  that rank strictly better than its last row come first, complete and in order; any rows
  still wanted are those of exactly the last rank, newest first, which the backend reads by
  date (frequent terms tie a lot: RUM gave 14,227 rows of 137,746 the same best rank).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Ranked:
    id: int
    rank: float        # smaller is better (RUM's distance)
    date: date | None


def tie_break_key(row: Ranked):
    """(rank, date DESC, id DESC) as PostgreSQL orders it: NULL dates first when descending."""
    return (row.rank, row.date is not None, -(row.date.toordinal() if row.date else 0), -row.id)


def split_window(window: list[Ranked], *, asked: int) -> tuple[list[Ranked], float | None]:
    """From `window` (at most `asked` rows in the index's rank order): the rows known to come
    first, in order, and the rank whose rows may continue beyond the window (None when the
    window holds every match)."""
    ordered = sorted(window, key=tie_break_key)
    if len(window) < asked:
        return ordered, None
    last = max(row.rank for row in window)
    return [row for row in ordered if row.rank < last], last
