"""View and copy requests through the API (第二十八条), described in the OpenAPI schema:
submit (and preview the chain first), list one's own, read one, the approver's inbox, decide
a step, withdraw. The same services as the pages; a request the caller is not concerned by
answers 404. Mounted by portal/urls.py at /api/v1/requests/ (access/requests/api_urls.py).
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from access import gate

from . import selectors
from .models import AccessRequest, ApprovalStep, Decision, Delivery, Purpose, RequestKind
from .routing import request_chain
from .workflow import (
    MAX_COPIES, NotAnApprover, RequestError, access_request_decide, access_request_submit,
    access_request_withdraw,
)


class StepSerializer(serializers.ModelSerializer):
    role_name = serializers.CharField(read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ApprovalStep
        fields = ["round", "order", "role", "role_name", "unit", "reason", "article",
                  "opened_at", "decided_by", "decision", "comment", "decided_at"]


class AccessRequestSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    requester = serializers.SlugRelatedField(slug_field="username", read_only=True)
    items = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()

    class Meta:
        model = AccessRequest
        fields = ["id", "number", "requester", "target_repr", "items", "kind", "purpose",
                  "purpose_text", "ends_at", "copies", "delivery", "outside_bureau", "recipient",
                  "status", "round", "created_at", "closed_at", "steps"]

    def get_items(self, obj) -> list[str]:
        return [item.object_repr for item in obj.items.all()]

    def get_steps(self, obj) -> list[dict]:
        steps = obj.steps.select_related("decided_by", "unit").order_by("round", "order")
        return StepSerializer(steps, many=True).data


class SubmitSerializer(serializers.Serializer):
    target = serializers.CharField(required=False, allow_blank=True,
                                   help_text="对象键，如 cases/12（须可查看其基本信息）")
    case_number = serializers.CharField(required=False, allow_blank=True, help_text="或完整案号")
    items = serializers.ListField(child=serializers.CharField(), required=False,
                                  help_text="所选记录的键，如 documents/3；不填为整个案卷")
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    purpose_text = serializers.CharField()
    ends_at = serializers.DateTimeField()
    copies = serializers.IntegerField(min_value=1, max_value=MAX_COPIES, default=1)
    delivery = serializers.ChoiceField(choices=Delivery.choices, default=Delivery.ONLINE)
    outside_bureau = serializers.BooleanField(default=False)
    recipient = serializers.CharField(required=False, allow_blank=True, default="")


class PreviewSerializer(serializers.Serializer):
    target = serializers.CharField(required=False, allow_blank=True)
    case_number = serializers.CharField(required=False, allow_blank=True)
    items = serializers.ListField(child=serializers.CharField(), required=False)
    outside_bureau = serializers.BooleanField(default=False)


class ChainStepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    role = serializers.CharField()
    role_name = serializers.CharField()
    reason = serializers.CharField()
    article = serializers.CharField()


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class InboxSerializer(serializers.Serializer):
    request = AccessRequestSerializer()
    step = StepSerializer()


def _target_and_items(user, data):
    target = selectors.target_by_key(data.get("target") or "")
    if target is not None and not gate.decide(user, gate.VIEW_METADATA, target).allowed:
        target = None
    target = target or selectors.find_target(data.get("case_number") or "")
    if target is None:
        raise Http404("没有找到这个案卷（第二十九条）")
    items = []
    for key in data.get("items") or []:
        item = selectors.record_by_key(key)
        if item is None:
            raise serializers.ValidationError({"items": f"没有记录 {key}"})
        items.append(item)
    return target, items


def _concerned(request, pk: int) -> AccessRequest:
    access_request = AccessRequest.objects.filter(pk=pk).first()
    if access_request is None or not selectors.may_see_request(request.user, access_request):
        raise Http404("没有这件申请")
    return access_request


class RequestListView(APIView):
    @extend_schema(summary="本人的调阅复制申请", responses=AccessRequestSerializer(many=True),
                   tags=["调阅复制申请"])
    def get(self, request):
        rows = selectors.requests_of(request.user)[:200]
        return Response(AccessRequestSerializer(rows, many=True).data)

    @extend_schema(summary="提交调阅或复制申请（第二十八条）", request=SubmitSerializer,
                   responses={201: AccessRequestSerializer}, tags=["调阅复制申请"])
    def post(self, request):
        form = SubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        target, items = _target_and_items(request.user, data)
        try:
            access_request = access_request_submit(
                actor=request.user, target=target, items=items, kind=data["kind"],
                purpose=data["purpose"], purpose_text=data["purpose_text"],
                ends_at=data["ends_at"], copies=data["copies"], delivery=data["delivery"],
                outside_bureau=data["outside_bureau"], recipient=data.get("recipient", ""),
                request=request._request)
        except RequestError as error:
            return Response({"detail": error.message}, status=status.HTTP_400_BAD_REQUEST)
        return Response(AccessRequestSerializer(access_request).data,
                        status=status.HTTP_201_CREATED)


class PreviewView(APIView):
    @extend_schema(summary="提交前预览审批路线（第二十八条、第二十九条）", request=PreviewSerializer,
                   responses=ChainStepSerializer(many=True), tags=["调阅复制申请"])
    def post(self, request):
        form = PreviewSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        target, items = _target_and_items(request.user, form.validated_data)
        try:
            chain = request_chain(requester=request.user, target=target, items=items,
                                  outside_bureau=form.validated_data["outside_bureau"])
        except (ValueError, LookupError) as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(ChainStepSerializer(chain.steps, many=True).data)


class RequestDetailView(APIView):
    @extend_schema(summary="一件申请及其审批环节", responses=AccessRequestSerializer,
                   tags=["调阅复制申请"])
    def get(self, request, pk: int):
        return Response(AccessRequestSerializer(_concerned(request, pk)).data)


class InboxView(APIView):
    @extend_schema(summary="待本人审批的环节", responses=InboxSerializer(many=True),
                   tags=["调阅复制申请"])
    def get(self, request):
        steps = selectors.inbox_for(request.user)[:200]
        return Response(InboxSerializer([{"request": s.request, "step": s} for s in steps],
                                        many=True).data)


class DecisionView(APIView):
    @extend_schema(summary="审批当前环节：同意、驳回或退回补充（第二十八条）",
                   request=DecisionSerializer, responses=AccessRequestSerializer,
                   tags=["调阅复制申请"])
    def post(self, request, pk: int):
        access_request = _concerned(request, pk)
        form = DecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            access_request = access_request_decide(
                actor=request.user, access_request=access_request,
                decision=form.validated_data["decision"], comment=form.validated_data["comment"],
                request=request._request)
        except NotAnApprover as error:
            return Response({"detail": error.message}, status=status.HTTP_403_FORBIDDEN)
        except RequestError as error:
            return Response({"detail": error.message}, status=status.HTTP_409_CONFLICT)
        return Response(AccessRequestSerializer(access_request).data)


class WithdrawView(APIView):
    @extend_schema(summary="撤回申请（已批准的，授权随即失效）", request=None,
                   responses=AccessRequestSerializer, tags=["调阅复制申请"])
    def post(self, request, pk: int):
        access_request = _concerned(request, pk)
        try:
            access_request = access_request_withdraw(actor=request.user,
                                                     access_request=access_request,
                                                     request=request._request)
        except NotAnApprover as error:
            return Response({"detail": error.message}, status=status.HTTP_403_FORBIDDEN)
        except RequestError as error:
            return Response({"detail": error.message}, status=status.HTTP_409_CONFLICT)
        return Response(AccessRequestSerializer(access_request).data)
