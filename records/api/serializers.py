"""What the API shows of a case file. Personal fields of parties come from access.masking
(masked unless the reader holds the personal-data permission, whose clear reading is logged);
nothing here reads them from the model directly."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..casefile import AVRecord, Case, Document, StageRecord


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OfficerSerializer(serializers.Serializer):
    name = serializers.CharField()
    certificate_number = serializers.CharField()
    role = serializers.CharField()


class PartySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    party_type = serializers.CharField()
    name = serializers.CharField()
    id_type = serializers.CharField()
    id_number = serializers.CharField(help_text="遮蔽显示，除非有查看个人信息的授权（第二十九条）")
    phone = serializers.CharField(help_text="遮蔽显示，除非有查看个人信息的授权")
    address = serializers.CharField(help_text="遮蔽显示，除非有查看个人信息的授权")
    masked = serializers.BooleanField()


class CaseSerializer(serializers.ModelSerializer):
    """Metadata of a case; `officers` and `parties` only for a reader of its content
    (null otherwise)."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    handling_unit = UnitSerializer(read_only=True)
    content = serializers.SerializerMethodField(help_text="读者能否查阅内容（第二十八条）")
    officers = serializers.SerializerMethodField()
    parties = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "number", "kind", "kind_label", "title", "start_mode", "source",
                  "handling_unit", "mark", "major_decision", "opened_on", "act_ended_on",
                  "archive_deadline", "state", "state_label", "closed_at", "archived_at",
                  "content", "officers", "parties"]
        read_only_fields = fields

    def get_content(self, case) -> bool:
        return case.pk in self.context.get("content", {})

    @extend_schema_field(OfficerSerializer(many=True, allow_null=True))
    def get_officers(self, case):
        content = self.context.get("content", {}).get(case.pk)
        return None if content is None else content["officers"]

    @extend_schema_field(PartySerializer(many=True, allow_null=True))
    def get_parties(self, case):
        content = self.context.get("content", {}).get(case.pk)
        return None if content is None else content["parties"]


class StageRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageRecord
        fields = ["id", "case", "stage", "summary", "occurred_on", "mark", "recorded_at"]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    stage = serializers.CharField(source="stage_record.stage", read_only=True)
    superseded = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "stage_record", "stage", "doc_kind", "doc_number", "issued_on", "text",
                  "file_sha256", "file_size", "file_mime", "file_name", "mark", "supersedes",
                  "superseded", "correction_reason", "created_at"]
        read_only_fields = fields

    def get_superseded(self, document) -> bool:
        return hasattr(document, "superseded_by")


class AVRecordSerializer(serializers.ModelSerializer):
    """Metadata of an audio/video record; its bytes are served (and logged) by the media
    view, not by the API."""

    recorded_by = serializers.CharField(source="recorded_by.full_name", read_only=True)
    recorded_by_certificate = serializers.CharField(source="recorded_by.certificate_number",
                                                    read_only=True)

    class Meta:
        model = AVRecord
        fields = ["id", "case", "stage", "sha256", "size", "media_kind", "mime",
                  "duration_seconds", "original_name", "device_kind", "device_id", "recorded_by",
                  "recorded_by_certificate", "started_at", "ended_at", "place", "stored_at",
                  "returned_to_unit_at", "late_storage_cause", "mark", "supersedes",
                  "correction_reason", "registered_at"]
        read_only_fields = fields


class UploadAnswerSerializer(serializers.Serializer):
    record_id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    created = serializers.BooleanField(help_text="false：同一文件已为本案登记过（重试），返回原记录")
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    stored_new_copy = serializers.BooleanField(help_text="false：相同内容已存储，只保留一份")
    mime = serializers.CharField()
    kind = serializers.ChoiceField(choices=["video", "audio", "photo"])
    duration_seconds = serializers.FloatField(allow_null=True)


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="中文说明，注明依据条款")
