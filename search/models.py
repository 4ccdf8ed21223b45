"""The search index as rows (one per case, case content, stage record, document, audio/video
record, party-data entry and rule page), and the administrators' extra dictionary words.

Each row carries the mark and the object it stands for, so that the reader's visibility is
judged at its own level (a document marked stricter than its case is filtered as the
document, not as the case), on the row's own copies of its case's unit and marks
(search.visibility); database triggers keep those copies exact in the transaction that
changes a mark or a unit (search.entry_copies). The text is stored masked and folded;
``tokens`` holds its segmented tokens joined by spaces. The database backends add what their
engine needs in a migration of their own vendor only: an FTS5 table on SQLite, a tsvector
column with a GIN (or RUM) index on PostgreSQL (search/migrations/0002_engine.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EntryKind(models.TextChoices):
    CASE = "case", "案卷"                 # number, kind, unit, officers, state: metadata
    CONTENT = "content", "案卷内容"        # title, source, parties (masked), notes
    STAGE = "stage", "环节记录"
    DOCUMENT = "document", "文书"
    AV = "av", "音像记录"
    PERSONAL = "personal", "当事人信息"    # parties' clear personal values, for unmasking readers
    PAGE = "page", "规则页面"


class SearchEntry(models.Model):
    key = models.CharField(max_length=40, unique=True)  # "document:12"
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    # what the entry stands for: visibility is judged on it
    case = models.ForeignKey("records.Case", on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+", db_constraint=False)
    stage_record = models.ForeignKey("records.StageRecord", on_delete=models.CASCADE,
                                     null=True, blank=True, related_name="+",
                                     db_constraint=False)
    document = models.ForeignKey("records.Document", on_delete=models.CASCADE, null=True,
                                 blank=True, related_name="+", db_constraint=False)
    av_record = models.ForeignKey("records.AVRecord", on_delete=models.CASCADE, null=True,
                                  blank=True, related_name="+", db_constraint=False)
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, null=True,
                             blank=True, related_name="+", db_constraint=False)
    mark = models.CharField(max_length=20, blank=True)  # the entry's effective mark
    stricter_than_case = models.BooleanField(default=False)
    # facets (copied from the case, so that a facet is one GROUP BY on this table)
    act_kind = models.CharField(max_length=20, blank=True)
    unit_id = models.IntegerField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    state = models.CharField(max_length=20, blank=True)
    case_mark = models.CharField(max_length=20, blank=True)
    # what is shown and searched
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    date = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True)    # folded and masked: snippets are cut from it
    tokens = models.TextField(blank=True)  # segmented, space-separated
    # a hash of everything written for the entry (search.backends.rows): an entry whose
    # document hashes the same is not written again
    digest = models.BigIntegerField(null=True, blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "检索索引条目"
        verbose_name_plural = "检索索引条目"
        indexes = [
            models.Index(fields=["case", "kind"]),
            models.Index(fields=["-date", "-id"], name="casesearch_entry_newest"),
        ]

    def __str__(self) -> str:
        return self.key


class EntryOfficer(models.Model):
    """An officer on an entry's case: the officer facet and filter as an indexed join."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="officers")
    officer_id = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["officer_id", "entry"])]
        constraints = [models.UniqueConstraint(fields=["entry", "officer_id"],
                                               name="casesearch_officer_once_per_entry")]


class SearchTerm(models.Model):
    """A word added to the domain dictionary by an administrator (search/segmentation.py)."""

    word = models.CharField("词条", max_length=40, unique=True)
    note = models.CharField("说明", max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 blank=True, editable=False, related_name="+",
                                 verbose_name="录入人")
    added_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "检索词条"
        verbose_name_plural = "检索词条"
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class RealField(models.FloatField):
    """A 4-byte float, the type of RUM's distance: a rank stored as a double would not equal
    the same rank read back from ``vector <=> query`` through the driver (11.238874435 against
    11.238874), and a list's cut is compared with both."""

    def db_type(self, connection):
        return "real"


class ChampionTerm(models.Model):
    """A frequent term whose best entries by relevance are kept in a list, and the list's cut
    (search.backends.champions). PostgreSQL with RUM only; the table has one more column
    there, ``query`` (the term as a tsquery), added with the triggers that keep the lists."""

    term = models.CharField(max_length=100, unique=True)
    cut_rank = RealField()
    cut_date = models.DateField(null=True)
    cut_entry_id = models.BigIntegerField()
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.term


class ChampionEntry(models.Model):
    """An entry in a term's list: its rank for the term and its date, the page's order."""

    term = models.ForeignKey(ChampionTerm, on_delete=models.CASCADE, related_name="entries",
                             db_index=False)  # the order index below leads with it
    # the triggers remove it with its entry (no constraint: TRUNCATE and the bulk writes of
    # the index stay as they are)
    entry = models.ForeignKey(SearchEntry, on_delete=models.DO_NOTHING, db_constraint=False,
                              related_name="+")
    rank = RealField()
    date = models.DateField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "entry"],
                                               name="casesearch_champion_once_per_term")]
        indexes = [models.Index(fields=["term", "rank", "-date", "-entry"],
                                name="casesearch_champion_order")]
