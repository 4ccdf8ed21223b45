"""Originals are never altered (第二十八条): not through a model, not through a queryset, and on
PostgreSQL not even through raw SQL. Only the classification mark may change."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from records import services
from records.casefile import AVRecord, Document
from records.exceptions import OriginalImmutable

from . import factories as f

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)


@pytest.fixture
def recording():
    case = f.penalty_case()
    return f.recording(case, "investigation", start=f.at(DAY))


@pytest.fixture
def document():
    case = f.penalty_case()
    return services.document_add(stage_record=f.stage(case, "filing"), actor=case.actor,
                                 doc_kind="现场检查笔录", issued_on=DAY, text="原始笔录",
                                 file_sha256=f.sha(), file_size=10)


def test_saving_a_changed_hash_is_refused(recording):
    stored = recording.sha256
    recording.sha256 = f.sha("other bytes")
    with pytest.raises(OriginalImmutable, match="第二十八条"):
        recording.save()
    assert AVRecord.objects.get(pk=recording.pk).sha256 == stored


def test_saving_a_changed_hash_of_a_freshly_loaded_row_is_refused(recording):
    loaded = AVRecord.objects.get(pk=recording.pk)
    loaded.size = 1
    with pytest.raises(OriginalImmutable):
        loaded.save(update_fields=["size"])
    assert AVRecord.objects.get(pk=recording.pk).size == 1024


def test_deleting_a_recording_is_refused(recording):
    with pytest.raises(OriginalImmutable):
        recording.delete()
    with pytest.raises(OriginalImmutable):
        AVRecord.objects.filter(pk=recording.pk).delete()
    assert AVRecord.objects.filter(pk=recording.pk).exists()


def test_a_queryset_update_of_content_is_refused(recording):
    with pytest.raises(OriginalImmutable):
        AVRecord.objects.filter(pk=recording.pk).update(sha256=f.sha("x"))
    recording.original_name = "renamed.mp4"
    with pytest.raises(OriginalImmutable), transaction.atomic():
        AVRecord.objects.bulk_update([recording], ["original_name"])
    assert AVRecord.objects.get(pk=recording.pk).sha256 == recording.sha256


def test_the_mark_of_an_original_may_be_raised(recording):
    services.record_mark_set(record=recording, actor=f.officer_user(), mark="state_secret")
    assert AVRecord.objects.get(pk=recording.pk).mark == "state_secret"


def test_a_documents_text_and_file_are_never_edited(document):
    document.text = "改过的笔录"
    with pytest.raises(OriginalImmutable):
        document.save()
    with pytest.raises(OriginalImmutable):
        Document.objects.filter(pk=document.pk).update(file_sha256=f.sha("y"))
    with pytest.raises(OriginalImmutable):
        document.delete()
    assert Document.objects.get(pk=document.pk).text == "原始笔录"


# --- PostgreSQL: the database itself refuses ---------------------------------------------------

def _raw(sql: str, params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_a_raw_update_of_an_originals_hash(postgresql_only, recording):
    with pytest.raises(DatabaseError, match="第二十八条"):
        _raw("UPDATE records_avrecord SET sha256 = %s WHERE id = %s", [f.sha("forged"), recording.pk])
    assert AVRecord.objects.get(pk=recording.pk).sha256 == recording.sha256


def test_the_database_refuses_a_raw_delete_of_an_original(postgresql_only, recording):
    with pytest.raises(DatabaseError, match="第二十八条"):
        _raw("DELETE FROM records_avrecord WHERE id = %s", [recording.pk])
    assert AVRecord.objects.filter(pk=recording.pk).exists()


def test_the_database_refuses_raw_edits_of_a_documents_file_and_text(postgresql_only, document):
    with pytest.raises(DatabaseError, match="第二十八条"):
        _raw("UPDATE records_document SET file_sha256 = %s WHERE id = %s", [f.sha("z"), document.pk])
    with pytest.raises(DatabaseError, match="第二十八条"):
        _raw("UPDATE records_document SET text = 'x' WHERE id = %s", [document.pk])
    with pytest.raises(DatabaseError, match="第二十八条"):
        _raw("DELETE FROM records_document WHERE id = %s", [document.pk])
    assert Document.objects.get(pk=document.pk).file_sha256 == document.file_sha256


def test_the_database_lets_the_mark_change(postgresql_only, recording):
    _raw("UPDATE records_avrecord SET mark = 'state_secret' WHERE id = %s", [recording.pk])
    assert AVRecord.objects.get(pk=recording.pk).mark == "state_secret"
