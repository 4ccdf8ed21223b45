"""The areas of the portal that the navigation leads to, in the order a user meets them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    code: str
    title: str
    path: str
    summary: str
    article: str


AREAS: tuple[Area, ...] = (
    Area("rules", "规则指引", "/rules/",
         "行政执法全过程记录制度全文、音像记录事项清单和规范用语指引。", "第八条、第十八条"),
    Area("cases", "案卷", "/cases/",
         "一案一卷：各环节文字记录和音像记录，原始记录不得删改。", "第二十五条、第二十八条"),
    Area("requests", "调阅复制申请", "/requests/",
         "调阅、复制执法记录信息须经批准，批准后在期限内访问。", "第二十八条"),
    Area("search", "检索", "/search/",
         "按中文检索已归档案卷，只显示本人有权查看的内容。", "第二十九条"),
    Area("supervision", "监督管理", "/supervision/",
         "法规处监督全过程记录制度落实情况，按单位和人员统计。", "第三十条、第三十一条"),
)

AREAS_BY_CODE = {area.code: area for area in AREAS}
