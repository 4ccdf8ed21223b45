"""The text of the demo documents (文书): a template per kind of document, filled from the
case (party, officers, place, facts, legal basis, measure). Each is a few hundred characters
of the bureau's usual wording, with the words the search is judged on (执法记录仪, 陈述申辩,
先行登记保存, 行政强制, 城乡建设局 ...)."""

from __future__ import annotations

from datetime import date

BUREAU = "郑州市城乡建设局"


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


#: doc kind → (required signers, template). Signers: officer, party, witness.
TEMPLATES: dict[str, tuple[tuple[str, ...], str]] = {
    "立案审批表": (("officer",), (
        "{bureau}立案审批表。案由：{title}。案件来源：{source_label}。{source_detail}"
        "当事人：{party}，{party_id_label}：{party_id}，地址：{party_address}。"
        "简要案情：{day}，执法人员{lead}（执法证号{lead_cert}）、{assistant}（执法证号{assistant_cert}）"
        "在{place}发现{fact}经初步核实，当事人涉嫌违反{basis}，依据《行政处罚法》第五十四条的规定，"
        "符合立案条件，建议立案调查。承办人意见：同意立案，由{lead}、{assistant}承办。"
        "承办机构负责人意见：同意立案，按一般程序办理，全过程使用执法记录仪记录。")),
    "现场检查笔录": (("officer", "party"), (
        "现场检查笔录。检查时间：{day}{time_span}。检查地点：{place}。被检查单位（人）：{party}，"
        "现场负责人：{representative}，联系电话：{party_phone}。执法人员{lead}、{assistant}向当事人出示"
        "行政执法证件（证号{lead_cert}、{assistant_cert}），告知当事人执法人员身份、检查依据和申请回避的权利，"
        "并告知现场全程使用执法记录仪进行音像记录。当事人表示不申请回避。检查情况：{fact}"
        "现场拍摄照片{photos}张，调取施工日志、监理日志等书证复印件{pages}页，经当事人核对无误后签字确认。"
        "以上笔录经当事人阅读，确认与事实相符。")),
    "询问笔录": (("officer", "party"), (
        "询问笔录（第1次）。询问时间：{day}{time_span}。询问地点：{bureau}{unit}询问室。"
        "被询问人：{representative}，系{party}的委托代理人，联系电话：{party_phone}。"
        "问：我们是{bureau}的行政执法人员{lead}、{assistant}，这是我们的执法证件，请你过目。"
        "根据法律规定，你有申请回避、陈述申辩的权利，也有如实回答询问的义务，本次询问使用执法记录仪同步录音录像，你听清楚了吗？"
        "答：听清楚了，不申请回避。问：请你讲一下{project}的基本情况。答：{project}位于{place}，"
        "由我单位负责建设。问：{question}答：{answer}问：你还有什么补充的吗？答：没有了。"
        "以上笔录我看过，与我说的一致。")),
    "先行登记保存证据通知书": (("officer", "party", "witness"), (
        "{bureau}先行登记保存证据通知书。{party}：本机关在调查{title}过程中，因证据可能灭失或者以后难以取得，"
        "经本机关负责人批准，依据《行政处罚法》第五十六条的规定，决定对下列物品予以先行登记保存："
        "{preserved}。保存地点：{place}，保存期间当事人不得销毁或者转移。本机关将在七日内作出处理决定。"
        "先行登记保存过程使用执法记录仪全程记录，见证人{witness}在场见证。")),
    "行政处罚告知书": (("officer", "party"), (
        "{bureau}行政处罚告知书。{party}：经查，{fact}上述行为违反了{basis}。"
        "依据{penalty_basis}，本机关拟对你（单位）作出如下行政处罚：{measure}。"
        "依据《行政处罚法》第四十四条、第四十五条和第六十三条的规定，你（单位）享有陈述、申辩的权利，"
        "可以在收到本告知书之日起三日内向本机关提出陈述申辩；符合听证条件的，可以在收到本告知书之日起五日内"
        "要求举行听证。逾期未提出的，视为放弃上述权利。联系人：{lead}，地址：{bureau}{unit}。")),
    "陈述申辩笔录": (("officer", "party"), (
        "陈述申辩笔录。时间：{day}{time_span}。地点：{bureau}{unit}。陈述申辩人：{representative}（{party}）。"
        "执法人员{lead}、{assistant}出示执法证件，告知本次陈述申辩全程使用执法记录仪录音录像。"
        "陈述申辩人意见：{defence}执法人员对当事人提出的事实、理由和证据进行了复核，"
        "认为{review_of_defence}以上笔录经陈述申辩人阅读无误。")),
    "听证笔录": (("officer", "party", "witness"), (
        "听证笔录。案由：{title}。听证时间：{day}{time_span}。听证地点：{bureau}听证室。"
        "听证主持人：{hearing_chair}；记录员：{clerk}。案件调查人员：{lead}、{assistant}。"
        "申请人：{party}，委托代理人{representative}。主持人宣布听证纪律，告知当事人申请回避、陈述申辩和质证的权利，"
        "并告知听证全过程使用执法记录仪和录音录像设备记录。调查人员陈述了违法事实、证据和处罚建议；"
        "当事人对{fact_short}的事实无异议，但认为处罚过重，请求从轻处罚：{defence}"
        "双方进行了质证和辩论，当事人作最后陈述。听证结束，笔录经双方核对无误后签字。")),
    "案件审核表": (("officer",), (
        "{bureau}行政执法决定审核表。案由：{title}。当事人：{party}。主要事实：{fact}"
        "证据：现场检查笔录、询问笔录、现场照片、执法记录仪音像记录、书证复印件等。法律依据：{basis}。"
        "裁量依据：{discretion}。承办人意见：{measure}。承办机构意见：同意承办人意见。"
        "法制审核意见：事实清楚，证据确凿，适用依据正确，程序合法，裁量适当。负责人意见：同意。")),
    "行政处罚决定书": (("officer", "party"), (
        "{bureau}行政处罚决定书 {case_number}。当事人：{party}，{party_id_label}：{party_id}，"
        "地址：{party_address}，法定代表人（负责人）：{legal_representative}。"
        "经查明：{fact}以上事实有现场检查笔录、询问笔录、现场照片及执法记录仪音像资料等证据为证。"
        "本机关于{notice_day}向你（单位）送达了行政处罚告知书，{defence_summary}"
        "本机关认为，你（单位）的行为违反了{basis}，依据{penalty_basis}和{discretion}，决定给予如下行政处罚：{measure}。"
        "罚款自收到本决定书之日起十五日内缴至指定银行。逾期不缴纳的，每日按罚款数额的百分之三加处罚款。"
        "如不服本决定，可在收到本决定书之日起六十日内申请行政复议，或者六个月内依法提起行政诉讼。")),
    "送达回证": (("officer", "party"), (
        "{bureau}送达回证。送达文书：{served_doc}（{case_number}）。受送达人：{party}。"
        "送达地点：{party_address}。送达方式：直接送达。送达人：{lead}、{assistant}。"
        "送达时间：{day}{time_span}。送达过程使用执法记录仪全程记录。{receipt_note}")),
    "罚款缴纳凭证": (("officer",), (
        "行政处罚执行情况记录。{party}已于{day}通过指定银行缴纳罚款，缴款书编号{receipt_no}，"
        "并按照责令改正通知书的要求完成整改：{correction}执法人员{lead}、{assistant}现场复查，"
        "使用执法记录仪记录复查情况，确认违法行为已改正。")),
    "结案审批表": (("officer",), (
        "{bureau}结案审批表。案由：{title}，案号{case_number}。处理结果：{measure}。执行情况：当事人已履行处罚决定，"
        "违法行为已改正。承办人意见：本案已执行完毕，建议结案。承办机构负责人意见：同意结案，"
        "按一案一卷要求在二十个工作日内整理归档，文字记录和执法记录仪音像记录一并归档。")),
    "归档登记表": (("officer",), (
        "卷内目录及归档登记表。案卷：{case_number}《{title}》。承办单位：{unit}。卷内文书{docs}件，"
        "音像记录{recordings}份（含执法记录仪视频），按照一案一卷原则整理，正卷与副卷分别装订，"
        "涉及个人信息和秘密的材料装入副卷。归档日期：{day}。立卷人：{lead}；档案管理员接收确认。")),
    "行政强制措施审批表": (("officer",), (
        "{bureau}实施行政强制措施审批表。案由：{title}。当事人：{party}。事实和理由：{fact}"
        "依据{basis}及《行政强制法》第十八条、第二十四条的规定，拟对{place}采取{measure}的行政强制措施。"
        "现场情况紧急，存在重大安全隐患，如不及时采取措施可能危及人身和财产安全。"
        "承办机构负责人意见：同意，实施过程全程使用执法记录仪不间断记录。局负责人意见：同意。")),
    "行政强制告知书": (("officer", "party"), (
        "{bureau}行政强制告知书。{party}：本机关拟依法对你（单位）实施行政强制：{measure}。"
        "理由和依据：{fact}违反了{basis}。依据《行政强制法》第十八条的规定，你（单位）享有陈述申辩的权利，"
        "可在收到本告知书后当场或者三日内提出陈述申辩。本机关将对你（单位）提出的事实、理由和证据进行记录、复核。")),
    "行政强制决定书": (("officer", "party"), (
        "{bureau}查封（扣押）决定书 {case_number}。当事人：{party}，地址：{party_address}。"
        "经查，{fact}依据{basis}和《行政强制法》第二十二条、第二十四条的规定，本机关决定：{measure}，"
        "查封期限为三十日。查封期间，当事人不得擅自启封、转移、损毁查封财物。"
        "如不服本决定，可依法申请行政复议或者提起行政诉讼。")),
    "查封现场笔录": (("officer", "party", "witness"), (
        "实施行政强制措施现场笔录。时间：{day}{time_span}。地点：{place}。当事人：{party}，现场负责人{representative}。"
        "执法人员{lead}、{assistant}出示执法证件，当场告知当事人采取行政强制措施的理由、依据以及当事人依法享有的权利、救济途径，"
        "听取了当事人的陈述和申辩。执法人员依法对{seal_target}张贴封条，制作查封清单一份。"
        "全过程使用执法记录仪不间断音像记录，见证人{witness}在场见证。")),
    "责令改正通知书": (("officer", "party"), (
        "{bureau}责令限期改正通知书。{party}：经检查，{fact}上述行为违反了{basis}。"
        "依据有关规定，责令你（单位）于{deadline}前改正：{correction}"
        "整改完成后书面报告本机关，逾期不改正的，本机关将依法处理。检查过程已使用执法记录仪记录。")),
    "检查结果告知书": (("officer", "party"), (
        "{bureau}行政检查结果告知书。受检单位：{party}。检查项目：{project}。检查时间：{day}。"
        "检查人员：{lead}（执法证号{lead_cert}）、{assistant}（执法证号{assistant_cert}）。"
        "检查结论：{conclusion}请你单位对检查发现的问题举一反三，落实质量安全主体责任，"
        "并于十个工作日内将整改情况书面报{unit}。")),
    "约谈记录": (("officer", "party"), (
        "执法约谈记录。时间：{day}{time_span}。地点：{bureau}{unit}会议室。约谈对象：{party}，"
        "法定代表人（负责人）{legal_representative}。约谈人：{lead}、{assistant}。约谈事由：{fact}"
        "约谈内容：执法人员通报了存在的问题，宣讲了{basis}的有关规定，要求约谈对象落实整改：{correction}"
        "约谈对象表示接受约谈意见，将在规定期限内整改到位。约谈过程使用执法记录仪录音录像。")),
    "行政许可申请书": (("officer", "party"), (
        "行政许可申请书。申请人：{party}，{party_id_label}：{party_id}，法定代表人：{legal_representative}，"
        "联系电话：{party_phone}，地址：{party_address}。申请事项：{matter}。项目名称：{project}，"
        "项目地点：{place}。申请材料：{materials}。申请人承诺所提交材料真实、合法、有效，"
        "并对申请材料的真实性负责。窗口接收人：{lead}。")),
    "受理通知书": (("officer",), (
        "{bureau}行政许可受理通知书 {case_number}。{party}：你（单位）于{application_day}提出的{matter}申请，"
        "申请材料齐全，符合法定形式，根据《行政许可法》第三十二条的规定，决定予以受理。"
        "本机关将在法定期限内作出决定，需要现场核查的，将指派两名以上执法人员进行核查。"
        "承办人：{lead}，联系电话0371-67180000。")),
    "补正材料通知书": (("officer",), (
        "{bureau}补正材料通知书。{party}：你（单位）提交的{matter}申请材料不齐全，请于五个工作日内补正："
        "{missing}逾期不补正的，视为撤回申请。")),
    "现场核查记录": (("officer", "party"), (
        "行政许可现场核查记录。核查时间：{day}{time_span}。核查地点：{place}。申请人：{party}，"
        "陪同人员：{representative}。核查人员：{lead}（执法证号{lead_cert}）、{assistant}（执法证号{assistant_cert}），"
        "向申请人出示执法证件并告知核查事项，现场使用执法记录仪拍摄。核查内容：{check}"
        "核查结论：现场情况与申请材料一致，{verdict}")),
    "审查意见表": (("officer",), (
        "行政许可审查意见表。申请事项：{matter}。申请人：{party}。审查依据：{basis}。"
        "审查情况：申请材料齐全，经书面审查和现场核查，{verdict}承办人意见：建议{decision_word}。"
        "承办机构意见：同意。")),
    "准予行政许可决定书": (("officer",), (
        "{bureau}准予行政许可决定书 {case_number}。{party}：你（单位）于{application_day}提出的{matter}申请，"
        "经审查，符合{basis}规定的条件、标准，根据《行政许可法》第三十八条第一款的规定，决定准予行政许可，"
        "{license_detail}。如对本决定不服，可在收到本决定书之日起六十日内申请行政复议，或者六个月内提起行政诉讼。")),
    "行政确认决定书": (("officer",), (
        "{bureau}行政确认决定书 {case_number}。{party}：你（单位）于{application_day}提出的{matter}申请，"
        "经审查，符合{basis}的规定，决定予以确认，{license_detail}。"
        "如对本决定不服，可在收到本决定书之日起六十日内申请行政复议，或者六个月内提起行政诉讼。")),
    "变更申请及审查记录": (("officer", "party"), (
        "行政许可变更（延续）申请及审查记录。申请人{party}于{day}提出{change_detail}经审查，"
        "申请人仍符合{basis}规定的条件，同意变更（延续），原许可证件收回，换发新证。")),
    "征收审批表": (("officer",), (
        "{bureau}征收征用审批表。事项：{title}。实施地点：{place}。事由：{fact}"
        "依据{basis}，拟{measure}。补偿标准：{compensation}承办机构意见：同意。法制审核意见：{legal_line}"
        "局负责人意见：同意，经局长办公会集体讨论通过。")),
    "征收征用公告": (("officer",), (
        "{bureau}公告。因{fact}依据{basis}，本局决定{measure}。范围：{place}。期限：自{day}起。"
        "补偿标准：{compensation}被征用单位和个人对本决定不服的，可依法申请行政复议或提起行政诉讼。"
        "特此公告。公告张贴过程使用执法记录仪记录。")),
    "征用实施笔录": (("officer", "party", "witness"), (
        "征收征用实施现场笔录。时间：{day}{time_span}。地点：{place}。被征用人：{party}，现场负责人{representative}。"
        "执法人员{lead}、{assistant}出示执法证件，宣读征用决定和补偿标准，告知当事人依法享有的陈述申辩和救济权利。"
        "现场清点交接：{inventory}全过程使用执法记录仪不间断记录，见证人{witness}在场。")),
}


def document_text(doc_kind: str, context: dict) -> tuple[tuple[str, ...], str]:
    """The signers a document of this kind needs and its text for this case."""
    signers, template = TEMPLATES[doc_kind]
    return signers, template.format(bureau=BUREAU, **context)


#: the documents of each stage, by kind of act
STAGE_DOCUMENTS = {
    ("penalty", "filing"): ("立案审批表",),
    ("penalty", "investigation"): ("现场检查笔录", "询问笔录"),
    ("penalty", "notice"): ("行政处罚告知书",),
    ("penalty", "statement_defence"): ("陈述申辩笔录",),
    ("penalty", "hearing"): ("听证笔录",),
    ("penalty", "review_decision"): ("案件审核表", "行政处罚决定书"),
    ("penalty", "service"): ("送达回证",),
    ("penalty", "execution"): ("罚款缴纳凭证",),
    ("penalty", "closing"): ("结案审批表",),
    ("coercion", "report_approval"): ("行政强制措施审批表",),
    ("coercion", "notice"): ("行政强制告知书",),
    ("coercion", "statement_defence"): ("陈述申辩笔录",),
    ("coercion", "review_decision"): ("行政强制决定书",),
    ("coercion", "service"): ("送达回证",),
    ("coercion", "implementation"): ("查封现场笔录",),
    ("inspection", "inspection"): ("现场检查笔录",),
    ("expropriation", "approval"): ("征收审批表",),
    ("expropriation", "notice_announcement"): ("征收征用公告",),
    ("expropriation", "implementation"): ("征用实施笔录",),
    ("other", "record"): ("约谈记录",),
    ("licensing", "application"): ("行政许可申请书",),
    ("licensing", "acceptance"): ("受理通知书",),
    ("licensing", "examination"): ("现场核查记录",),
    ("licensing", "hearing"): ("听证笔录",),
    ("licensing", "review_decision"): ("审查意见表", "准予行政许可决定书"),
    ("licensing", "service"): ("送达回证",),
    ("licensing", "change_renewal"): ("变更申请及审查记录",),
}
for _stage in ("application", "acceptance", "examination", "hearing", "service", "change_renewal"):
    STAGE_DOCUMENTS[("confirmation", _stage)] = STAGE_DOCUMENTS[("licensing", _stage)]
STAGE_DOCUMENTS[("confirmation", "review_decision")] = ("审查意见表", "行政确认决定书")
SERVED_DOCUMENT = {"penalty": "行政处罚决定书", "coercion": "查封决定书", "licensing": "准予行政许可决定书",
                   "confirmation": "行政确认决定书"}
#: documents whose content is personal data of the person questioned (kept in the 副卷)
PERSONAL_DOCUMENTS = frozenset({"询问笔录"})
#: records made on site, signed by both officers present (第十二条(一))
TWO_OFFICER_DOCUMENTS = frozenset({"现场检查笔录", "询问笔录", "查封现场笔录", "现场核查记录",
                                   "征用实施笔录", "听证笔录"})
