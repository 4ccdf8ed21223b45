"""The change points of the case file that re-index a case (connected in apps.py)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from .indexing import case_index_on_commit, page_index, page_unindex

# model label → how to reach the case id from an instance
CASE_OF = {
    "records.case": lambda obj: obj.pk,
    "records.caseparty": lambda obj: obj.case_id,
    "records.caseofficer": lambda obj: obj.case_id,
    "records.casestep": lambda obj: obj.case_id,
    "records.caseannotation": lambda obj: obj.case_id,
    "records.stagerecord": lambda obj: obj.case_id,
    "records.avrecord": lambda obj: obj.case_id,
    "records.document": lambda obj: _stage_case(obj.stage_record_id, obj),
    "records.signature": lambda obj: _document_case(obj.document_id),
    "records.investigationentry": lambda obj: _stage_case(obj.stage_record_id, obj),
    "records.reviewentry": lambda obj: _stage_case(obj.stage_record_id, obj),
    "records.serviceentry": lambda obj: _stage_case(obj.stage_record_id, obj),
    "records.avinterruption": lambda obj: _av_case(obj.av_record_id),
    "records.evidencenote": lambda obj: _av_case(obj.av_record_id),
}


def _cached(obj, relation: str):
    """The related object when the instance already holds it (no query)."""
    return obj._state.fields_cache.get(relation)


def _stage_case(stage_record_id, obj=None):
    from records.models import StageRecord

    record = _cached(obj, "stage_record") if obj is not None else None
    if record is not None:
        return record.case_id

    return StageRecord.objects.filter(pk=stage_record_id).values_list("case_id", flat=True).first()


def _document_case(document_id):
    from records.models import Document

    return Document.objects.filter(pk=document_id) \
        .values_list("stage_record__case_id", flat=True).first()


def _av_case(av_record_id):
    from records.models import AVRecord

    return AVRecord.objects.filter(pk=av_record_id).values_list("case_id", flat=True).first()


def record_changed(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: reindex afterwards
        return
    reach = CASE_OF.get(sender._meta.label_lower)
    if reach is not None:
        case_index_on_commit(reach(instance))


def page_published(sender, instance, **kwargs):
    from django.db import transaction

    page = instance
    transaction.on_commit(lambda: page_index(page))


def page_unpublished(sender, instance, **kwargs):
    from django.db import transaction

    page_id = instance.pk
    transaction.on_commit(lambda: page_unindex(page_id))


def search_term_changed(sender, instance, **kwargs):
    from . import segmentation

    segmentation.reset()


def connect() -> None:
    from django.apps import apps
    from wagtail.signals import page_published as published, page_unpublished as unpublished

    for label in CASE_OF:
        model = apps.get_model(label)
        post_save.connect(record_changed, sender=model, dispatch_uid=f"casesearch:{label}:save")
        post_delete.connect(record_changed, sender=model,
                            dispatch_uid=f"casesearch:{label}:delete")
    published.connect(page_published, dispatch_uid="casesearch:page_published")
    unpublished.connect(page_unpublished, dispatch_uid="casesearch:page_unpublished")
    term = apps.get_model("casesearch", "SearchTerm")
    post_save.connect(search_term_changed, sender=term, dispatch_uid="casesearch:term_save")
    post_delete.connect(search_term_changed, sender=term, dispatch_uid="casesearch:term_delete")
