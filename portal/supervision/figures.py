"""The dashboard's figures, counted in the database (no per-case loop in Python).

Each figure is a per-case flag written as an Exists subquery or a column test, the same rule
records/compliance.py applies to one case at a time:

- storage_late   第二十六条 a current recording stored more than 24 hours after it ended (or
                 after the officer's return to the unit, where that exception is recorded);
- archive_late   第二十五条 the act ended and the file was archived after its deadline, or is
                 still not archived once the deadline has passed (judged against `today`);
- uninterrupted_missing 第十九条 the case has a trigger for uninterrupted recording
                 (人身自由、生命健康、重大财产权益、重大质量安全事故) and no current video or
                 audio recording at all;
- unsigned       第十三条 a current document lacks the officer's signature, or a party's,
                 witness's or other person's signature with no refusal recorded;
- legal_review_missing 第十四条 a major decision, or a penalty under the general procedure,
                 that is closed / ended without a legal-review entry;
- clean          none of the above.

Grouping is done with GROUP BY over the visible cases (access.selectors.objects_visible), so
the number of queries is fixed whatever the number of cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import (
    BooleanField, Case, Count, Exists, F, OuterRef, Q, QuerySet, TextField, Value, When,
)
from django.db.models.functions import Cast, TruncDate, TruncMonth
from django.utils import timezone

from access.selectors import objects_visible
from records.case_lifecycle import CaseState
from records.casefile_entries import LEGAL_REVIEW
from records.models import (AVRecord, Case as CaseModel, Document, ReviewEntry, Signature,
                            StageRecord)

STORAGE_HOURS = timedelta(hours=24)
SIGNED = ("signed", "sealed")


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


def _required(role: str) -> Q:
    # required_signers is a JSON list; its text form holds the quoted role name on both
    # SQLite and PostgreSQL
    return Q(required_text__contains=f'"{role}"')


def _signature(role: str, outcomes=None) -> Exists:
    rows = Signature.objects.filter(document=OuterRef("pk"), signer_role=role)
    if outcomes:
        rows = rows.filter(outcome__in=outcomes)
    return Exists(rows)


def _current(model) -> Exists:
    """Not superseded by a correction (第二十八条), as NOT EXISTS: the reverse one-to-one's
    LEFT JOIN ... IS NULL misleads PostgreSQL's estimates into a nested loop."""
    return ~Exists(model.objects.filter(supersedes=OuterRef("pk")))


def unsigned_documents() -> QuerySet:
    """Current documents with a 第十三条 finding (records.compliance.document_findings)."""
    documents = Document.objects.filter(_current(Document)).annotate(
        required_text=Cast("required_signers", TextField()))
    missing = (_required("officer") & ~_signature("officer", SIGNED))
    for role in ("party", "witness", "other"):
        missing |= _required(role) & ~_signature(role)
    return documents.filter(missing)


def late_recordings() -> QuerySet:
    """Current recordings stored after their 24-hour deadline (第二十六条)."""
    return AVRecord.objects.filter(_current(AVRecord)).filter(
        Q(returned_to_unit_at__isnull=True, stored_at__gt=F("ended_at") + STORAGE_HOURS)
        | Q(returned_to_unit_at__isnull=False,
            stored_at__gt=F("returned_to_unit_at") + STORAGE_HOURS))


def flag_conditions(today: date) -> dict[str, Q | Exists]:
    """Each figure as a condition on Case rows."""
    continuous = AVRecord.objects.filter(_current(AVRecord), case=OuterRef("pk"),
                                         media_kind__in=("video", "audio"))
    legal_review = ReviewEntry.objects.filter(stage_record__case=OuterRef("pk"), item=LEGAL_REVIEW)
    return {
        "storage_late": Exists(late_recordings().filter(case=OuterRef("pk"))),
        "archive_late": Q(act_ended_on__isnull=False, archive_deadline__isnull=False) & (
            Q(archived_at__isnull=True, archive_deadline__lt=today)
            | Q(archived_at__isnull=False, archived_on__gt=F("archive_deadline"))),
        "uninterrupted_missing": ~Q(uninterrupted_triggers=[]) & ~Exists(continuous),
        # IN (...) rather than a correlated EXISTS: PostgreSQL plans it as one hash semi-join
        "unsigned": Q(pk__in=StageRecord.objects.filter(
            pk__in=unsigned_documents().values("stage_record_id")).values("case_id")),
        "legal_review_missing": (Q(major_decision=True) | Q(kind="penalty", general_procedure=True))
        & (~Q(state=CaseState.OPEN) | Q(act_ended_on__isnull=False)) & ~Exists(legal_review),
    }


def flagged_cases(queryset: QuerySet, today: date) -> QuerySet:
    """`queryset` with one boolean column per figure and `clean` (never NULL: CASE WHEN)."""
    conditions = flag_conditions(today)
    queryset = queryset.annotate(archived_on=TruncDate("archived_at",
                                                       tzinfo=timezone.get_current_timezone()))
    any_flag = Q()
    for condition in conditions.values():
        any_flag |= Q(condition)
    flags = {code: _as_bool(condition) for code, condition in conditions.items()}
    return queryset.annotate(**flags, clean=_as_bool(any_flag, when=False))


def _as_bool(condition, *, when: bool = True):
    return Case(When(condition, then=Value(when)), default=Value(not when),
                output_field=BooleanField())


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
    cases = flagged_cases(cases, today)
    if figure in FLAG_CODES or figure == "clean":
        cases = cases.filter(**{figure: True})
    return cases


COUNTED = ("total", "clean", *FLAG_CODES)


def _counts() -> dict:
    # named n_<figure>: an aggregate named like the annotation it filters on would shadow it
    counts = {"n_total": Count("id")}
    for code in ("clean", *FLAG_CODES):
        counts[f"n_{code}"] = Count("id", filter=Q(**{code: True}))
    return counts


def _named(row: dict) -> dict:
    return {(key[2:] if key.startswith("n_") and key[2:] in COUNTED else key): value
            for key, value in row.items()}


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
    """Every figure of the dashboard in a fixed number of queries."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # the planner cannot estimate the documents' JSON test and JIT-compiles plans
            # that run in milliseconds; compiling them cost most of the time (bench/README.md)
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
                # and its row estimate of 1 for that test picks nested loops that grow with
                # the square of the cases; hash joins grow linearly
                cursor.execute("SET LOCAL enable_nestloop = off")
        return _dashboard(user, period, now=now, unit_id=unit_id)


def _dashboard(user, period: Period, *, now: datetime, unit_id: int | None = None) -> Dashboard:
    today = timezone.localdate(now)
    cases = flagged_cases(period_cases(user, period, unit_id=unit_id), today)
    counts = _counts()
    result = Dashboard(period=period, today=today)
    result.totals = _named(cases.aggregate(**counts))
    result.by_unit = [_named(row) for row in
                      cases.values("handling_unit_id", "handling_unit__name", "handling_unit__code")
                      .annotate(**counts).order_by("handling_unit__code")]
    result.by_officer = [_named(row) for row in
                         cases.filter(case_officers__isnull=False)
                         .values("case_officers__officer_id", "case_officers__officer__full_name",
                                 "case_officers__officer__unit__name")
                         .annotate(**counts).order_by("case_officers__officer__unit__name",
                                                      "case_officers__officer__full_name")]
    result.by_kind = list(cases.values("handling_unit_id", "kind").annotate(n=Count("id"))
                          .order_by("handling_unit_id", "kind"))
    result.by_state = list(cases.values("handling_unit_id", "state").annotate(n=Count("id"))
                           .order_by("handling_unit_id", "state"))
    result.by_month = [_named(row) for row in
                       cases.annotate(month=TruncMonth("opened_on")).values("month")
                       .annotate(**counts).order_by("month")]
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
