"""What the text record must contain at each stage (第十一条 to 第十六条).

The items are the regulation's own lists; `STAGE_TEXT_RULES` says which items belong to which
stage of which kind of act. The signature rule (第十三条) applies to every document, so
`text_requirements` adds it to every stage. An item with a `condition` is only required when
that thing happened (sampling only when samples were taken).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Requirement:
    text: str
    article: str
    code: str = ""
    condition: str = ""  # "" when always required at that stage

    @property
    def conditional(self) -> bool:
        return bool(self.condition)


@dataclass(frozen=True)
class StageTextRule:
    kind: str
    stage: str
    requirements: tuple[Requirement, ...]


def _r(code: str, text: str, article: str, condition: str = "") -> Requirement:
    return Requirement(text, article, code, condition)


# 第十一条 程序启动
START_ON_APPLICATION = (
    _r("start.application", "申请情况", "第十一条"),
    _r("start.registration", "登记情况", "第十一条"),
    _r("start.notice", "告知情况", "第十一条"),
    _r("start.correction", "补正情况", "第十一条", "要求申请人补正材料时"),
)
START_ON_INITIATIVE = (
    _r("start.source", "案件来源（检查、交办、移送、投诉举报）", "第十一条"),
    _r("start.filing", "立案情况", "第十一条"),
)

# 第十二条 调查取证: the twelve items
INVESTIGATION_ITEMS = (
    _r("investigation.officers", "（一）行政执法人员姓名、执法证号及出示执法证件情况", "第十二条"),
    _r("investigation.questioning", "（二）询问当事人等有关人员情况", "第十二条", "询问有关人员时"),
    _r("investigation.site_inspection", "（三）现场检查（勘验）情况", "第十二条", "进行现场检查（勘验）时"),
    _r("investigation.evidence", "（四）调取书证、物证及其他证据情况", "第十二条", "调取证据时"),
    _r("investigation.sampling", "（五）抽样取证情况", "第十二条", "抽样取证时"),
    _r("investigation.testing", "（六）检验、检测、技术鉴定情况", "第十二条", "进行检验、检测或技术鉴定时"),
    _r("investigation.preservation", "（七）先行登记保存证据情况", "第十二条", "先行登记保存证据时"),
    _r("investigation.coercive_measures", "（八）实施强制措施情况", "第十二条", "实施强制措施时"),
    _r("investigation.rights_notice", "（九）告知当事人申请回避、陈述申辩、申请听证等权利情况", "第十二条"),
    _r("investigation.rights_exercised", "（九）当事人行使申请回避、陈述申辩、申请听证等权利情况", "第十二条"),
    _r("investigation.hearing", "（十）举行听证情况", "第十二条"),
    _r("investigation.expert_review", "（十一）专家评审情况", "第十二条", "组织专家评审时"),
    _r("investigation.other", "（十二）其他应当记录的情况", "第十二条", "有其他应当记录的情况时"),
)

# 第十三条 签字与拒绝记录
SIGNATURES = _r(
    "signatures",
    "文书由行政执法人员、行政相对人及有关人员签字或盖章；拒绝接受调查、提供证据或签字的，记录拒绝情况",
    "第十三条",
)

# 第十四条 审核决定
LEGAL_REVIEW_CONDITION = "重大行政执法决定，或适用一般程序的行政处罚决定"
REVIEW_ITEMS = (
    _r("review.facts_basis", "（一）案件主要事实、法律法规规章依据、运用行政裁量标准及承办人办理意见", "第十四条"),
    _r("review.unit_opinion", "（二）承办机构意见", "第十四条"),
    _r("review.legal_review", "（三）法制审核意见", "第十四条", LEGAL_REVIEW_CONDITION),
    _r("review.head_opinion", "（四）行政执法机关负责人意见或集体讨论意见", "第十四条"),
    _r("review.decision", "（五）作出行政执法决定情况", "第十四条"),
    _r("review.expert_opinion", "专家论证意见", "第十四条", "组织专家论证时"),
)

# 第十五条 送达执行
SERVICE_ITEMS = (
    _r("service.service", "（一）行政执法文书送达情况", "第十五条"),
    _r("service.correction", "（二）当事人改正违法行为情况", "第十五条", "责令当事人改正时"),
    _r("service.performance", "（三）履行行政执法决定情况", "第十五条"),
    _r("service.coercion", "（四）实施行政强制情况", "第十五条"),
)

# 第十六条 结案与归档
CLOSING_APPROVAL = _r("closing.approval", "结案审批情况", "第十六条")
ARCHIVING = _r("closing.archiving", "归档情况（一案一卷，行为终结之日起20个工作日内）", "第十六条")

ALL_ITEMS: tuple[Requirement, ...] = (
    *START_ON_APPLICATION, *START_ON_INITIATIVE, *INVESTIGATION_ITEMS, SIGNATURES,
    *REVIEW_ITEMS, *SERVICE_ITEMS, CLOSING_APPROVAL, ARCHIVING,
)
ITEMS_BY_CODE = {item.code: item for item in ALL_ITEMS}


def item(code: str, condition: str | None = None) -> Requirement:
    """An item of the regulation, optionally with the condition under which a stage needs it."""
    found = ITEMS_BY_CODE[code]
    if condition is None:
        return found
    return Requirement(found.text, found.article, found.code, condition)


def _items(*codes: str) -> tuple[Requirement, ...]:
    return tuple(ITEMS_BY_CODE[code] for code in codes)


def _stage_items(kind: str, stage: str, *requirements: Requirement) -> StageTextRule:
    return StageTextRule(kind, stage, tuple(requirements))


WHEN_ON_APPLICATION = "依申请启动时"
WHEN_ON_INITIATIVE = "依职权启动时"


def _when(requirement: Requirement, mode_condition: str) -> Requirement:
    """The item, required only when the procedure started in that way (for kinds that may
    start either way, 第十一条)."""
    condition = mode_condition + (f"，{requirement.condition}" if requirement.condition else "")
    return item(requirement.code, condition)


_APPLIED = START_ON_APPLICATION[:2]        # 申请、登记
_ACKNOWLEDGED = START_ON_APPLICATION[2:]   # 告知、补正
_DECIDING = REVIEW_ITEMS
_CLOSE = (CLOSING_APPROVAL, ARCHIVING)
ACCEPTANCE = Requirement("受理情况", "第十条", "licensing.acceptance")


def _licensing_like(kind: str, *, either_start: bool) -> tuple[StageTextRule, ...]:
    """行政许可 starts on application; 行政确认 may also start on the bureau's initiative."""
    if either_start:
        application = (*(_when(r, WHEN_ON_APPLICATION) for r in _APPLIED),
                       *(_when(r, WHEN_ON_INITIATIVE) for r in START_ON_INITIATIVE))
        acceptance = (*(_when(r, WHEN_ON_APPLICATION) for r in _ACKNOWLEDGED),
                      Requirement(ACCEPTANCE.text, ACCEPTANCE.article, ACCEPTANCE.code,
                                  WHEN_ON_APPLICATION))
    else:
        application = _APPLIED
        acceptance = (*_ACKNOWLEDGED, ACCEPTANCE)
    on_site = "实地核查时"
    return (
        _stage_items(kind, "application", *application),
        _stage_items(kind, "acceptance", *acceptance),
        _stage_items(kind, "examination",
                     Requirement("审查意见", "第十条", "licensing.examination"),
                     item("investigation.officers", on_site),
                     item("investigation.site_inspection", on_site),
                     item("investigation.expert_review"),
                     item("investigation.other")),
        _stage_items(kind, "hearing", item("investigation.hearing")),
        _stage_items(kind, "review_decision", *_DECIDING),
        _stage_items(kind, "service", item("service.service")),
        _stage_items(kind, "change_renewal",
                     Requirement("变更、延续的申请、审查和决定情况", "第十条", "licensing.change_renewal")),
        _stage_items(kind, "revocation_cancellation",
                     Requirement("撤销、注销的依据、程序和决定情况", "第十条", "licensing.revocation_cancellation")),
        _stage_items(kind, "archiving", *_CLOSE),
    )


_START_EITHER = (
    *(_when(r, WHEN_ON_APPLICATION) for r in START_ON_APPLICATION),
    *(_when(r, WHEN_ON_INITIATIVE) for r in START_ON_INITIATIVE),
)

STAGE_TEXT_RULES: tuple[StageTextRule, ...] = (
    # 行政处罚
    _stage_items("penalty", "filing", *START_ON_INITIATIVE),
    _stage_items("penalty", "investigation", *_items(
        "investigation.officers", "investigation.questioning", "investigation.site_inspection",
        "investigation.evidence", "investigation.sampling", "investigation.testing",
        "investigation.preservation", "investigation.coercive_measures",
        "investigation.expert_review", "investigation.other")),
    _stage_items("penalty", "notice", item("investigation.rights_notice")),
    _stage_items("penalty", "statement_defence", item("investigation.rights_exercised")),
    _stage_items("penalty", "hearing", item("investigation.hearing")),
    _stage_items("penalty", "review_decision", *_DECIDING),
    _stage_items("penalty", "service", item("service.service")),
    _stage_items("penalty", "execution", item("service.correction"), item("service.performance"),
                 item("service.coercion", "当事人逾期不履行，依法强制执行时")),
    _stage_items("penalty", "closing", CLOSING_APPROVAL),
    _stage_items("penalty", "archiving", ARCHIVING),
    # 行政强制
    _stage_items("coercion", "report_approval", *START_ON_INITIATIVE,
                 Requirement("报告及批准情况", "第十条", "coercion.report_approval")),
    _stage_items("coercion", "notice", item("investigation.rights_notice")),
    _stage_items("coercion", "statement_defence", item("investigation.rights_exercised")),
    _stage_items("coercion", "review_decision", *_DECIDING),
    _stage_items("coercion", "service", item("service.service")),
    _stage_items("coercion", "implementation", item("investigation.officers"),
                 item("service.coercion")),
    _stage_items("coercion", "archiving", *_CLOSE),
    # 行政检查
    _stage_items("inspection", "inspection", *START_ON_INITIATIVE, *_items(
        "investigation.officers", "investigation.site_inspection", "investigation.questioning",
        "investigation.evidence", "investigation.sampling", "investigation.testing",
        "investigation.other")),
    _stage_items("inspection", "result",
                 Requirement("检查结果", "第十条", "inspection.result"),
                 item("service.service", "检查结果需以文书告知当事人时"),
                 item("service.correction")),
    _stage_items("inspection", "archiving", *_CLOSE),
    # 行政许可, 行政确认
    *_licensing_like("licensing", either_start=False),
    *_licensing_like("confirmation", either_start=True),
    # 行政征收征用
    _stage_items("expropriation", "approval", *START_ON_INITIATIVE,
                 Requirement("征收征用的批准情况", "第十条", "expropriation.approval")),
    _stage_items("expropriation", "notice_announcement",
                 Requirement("通知、公告的内容、方式和时间", "第十条", "expropriation.notice"),
                 item("service.service")),
    _stage_items("expropriation", "implementation", item("investigation.officers"),
                 Requirement("征收征用的实施情况", "第十条", "expropriation.implementation"),
                 item("service.coercion", "依法实施强制时")),
    _stage_items("expropriation", "archiving", *_CLOSE),
    # 其他行政执法行为
    _stage_items("other", "record", *_START_EITHER, item("investigation.officers"),
                 Requirement("各环节实施情况", "第十条", "other.record"),
                 item("investigation.other")),
    _stage_items("other", "archiving", *_CLOSE),
)


def text_requirements(kind_code: str, stage_code: str, catalogue=None) -> tuple[Requirement, ...]:
    """What the text record must contain at this stage of this kind of act, ending with the
    signature rule of 第十三条. Raises KeyError for a kind or stage the catalogue lacks."""
    if catalogue is None:
        from policies.catalogue import current_catalogue
        catalogue = current_catalogue()
    catalogue.kind(kind_code).stage(stage_code)  # KeyError naming 第十条 when unknown
    for rule in catalogue.text_rules:
        if rule.kind == kind_code and rule.stage == stage_code:
            return (*rule.requirements, catalogue.signature_rule)
    return (catalogue.signature_rule,)


def legal_review_required(kind_code: str, *, major: bool, general_procedure: bool = False) -> bool:
    """第十四条（三）: legal review is required for a major enforcement decision, and for every
    penalty decided under the general procedure (not the summary procedure)."""
    return major or (kind_code == "penalty" and general_procedure)
