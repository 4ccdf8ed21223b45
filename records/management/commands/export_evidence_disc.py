"""manage.py export_evidence_disc CASE_ID OUTPUT.iso --actor USERNAME: the evidence disc of a
case (第二十七条) as an ISO 9660 image (Joliet and Rock Ridge), through the access gate: the
actor needs `copy` on the case and its evidence recordings (第二十八条), and the export is
written to the access log before the image is."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from records.casefile import Case
from records.evidence_disc import evidence_disc_export
from records.exceptions import CaseFileError, RecordsPermissionDenied


class Command(BaseCommand):
    help = "导出案卷的音像证据光盘映像（ISO 9660），含原始资料、证据说明、卷内目录和SHA-256清单（第二十七条）。"

    def add_arguments(self, parser):
        parser.add_argument("case_id", type=int)
        parser.add_argument("output", help="the image file to write (.iso)")
        parser.add_argument("--actor", required=True, help="username of the person exporting")

    def handle(self, *args, case_id, output, actor, **options):
        user = get_user_model().objects.filter(username=actor, is_active=True).first()
        if user is None:
            raise CommandError(f"没有有效用户“{actor}”")
        case = Case.objects.select_related("handling_unit").filter(pk=case_id).first()
        try:
            if case is None:
                raise RecordsPermissionDenied("案卷不存在或无权访问")
            result = evidence_disc_export(case=case, actor=user, output=output)
        except RecordsPermissionDenied as error:
            # an unknown case and a refused one read the same (404, not 403)
            raise CommandError(f"不能导出案卷{case_id}：案卷不存在或无权导出（{error}）") from None
        except CaseFileError as error:
            raise CommandError(str(error)) from None
        originals = sum(1 for item in result.files if item.open_original is not None)
        self.stdout.write(f"已导出 {result.path}：{case.number}，原始资料 {originals} 件，"
                          f"共 {len(result.files) + 1} 个文件，{result.size} 字节；"
                          f"清单SHA-256 {result.manifest_sha256}")
