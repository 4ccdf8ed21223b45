"""Classification marks on cases and on single records (第二十九条), and where personal data
lives in the case file.

A record's mark may be stricter than its case's, never looser (policies.marks). A case file
has a main volume (正卷) and a restricted volume (副卷): the records whose effective mark is
sealed (personal data, commercial or state secret) go into the restricted one.

`PERSONAL_FIELDS` is the one registry of the model fields that hold personal data (identity
numbers, phone numbers, addresses), so that masking, exports and search can find them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from policies.marks import DEFAULT_MARK, Mark, as_mark, effective_record_mark, record_mark_allowed

from .exceptions import MarkLooserThanCase

ARTICLE = "第二十九条"
MARK_CHOICES = Mark.choices()


class Volume(models.TextChoices):
    MAIN = "main", "正卷"
    RESTRICTED = "restricted", "副卷"


#: model label → the fields of that model that hold personal data (第二十九条 个人隐私)
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "records.caseparty": ("id_number", "phone", "address"),
}


def personal_fields(model) -> tuple[str, ...]:
    """The personal-data fields of a model class or instance (empty when it has none)."""
    return PERSONAL_FIELDS.get(model._meta.label_lower, ())


def mark_field(default: Mark = DEFAULT_MARK, verbose_name: str = "密级标记") -> models.CharField:
    return models.CharField(verbose_name, max_length=20, choices=MARK_CHOICES,
                            default=default.value,
                            help_text="第二十九条：公开、内部、个人信息、商业秘密、国家秘密")


def looser_message(record_mark: str, case_mark: str) -> str:
    return (f"记录的密级标记“{as_mark(record_mark).label}”低于所属案卷的“{as_mark(case_mark).label}”，"
            f"只能相同或更严（{ARTICLE}）")


def require_mark_not_looser(record_mark: str, case_mark: str) -> None:
    """For services: raise MarkLooserThanCase when the record's mark is looser."""
    if not record_mark_allowed(record_mark, case_mark):
        raise MarkLooserThanCase(looser_message(record_mark, case_mark))


def clean_record_mark(record_mark: str, case_mark: str | None) -> None:
    """For model clean(): the same rule as a ValidationError on the mark field."""
    if case_mark and record_mark and not record_mark_allowed(record_mark, case_mark):
        raise ValidationError({"mark": looser_message(record_mark, case_mark)})


def effective_mark(record_mark: str | None, case_mark: str) -> Mark:
    return effective_record_mark(record_mark, case_mark)


def volume_for(record_mark: str | None, case_mark: str) -> str:
    """正卷 or 副卷 for a record with this mark in a case with that mark."""
    return Volume.RESTRICTED if effective_mark(record_mark, case_mark).sealed else Volume.MAIN
