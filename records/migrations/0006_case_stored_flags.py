# The facts supervision counts (第三十条) stored on the case row (records/case_flags.py), filled
# in for the cases already there; statistics that let PostgreSQL plan that filling soundly;
# an index for one unit's cases of a period (the unit's
# dashboard and its yearly review export); and the two newest-first indexes of 0004 taken
# into the migration state, now that Case.Meta names them.

from datetime import timedelta

from django.db import migrations, models
from django.db.models import Exists, F, OuterRef, Q, TextField
from django.db.models.functions import Cast


def fill(apps, schema_editor):
    """records.case_flags.computed_flags, written against the historical models."""
    Case = apps.get_model("records", "Case")
    Document = apps.get_model("records", "Document")
    Signature = apps.get_model("records", "Signature")
    AVRecord = apps.get_model("records", "AVRecord")
    ReviewEntry = apps.get_model("records", "ReviewEntry")

    def current(model):
        return ~Exists(model.objects.filter(supersedes=OuterRef("pk")))

    def signature(role, outcomes=None):
        rows = Signature.objects.filter(document=OuterRef("pk"), signer_role=role)
        return Exists(rows.filter(outcome__in=outcomes) if outcomes else rows)

    def required(role):
        return Q(required_text__contains=f'"{role}"')

    missing = required("officer") & ~signature("officer", ("signed", "sealed"))
    for role in ("party", "witness", "other"):
        missing |= required(role) & ~signature(role)
    unsigned = Document.objects.filter(current(Document)).annotate(
        required_text=Cast("required_signers", TextField())).filter(missing)
    day = timedelta(hours=24)
    late = AVRecord.objects.filter(current(AVRecord)).filter(
        Q(returned_to_unit_at__isnull=True, stored_at__gt=F("ended_at") + day)
        | Q(returned_to_unit_at__isnull=False, stored_at__gt=F("returned_to_unit_at") + day))
    case = OuterRef("pk")
    Case.objects.update(
        has_unsigned_document=Exists(unsigned.filter(stage_record__case=case)),
        has_late_storage=Exists(late.filter(case=case)),
        has_continuous_recording=Exists(AVRecord.objects.filter(
            current(AVRecord), case=case, media_kind__in=("video", "audio"))),
        has_legal_review=Exists(ReviewEntry.objects.filter(
            stage_record__case=case, item="review.legal_review")))


# PostgreSQL has no statistics for the text of a document's required signers, estimates that
# the 第十三条 test (`required_signers::text LIKE '%"party"%'`) keeps almost no row, and plans
# joins after it as nested loops that grow with the square of the documents (the refresh of
# many cases, the backfill above). Statistics on that expression give it the real share.
STATISTICS = "records_document_required_text"


def statistics_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} "
                              f"ON ((required_signers)::text) FROM records_document")
        schema_editor.execute("ANALYZE records_document")


def statistics_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


NEWEST = [
    models.Index(fields=["-opened_on", "-id"], name="records_case_newest"),
    models.Index(fields=["handling_unit", "mark", "-opened_on", "-id"],
                 name="records_case_unit_mark_new"),
]


class Migration(migrations.Migration):

    dependencies = [
        ('records', '0005_pending_recordings'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='has_continuous_recording',
            field=models.BooleanField(default=False, editable=False, verbose_name='有视频或音频记录（第十九条）'),
        ),
        migrations.AddField(
            model_name='case',
            name='has_late_storage',
            field=models.BooleanField(default=False, editable=False, verbose_name='有音像记录超过24小时储存（第二十六条）'),
        ),
        migrations.AddField(
            model_name='case',
            name='has_legal_review',
            field=models.BooleanField(default=False, editable=False, verbose_name='有法制审核意见（第十四条）'),
        ),
        migrations.AddField(
            model_name='case',
            name='has_unsigned_document',
            field=models.BooleanField(default=False, editable=False, verbose_name='有文书缺少签字且未记录拒签（第十三条）'),
        ),
        migrations.RunPython(statistics_create, statistics_drop),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name='case', index=index) for index in NEWEST]),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['handling_unit', 'opened_on'], name='records_case_unit_opened'),
        ),
    ]
