"""The API's views: thin, each reading through the access gate's visibility selector and
writing its access-log line before the response is sent (第二十八条, 第二十九条)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from access import gate
from access.masking import personal_values_many
from access.selectors import objects_visible

from .. import events
from ..casefile import AVRecord, Case, CaseOfficer, CaseParty, Document, StageRecord
from ..upload_endpoint import __doc__ as UPLOAD_PROTOCOL
from .base import NOT_FOUND, Pages, RecordsAPIView, log_read, require_or_404
from .serializers import (
    AVRecordSerializer,
    CaseSerializer,
    DocumentSerializer,
    ErrorSerializer,
    StageRecordSerializer,
    UploadAnswerSerializer,
)


def visible_case(request, pk) -> Case:
    """The case if the reader may see it at all; otherwise 404, the same for a case that does
    not exist (its existence does not leak; the denial is logged by the exception handler)."""
    case = objects_visible(request.user, Case.objects.select_related("handling_unit")) \
        .filter(pk=pk).first()
    if case is None:
        # the denial's line names the object asked for (a guessed id and a hidden case alike)
        events.record_event(actor=request.user, action="denied", outcome=events.DENIED,
                            obj=("records.case", pk), request=request._request,
                            detail={"status": 404, "reason": "no such case or not visible"})
        raise Http404(NOT_FOUND)
    return case


def case_contents(request, cases) -> dict:
    """Officers and parties of the cases whose content the reader may see, parties' personal
    fields masked unless the reader may unmask them (each clear reading logged)."""
    decisions = gate.flags(request.user, cases, (gate.VIEW,))
    readable = [case.pk for case in cases if decisions[case.pk][gate.VIEW].allowed]
    content = {pk: {"officers": [], "parties": []} for pk in readable}
    if not readable:
        return content
    for row in CaseOfficer.objects.filter(case_id__in=readable).select_related("officer"):
        content[row.case_id]["officers"].append({
            "name": row.officer.full_name, "certificate_number": row.officer.certificate_number,
            "role": row.role})
    parties = list(CaseParty.objects.filter(case_id__in=readable).select_related("case"))
    shown = personal_values_many(request.user, parties, request=request._request)
    for party in parties:
        values = shown[party.pk]
        content[party.case_id]["parties"].append({
            "id": party.pk, "party_type": party.party_type, "name": party.name,
            "id_type": party.id_type, "id_number": values["id_number"], "phone": values["phone"],
            "address": values["address"], "masked": not values.clear})
    return content


class CaseListView(RecordsAPIView, generics.ListAPIView):
    """The cases the reader may see (metadata), newest first."""

    serializer_class = CaseSerializer
    pagination_class = Pages

    def get_queryset(self):
        cases = objects_visible(self.request.user, Case.objects.select_related("handling_unit"))
        params = self.request.query_params
        if params.get("state"):
            cases = cases.filter(state=params["state"])
        if params.get("kind"):
            cases = cases.filter(kind=params["kind"])
        return cases.order_by("-opened_on", "-id")

    @extend_schema(
        operation_id="cases_list", summary="案卷列表",
        description="当前用户按权限可见的案卷（第二十九条），每页 50 条；个人信息遮蔽显示，"
                    "除非有查看个人信息的授权。每次查询写入访问日志（第二十八条）。",
        parameters=[OpenApiParameter("state", str, description="案卷状态"),
                    OpenApiParameter("kind", str, description="行政执法行为类别")])
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        content = case_contents(request, page)
        log_read(request, None, list="cases", ids=[case.pk for case in page],
                 count=self.paginator.page.paginator.count)
        data = CaseSerializer(page, many=True, context={"content": content}).data
        return self.get_paginated_response(data)


class CaseDetailView(RecordsAPIView, generics.RetrieveAPIView):
    serializer_class = CaseSerializer

    @extend_schema(operation_id="cases_retrieve", summary="案卷详情",
                   description="无权查看或不存在的案卷一律回答 404（第二十九条）。",
                   responses={200: CaseSerializer, 404: OpenApiResponse(description="不存在或无权访问")})
    def get(self, request, pk: int):
        case = visible_case(request, pk)
        content = case_contents(request, [case])
        log_read(request, case, content=case.pk in content)
        return Response(CaseSerializer(case, context={"content": content}).data)


class CaseStageRecordsView(RecordsAPIView, generics.ListAPIView):
    serializer_class = StageRecordSerializer
    pagination_class = None

    @extend_schema(operation_id="cases_stage_records_list", summary="案卷的环节记录（第十条）",
                   responses={200: StageRecordSerializer(many=True),
                              403: OpenApiResponse(description="只可查看基本信息"),
                              404: OpenApiResponse(description="不存在或无权访问")})
    def get(self, request, pk: int):
        case = visible_case(request, pk)
        require_or_404(request, gate.VIEW, case)
        records = list(StageRecord.objects.filter(case=case).select_related("case"))
        decisions = gate.flags(request.user, records, (gate.VIEW,))
        records = [r for r in records if decisions[r.pk][gate.VIEW].allowed]
        log_read(request, case, list="stage_records", ids=[r.pk for r in records])
        return Response(StageRecordSerializer(records, many=True).data)


class CaseDocumentsView(RecordsAPIView, generics.ListAPIView):
    serializer_class = DocumentSerializer
    pagination_class = None

    @extend_schema(operation_id="cases_documents_list", summary="案卷的文书",
                   description="只列出当前用户可查阅内容的文书（标记更严的文书须另行授权）。",
                   responses={200: DocumentSerializer(many=True),
                              404: OpenApiResponse(description="不存在或无权访问")})
    def get(self, request, pk: int):
        case = visible_case(request, pk)
        documents = list(objects_visible(
            request.user, Document.objects.filter(stage_record__case=case), level="content")
            .select_related("stage_record", "superseded_by").order_by("issued_on", "id"))
        log_read(request, case, list="documents", ids=[d.pk for d in documents])
        return Response(DocumentSerializer(documents, many=True).data)


class CaseAVRecordsView(RecordsAPIView, generics.ListAPIView):
    serializer_class = AVRecordSerializer
    pagination_class = None

    @extend_schema(operation_id="cases_av_records_list", summary="案卷的音像记录（元数据）",
                   description="只列出当前用户可查阅内容的音像记录；文件本身经播放/下载视图提供并记录。",
                   responses={200: AVRecordSerializer(many=True),
                              404: OpenApiResponse(description="不存在或无权访问")})
    def get(self, request, pk: int):
        case = visible_case(request, pk)
        records = list(objects_visible(request.user, AVRecord.objects.filter(case=case),
                                       level="content")
                       .select_related("recorded_by").order_by("started_at", "id"))
        log_read(request, case, list="av_records", ids=[r.pk for r in records])
        return Response(AVRecordSerializer(records, many=True).data)


def _header(name: str, description: str, *, required: bool = False, kind=str) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.HEADER, required=required,
                            description=description)


UPLOAD_PARAMETERS = [
    _header("X-OTP-Code", "个人令牌须附当前动态验证码；设备令牌不需要"),
    _header("X-Case-Id", "案卷编号（或用 X-Case-Number）", kind=int),
    _header("X-Case-Number", "案号（百分号编码的 UTF-8），如 郑建罚〔2026〕12号"),
    _header("X-Stage", "环节代码（第十条），如 investigation", required=True),
    _header("X-Recorded-Start", "开始时间，ISO 8601 含时区", required=True),
    _header("X-Recorded-End", "结束时间，ISO 8601 含时区", required=True),
    _header("X-Place", "记录地点（百分号编码的 UTF-8，第二十七条）", required=True),
    _header("X-Officer-Certificate", "记录人执法证号（第十二条）；设备令牌必填"),
    _header("X-Device-Id", "设备编号"),
    _header("X-Device-Kind", "设备类型：camera、audio_recorder、video_camera、body_camera（默认）、surveillance"),
    _header("X-Returned-To-Unit-At", "第二十六条例外：返回单位时间"),
    _header("X-Late-Storage-Cause", "第二十六条例外：未能及时储存的客观原因"),
    _header("X-File-Name", "原文件名（百分号编码），仅用于显示和核对扩展名，从不作为路径"),
    _header("X-Content-SHA256", "采集工作站计算的 SHA-256；不一致则拒绝（409）"),
]
UPLOAD_RESPONSES = {
    201: UploadAnswerSerializer,
    200: OpenApiResponse(UploadAnswerSerializer, description="同一文件已为本案登记，返回原记录"),
    **{code: OpenApiResponse(ErrorSerializer, description=text) for code, text in {
        400: "元数据有误或上传不完整", 401: "缺少或无效的令牌、验证码", 403: "无权向该案卷添加记录",
        404: "案卷不存在或无权访问", 409: "SHA-256 不一致", 413: "文件过大",
        415: "内容不是音视频或照片，或与扩展名不符", 503: "暂时无法登记，请重试"}.items()},
}


class UploadDescriptionView(RecordsAPIView):
    """Describes the docking-station upload in the schema. In production the ASGI router
    (portal/asgi.py) sends this path to records/upload_endpoint.py before Django, so this
    view answers only when the app runs without that router (e.g. under WSGI)."""

    accepts_device_tokens = True

    def _not_here(self):
        return Response({"error": "上传由 ASGI 服务（portal.asgi:application）直接接收，"
                                  "请通过该服务上传。"}, status=status.HTTP_501_NOT_IMPLEMENTED)

    @extend_schema(operation_id="uploads_put", summary="采集工作站上传音像记录",
                   description=UPLOAD_PROTOCOL, request={"application/octet-stream": OpenApiTypes.BINARY},
                   parameters=UPLOAD_PARAMETERS, responses=UPLOAD_RESPONSES, tags=["uploads"])
    def put(self, request):
        return self._not_here()

    @extend_schema(operation_id="uploads_post", summary="采集工作站上传音像记录（POST，同 PUT）",
                   description="与 PUT 相同。", request={"application/octet-stream": OpenApiTypes.BINARY},
                   parameters=UPLOAD_PARAMETERS, responses=UPLOAD_RESPONSES, tags=["uploads"])
    def post(self, request):
        return self._not_here()
