"""manage.py check_compliance: the completeness findings of case files, each citing its
article (第十条, 第十三条, 第十四条, 第十九条, 第二十三条, 第二十五条, 第二十六条, 第二十九条),
for the legal office's supervision (第三十条).

Uses the published audio/video checklist (settings.RECORDS_CHECKLIST_PROVIDER) and the
working-day calendar (the chinese-calendar package plus the years an administrator entered).
Prints case numbers, findings and articles, never party data.
"""

from __future__ import annotations

import json
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from records.calendar import working_calendar
from records.case_lifecycle import CaseState
from records.casefile import Case
from records.compliance import case_findings, published_checklist


class Command(BaseCommand):
    help = "检查案卷的完整性（缺少环节记录、签字、法制审核、音像记录，超时储存或归档等），逐条注明条款。"

    def add_arguments(self, parser):
        parser.add_argument("--unit", action="append", default=[], metavar="CODE",
                            help="only cases of this handling unit (repeatable)")
        parser.add_argument("--case", action="append", default=[], metavar="NUMBER",
                            help="only the case with this number (repeatable)")
        parser.add_argument("--state", choices=[*CaseState.values, "all"], default="all")
        parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
        parser.add_argument("--fail-on-findings", action="store_true",
                            help="exit with status 1 when any finding is reported")

    def handle(self, *args, **options):
        cases = Case.objects.select_related("handling_unit").order_by("handling_unit__code", "number")
        if options["unit"]:
            cases = cases.filter(handling_unit__code__in=options["unit"])
        if options["case"]:
            cases = cases.filter(number__in=options["case"])
        if options["state"] != "all":
            cases = cases.filter(state=options["state"])
        checklist, calendar, now = published_checklist(), working_calendar(), timezone.now()
        report, by_article, checked = [], Counter(), 0
        for case in cases.iterator(chunk_size=200):
            checked += 1
            findings = case_findings(case, checklist=checklist, calendar=calendar, now=now)
            by_article.update(finding.article for finding in findings)
            if findings:
                report.append((case, findings))
        if options["json"]:
            self.stdout.write(json.dumps({
                "checked_at": now.isoformat(), "cases_checked": checked,
                "cases": [{"number": case.number, "unit": case.handling_unit.code,
                           "state": case.state,
                           "findings": [{"code": f.code, "message": f.message, "article": f.article,
                                         "subject": f.subject} for f in findings]}
                          for case, findings in report],
            }, ensure_ascii=False, indent=2))
        else:
            for case, findings in report:
                self.stdout.write(f"{case.number}（{case.handling_unit}，{case.get_state_display()}）")
                for finding in findings:
                    self.stdout.write(f"  - {finding.message}（{finding.article}）")
            summary = "，".join(f"{article} {count} 条" for article, count in sorted(by_article.items()))
            self.stdout.write(f"共检查 {checked} 个案卷，{len(report)} 个有问题" + (f"：{summary}" if summary else ""))
        if options["fail_on_findings"] and report:
            raise CommandError(f"{len(report)} 个案卷存在完整性问题", returncode=1)
