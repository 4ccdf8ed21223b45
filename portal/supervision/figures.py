"""The dashboard's figures, counted in the database (no per-case loop in Python).

Each figure is a condition on the case row alone, the same rule records/compliance.py applies
to one case at a time; what a case's documents, signatures, recordings and review entries say
is stored on the case by records.services (records/case_flags.py), so that counting a million
cases reads one table and joins nothing:

- storage_late   第二十六条 a current recording stored more than 24 hours after it ended (or
                 after the officer's return to the unit, where that exception is recorded):
                 the stored `has_late_storage`;
- archive_late   第二十五条 the act ended and the file was archived after its deadline, or is
                 still not archived once the deadline has passed (judged against `today`,
                 from the case's own columns);
- uninterrupted_missing 第十九条 the case has a trigger for uninterrupted recording
                 (人身自由、生命健康、重大财产权益、重大质量安全事故) and no current video or
                 audio recording at all (`has_continuous_recording` stored false);
- unsigned       第十三条 a current document lacks the officer's signature, or a party's,
                 witness's or other person's signature with no refusal recorded: the stored
                 `has_unsigned_document`;
- legal_review_missing 第十四条 a major decision, or a penalty under the general procedure,
                 that is closed / ended without a legal-review entry (`has_legal_review`);
- clean          none of the above.

The dashboard reads the visible cases of the period (access.selectors.objects_visible) in two
passes. The first evaluates each case's figures once, as one small number with a bit per
figure (`flag_bits`), and counts the cases of each unit, kind, state, month and combination
of figures (GROUP BY); the totals and the per-unit, per-kind, per-state and per-month tables
are added up from those counts (a few thousand rows at most, whatever the number of cases;
no case is read into Python). The second joins the cases to their officers and counts every
figure per officer with COUNT(...) FILTER (WHERE ...). The number of queries is fixed whatever
the number of cases.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import (BooleanField, Case, Count, DateField, ExpressionWrapper, F,
                              IntegerField, Q, QuerySet, Value, When)
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from access.models import StaffProfile, Unit
from access.selectors import objects_visible
from records.case_lifecycle import CaseState
from records.models import Case as CaseModel


@dataclass(frozen=True)
class Figure:
    code: str
    label: str
    article: str


FIGURES: tuple[Figure, ...] = (
    Figure("storage_late", "音像记录超过24小时储存", "第二十六条"),
    Figure("archive_late", "超过20个工作日归档", "第二十五条"),
    Figure("uninterrupted_missing", "应全过程不间断记录而无音像记录", "第十九条"),
    Figure("unsigned", "文书缺少签字且未记录拒签", "第十三条"),
    Figure("legal_review_missing", "应法制审核而无审核意见", "第十四条"),
)
FIGURES_BY_CODE = {figure.code: figure for figure in FIGURES}
FLAG_CODES = tuple(figure.code for figure in FIGURES)
#: every figure a number on the dashboard may link to
LIST_FIGURES = ("total", "clean", *FLAG_CODES, "open_requests")


def flag_conditions(today: date) -> dict[str, Q]:
    """Each figure as a condition on the case row; `archived_on` is the annotation
    `with_archived_on` adds. None of them is ever NULL, so each may be negated."""
    return {
        "storage_late": Q(has_late_storage=True),
        "archive_late": Q(act_ended_on__isnull=False, archive_deadline__isnull=False) & (
            Q(archived_at__isnull=True, archive_deadline__lt=today)
            | Q(archived_at__isnull=False, archived_on__gt=F("archive_deadline"))),
        # the boolean first: it is false for most cases, and spares the JSON comparison
        "uninterrupted_missing": Q(has_continuous_recording=False) & ~Q(uninterrupted_triggers=[]),
        "unsigned": Q(has_unsigned_document=True),
        "legal_review_missing": (Q(major_decision=True) | Q(kind="penalty", general_procedure=True))
        & (~Q(state=CaseState.OPEN) | Q(act_ended_on__isnull=False)) & Q(has_legal_review=False),
    }


def any_flag(today: date) -> Q:
    condition = Q()
    for each in flag_conditions(today).values():
        condition |= each
    return condition


def with_archived_on(queryset: QuerySet) -> QuerySet:
    """The archiving day in local time (第二十五条 counts days, not hours)."""
    return queryset.annotate(archived_on=TruncDate("archived_at",
                                                   tzinfo=timezone.get_current_timezone()))


def flagged_cases(queryset: QuerySet, today: date) -> QuerySet:
    """`queryset` with one boolean column per figure and `clean` (never NULL: CASE WHEN)."""
    flags = {code: _as_bool(condition) for code, condition in flag_conditions(today).items()}
    return with_archived_on(queryset).annotate(**flags, clean=_as_bool(any_flag(today), when=False))


def with_figure(queryset: QuerySet, figure: str, today: date) -> QuerySet:
    """The cases of `queryset` counted under `figure`: a flag, "clean", "flagged" (any
    flag) or "total"."""
    queryset = with_archived_on(queryset)
    if figure in FLAG_CODES:
        return queryset.filter(flag_conditions(today)[figure])
    if figure == "clean":
        return queryset.filter(~any_flag(today))
    if figure == "flagged":
        return queryset.filter(any_flag(today))
    return queryset


def _as_bool(condition, *, when: bool = True):
    return Case(When(condition, then=Value(when)), default=Value(not when),
                output_field=BooleanField())


def flag_bits(today: date):
    """The figures of a case as one number: bit i set when it counts under FLAG_CODES[i]
    (0 for a clean case), each condition evaluated once per row."""
    bits = Value(0)
    for bit, condition in enumerate(flag_conditions(today).values()):
        bits = bits + Case(When(condition, then=Value(1 << bit)), default=Value(0))
    return bits


class MonthStart(TruncMonth):
    """The first day of a date's month. PostgreSQL's DATE_TRUNC on a date first casts it to a
    timestamp with time zone, converting every row in the session's zone; truncating it as a
    timestamp without zone gives the same day without that work."""

    output_field = DateField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"DATE_TRUNC('month', ({sql})::timestamp)::date", params


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))

    def filter(self) -> Q:
        return Q(opened_on__gte=self.start, opened_on__lte=self.end)


def period_cases(user, period: Period, *, unit_id: int | None = None,
                 officer_id: int | None = None) -> QuerySet:
    """The cases opened in the period that `user` may see (metadata), through the gate."""
    cases = objects_visible(user, CaseModel.objects.all(), level="metadata").filter(period.filter())
    if unit_id:
        cases = cases.filter(handling_unit_id=unit_id)
    if officer_id:
        cases = cases.filter(case_officers__officer_id=officer_id)
    return cases


def cases_behind(user, period: Period, figure: str, *, today: date, unit_id=None,
                 officer_id=None, month: date | None = None, kind: str = "",
                 state: str = "") -> QuerySet:
    """The list of cases behind one number of the dashboard."""
    cases = period_cases(user, period, unit_id=unit_id, officer_id=officer_id)
    if kind:
        cases = cases.filter(kind=kind)
    if state:
        cases = cases.filter(state=state)
    if month:
        cases = cases.filter(opened_on__year=month.year, opened_on__month=month.month)
    if figure == "open_requests":
        return cases.filter(pk__in=_open_request_case_ids())
    return with_figure(cases, figure, today)


COUNTED = ("total", "clean", *FLAG_CODES)


def _grouped(cases: QuerySet, today: date, *keys) -> list[dict]:
    """How many cases of each group (`keys`) count under each combination of figures: rows
    of the keys, `bits` (flag_bits) and `n`."""
    return list(cases.annotate(bits=ExpressionWrapper(flag_bits(today), IntegerField()))
                .values(*keys, "bits").annotate(n=Count("*")).order_by())


def _counts(today: date) -> dict:
    """Every figure counted at once, COUNT(...) FILTER (WHERE ...), for a grouping the planner
    can size: grouped by officer alone, PostgreSQL plans the join of the cases to their
    officers in parallel; grouped by officer and `flag_bits`, an expression whose distinct
    values it cannot estimate, it expects a group per row and joins on one core."""
    conditions = flag_conditions(today)
    counts = {"total": Count("id"), "clean": Count("id", filter=~any_flag(today))}
    counts.update({code: Count("id", filter=conditions[code]) for code in FLAG_CODES})
    return counts


def _summed(rows, key) -> dict:
    """The counted rows added up by `key(row)`: {key: {figure: count}}, a figure's count the
    sum over the combinations holding its bit (over groups, not cases)."""
    sums: dict = defaultdict(lambda: dict.fromkeys(COUNTED, 0))
    for row in rows:
        bucket, n, bits = sums[key(row)], row["n"], row["bits"]
        bucket["total"] += n
        if not bits:
            bucket["clean"] += n
        for bit, code in enumerate(FLAG_CODES):
            if bits & (1 << bit):
                bucket[code] += n
    return sums


@dataclass
class Dashboard:
    period: Period
    today: date
    totals: dict = field(default_factory=dict)
    by_unit: list = field(default_factory=list)
    by_officer: list = field(default_factory=list)
    by_kind: list = field(default_factory=list)
    by_state: list = field(default_factory=list)
    by_month: list = field(default_factory=list)
    requests: dict = field(default_factory=dict)
    requests_by_unit: list = field(default_factory=list)


def dashboard(user, period: Period, *, now: datetime, unit_id: int | None = None) -> Dashboard:
    """Every figure of the dashboard in a fixed number of queries: two passes over the
    cases, the names of the units and officers counted, and the open requests."""
    today = timezone.localdate(now)
    cases = with_archived_on(period_cases(user, period, unit_id=unit_id))
    result = Dashboard(period=period, today=today)

    groups = _grouped(cases.annotate(month=MonthStart("opened_on")), today,
                      "handling_unit_id", "kind", "state", "month")
    result.totals = _summed(groups, lambda row: "all")["all"]
    units = {row["id"]: row for row in Unit.objects.filter(
        pk__in={row["handling_unit_id"] for row in groups}).values("id", "name", "code")}
    result.by_unit = sorted(
        ({"handling_unit_id": unit, "handling_unit__name": units[unit]["name"],
          "handling_unit__code": units[unit]["code"], **sums}
         for unit, sums in _summed(groups, lambda row: row["handling_unit_id"]).items()),
        key=lambda row: row["handling_unit__code"])
    result.by_kind = [{"handling_unit_id": unit, "kind": kind, "n": sums["total"]}
                      for (unit, kind), sums in sorted(_summed(
                          groups, lambda row: (row["handling_unit_id"], row["kind"])).items())]
    result.by_state = [{"handling_unit_id": unit, "state": state, "n": sums["total"]}
                       for (unit, state), sums in sorted(_summed(
                           groups, lambda row: (row["handling_unit_id"], row["state"])).items())]
    result.by_month = [{"month": month, **sums} for month, sums in
                       sorted(_summed(groups, lambda row: row["month"]).items())]

    per_officer = list(cases.filter(case_officers__isnull=False)
                       .values("case_officers__officer_id").annotate(**_counts(today)).order_by())
    names = {row["id"]: row for row in StaffProfile.objects.filter(
        pk__in=[row["case_officers__officer_id"] for row in per_officer])
        .values("id", "full_name", "unit__name")}
    for row in per_officer:
        officer = names[row["case_officers__officer_id"]]
        row["case_officers__officer__full_name"] = officer["full_name"]
        row["case_officers__officer__unit__name"] = officer["unit__name"]
    result.by_officer = sorted(per_officer, key=lambda row: (
        row["case_officers__officer__unit__name"] or "", row["case_officers__officer__full_name"]))
    result.requests, result.requests_by_unit = open_requests(user, period, now=now,
                                                             unit_id=unit_id)
    return result


def _request_model():
    try:
        from access.requests.models import AccessRequest, OPEN_STATUSES
    except ImportError:  # the requests app not installed
        return None, ()
    return AccessRequest, OPEN_STATUSES


def _open_request_case_ids():
    from django.contrib.contenttypes.models import ContentType
    model, statuses = _request_model()
    if model is None:
        return CaseModel.objects.none().values("pk")
    return model.objects.filter(status__in=statuses,
                                target_type=ContentType.objects.get_for_model(CaseModel)) \
        .values("target_id")


def open_requests(user, period: Period, *, now: datetime, unit_id=None):
    """Open view/copy requests (第二十八条) on the visible cases of the period: how many and
    how long they have waited (days, oldest and mean), per handling unit."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Max, Min
    model, statuses = _request_model()
    if model is None:
        return {}, []
    visible = period_cases(user, period, unit_id=unit_id).values("pk")
    rows = model.objects.filter(status__in=statuses, target_id__in=visible,
                                target_type=ContentType.objects.get_for_model(CaseModel))
    totals = rows.aggregate(n=Count("id"), oldest=Min("created_at"))
    per_unit = list(rows.values("handling_unit_id", "handling_unit__name")
                    .annotate(n=Count("id"), oldest=Min("created_at"), newest=Max("created_at"))
                    .order_by("handling_unit__name"))

    def waited(oldest):
        return round((now - oldest).total_seconds() / 86400, 1) if oldest else None
    totals["oldest_days"] = waited(totals["oldest"])
    for row in per_unit:
        row["oldest_days"] = waited(row["oldest"])
    return totals, per_unit
