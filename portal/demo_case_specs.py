"""The demo cases as data: 36 cases of every kind of act in every unit that records one
(第七条), with fixed dates in 2026, and the deliberate findings the supervision is shown
with (each named in `flaws`):

- ``missing_stage``   a required stage without its text record (第十条)
- ``unsigned``        a document the party neither signed nor refused (第十三条)
- ``no_legal_review`` a major decision without legal review (第十四条)
- ``av_gap``          an uninterrupted recording with an unexplained gap (第二十三条)
- ``late_storage``    a recording stored after 24 hours (第二十六条)
- ``archive_overdue`` a file not archived within 20 working days (第二十五条)

A file with a gap a person can still put right (a missing stage, signature, legal review or
an interruption's explanation) cannot be archived (records.archiving, 第二十五条): those demo
cases stay closed, their archiving refused, and so are overdue as well.

And cases that keep the rule in the harder ways: a recorded refusal to sign (第十三条), an
interruption explained on resuming (第二十三条), a recording stored within 24 hours of the
officer's return to the unit (第二十六条).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

#: the finding each deliberate flaw gives, by article
FLAW_ARTICLES = {
    "missing_stage": "第十条",
    "unsigned": "第十三条",
    "no_legal_review": "第十四条",
    "av_gap": "第二十三条",
    "late_storage": "第二十六条",
    "archive_overdue": "第二十五条",
}


@dataclass(frozen=True)
class CaseSpec:
    key: str
    unit: str
    kind: str
    title: str
    party: str            # an organisation's name, or "person" for a person
    opened_on: date
    state: str            # open, closed, archived
    start_mode: str = "initiative"
    source: str = ""
    source_detail: str = ""
    mark: str = "internal"
    major: bool = False
    triggers: tuple[str, ...] = ()
    occurred: tuple[str, ...] = ()   # conditional stages that happened (hearing, change ...)
    upto: str = ""                   # an open case: the last stage recorded so far
    flaws: frozenset[str] = frozenset()
    features: frozenset[str] = frozenset()  # refusal, interruption, returned, preservation, correction,
    #                                         pending_storage (a recording reported, not yet stored)
    story: dict = field(default_factory=dict)


def _s(key, unit, kind, title, party, opened_on, state, story, **options) -> CaseSpec:
    for name in ("flaws", "features"):
        if name in options:
            options[name] = frozenset(options[name])
    return CaseSpec(key, unit, kind, title, party, opened_on, state, story=story, **options)


FIRE_LAW = "《中华人民共和国消防法》第十三条第一款"
FIRE_PENALTY = "《中华人民共和国消防法》第五十八条第一款第（二）项"
BUILD_LAW = "《中华人民共和国建筑法》第七条"
QUALITY_LAW = "《建设工程质量管理条例》第二十八条"
SAFETY_LAW = "《建设工程安全生产管理条例》第二十八条"
TENDER_LAW = "《中华人民共和国招标投标法》第三十二条"
ENERGY_LAW = "《民用建筑节能条例》第十五条"

SPECS: tuple[CaseSpec, ...] = (
    # --- 消防验收处: 行政处罚 -------------------------------------------------------------
    _s("xf-pen-1", "xiaofang", "penalty", "郑州恒达置业有限公司建设工程未经消防验收擅自投入使用案",
       "郑州恒达置业有限公司", date(2026, 2, 2), "archived",
       dict(project="恒达广场商业楼", place="郑州市金水区花园路与农业路交叉口恒达广场",
            fact="恒达广场商业楼一至三层已对外营业，该工程属特殊建设工程，未经消防验收即擅自投入使用。",
            basis=FIRE_LAW, penalty_basis=FIRE_PENALTY,
            measure="责令停止使用，并处罚款人民币二十万元",
            defence="商户已进场装修，工程消防设施已安装完毕，正在申请验收，请求从轻处罚。",
            question="恒达广场商业楼是否取得特殊建设工程消防验收意见书？",
            answer="还没有取得，因招商进度要求，一至三层于今年元月先行开业。"),
       source="complaint", source_detail="市民通过12345热线投诉恒达广场未验收即开业。",
       occurred=("hearing",), features=("refusal",)),
    _s("xf-pen-2", "xiaofang", "penalty", "河南宏图建筑工程有限公司未取得施工许可证擅自施工案",
       "河南宏图建筑工程有限公司", date(2026, 3, 9), "archived",
       dict(project="宏图科创园2号研发楼", place="郑州市高新区科学大道宏图科创园",
            fact="宏图科创园2号研发楼未取得建筑工程施工许可证，已施工至地上五层，且未经消防设计审查。",
            basis=f"{BUILD_LAW}、{FIRE_LAW}", penalty_basis="《建筑工程施工许可管理办法》第十二条",
            measure="责令停止施工，限期改正，并处工程合同价款百分之一的罚款计人民币三十八万元",
            question="该工程是否办理了施工许可证和消防设计审查？",
            answer="施工许可证正在办理，消防设计文件已报审，尚未取得审查意见。"),
       source="inspection", source_detail="建筑市场日常巡查发现。", major=True,
       features=("preservation",)),
    _s("xf-pen-3", "xiaofang", "penalty", "郑州锦华商贸有限公司消防设施未经验收擅自投入使用案",
       "郑州锦华商贸有限公司", date(2026, 4, 13), "closed",
       dict(project="锦华购物中心", place="郑州市二七区大学路锦华购物中心",
            fact="锦华购物中心改造工程的自动喷水灭火系统和火灾自动报警系统未经消防验收即投入使用。",
            basis=FIRE_LAW, penalty_basis=FIRE_PENALTY, measure="责令停止使用，并处罚款人民币八万元"),
       source="transfer", source_detail="二七区消防救援大队移送。", flaws=("missing_stage", "archive_overdue")),
    _s("xf-pen-4", "xiaofang", "penalty", "张某某住宅装修擅自拆改消防设施案", "person",
       date(2026, 5, 11), "archived",
       dict(project="住宅装修工程", place="郑州市金水区经三路某小区3号楼",
            fact="当事人在住宅装修过程中擅自拆除公共部位的室内消火栓箱和防火门，影响消防设施正常使用。",
            basis="《中华人民共和国消防法》第二十八条", penalty_basis="《中华人民共和国消防法》第六十条第二款",
            measure="责令恢复原状，并处警告",
            defence="不知道消火栓箱属于公共消防设施，已经恢复原状，请求不予处罚。"),
       source="complaint", source_detail="小区物业服务企业举报。", mark="personal"),
    _s("xf-pen-5", "xiaofang", "penalty", "郑州鑫源物业服务有限公司消防设施维护不到位拒不整改案",
       "郑州鑫源物业服务有限公司", date(2026, 11, 2), "open",
       dict(project="鑫源花园小区", place="郑州市管城回族区商都路鑫源花园",
            fact="鑫源花园小区地下车库消防水泵长期处于手动状态，经责令改正后逾期仍未整改。",
            basis="《中华人民共和国消防法》第十六条", penalty_basis="《中华人民共和国消防法》第六十条第一款",
            measure="拟处罚款人民币三万元", preserved="消防水泵控制柜运行记录本1本、维保记录3册"),
       source="inspection", source_detail="消防设施专项检查复查发现。", upto="investigation",
       features=("preservation",)),
    _s("xf-pen-6", "xiaofang", "penalty", "河南中原建工集团有限公司消防设计变更未经审查擅自施工案",
       "河南中原建工集团有限公司", date(2026, 7, 6), "closed",
       dict(project="中原国际大厦", place="郑州市郑东新区商务内环路中原国际大厦",
            fact="中原国际大厦将地下二层汽车库变更为商业用途，涉及消防设计重大变更，未经审查即施工。",
            basis=FIRE_LAW, penalty_basis="《中华人民共和国消防法》第五十八条第一款第（一）项",
            measure="责令停止施工，并处罚款人民币十二万元"),
       source="assignment", source_detail="市政府督查室交办。", flaws=("archive_overdue",)),
    # --- 消防验收处: 行政强制 -------------------------------------------------------------
    _s("xf-coe-1", "xiaofang", "coercion", "郑州新港物流有限公司仓库未经消防验收擅自使用查封案",
       "郑州新港物流有限公司", date(2026, 3, 16), "archived",
       dict(project="新港物流园3号仓库", place="郑州市中牟县物流大道新港物流园3号仓库",
            fact="新港物流园3号仓库储存大量易燃包装材料，未经消防验收擅自投入使用，存在重大火灾隐患。",
            basis="《中华人民共和国消防法》第五十四条", measure="查封新港物流园3号仓库",
            seal_target="3号仓库东、西两处出入口"),
       source="inspection", source_detail="物流仓储场所消防安全专项整治中发现。",
       triggers=("major_property",), major=True, features=("interruption",)),
    _s("xf-coe-2", "xiaofang", "coercion", "郑州盛世置业有限公司在建工程消防安全隐患查封施工现场案",
       "郑州盛世置业有限公司", date(2026, 6, 8), "closed",
       dict(project="盛世华庭7号楼", place="郑州市惠济区天河路盛世华庭7号楼施工现场",
            fact="盛世华庭7号楼施工现场违规存放大量保温材料，临时消防设施缺失，存在重大火灾隐患。",
            basis="《中华人民共和国消防法》第五十四条", measure="查封盛世华庭7号楼施工现场",
            seal_target="7号楼施工现场出入口和保温材料堆放区"),
       source="inspection", source_detail="夏季消防安全检查发现。", triggers=("life_health",),
       flaws=("av_gap", "archive_overdue")),
    _s("xf-coe-3", "xiaofang", "coercion", "郑州欢乐时光娱乐有限公司未经消防验收擅自营业查封案",
       "郑州欢乐时光娱乐有限公司", date(2026, 11, 9), "open",
       dict(project="欢乐时光KTV", place="郑州市二七区航海路欢乐时光KTV",
            fact="欢乐时光KTV装修改造后未经消防验收擅自营业，疏散通道堵塞。",
            basis="《中华人民共和国消防法》第五十四条", measure="查封欢乐时光KTV营业场所"),
       source="complaint", source_detail="群众举报。", upto="statement_defence"),
    # --- 消防验收处: 行政许可、行政确认 ----------------------------------------------------
    _s("xf-lic-1", "xiaofang", "licensing", "郑州国际会展有限公司会展中心二期工程特殊建设工程消防验收",
       "郑州国际会展有限公司", date(2026, 1, 12), "archived",
       dict(project="郑州国际会展中心二期工程", place="郑州市郑东新区会展路郑州国际会展中心",
            matter="特殊建设工程消防验收", basis="《建设工程消防设计审查验收管理暂行规定》第二十七条",
            license_detail="出具特殊建设工程消防验收意见书，验收合格"),
       start_mode="application"),
    _s("xf-con-1", "xiaofang", "confirmation", "郑州绿城房地产开发有限公司翡翠园项目消防验收备案",
       "郑州绿城房地产开发有限公司", date(2026, 8, 3), "archived",
       dict(project="绿城翡翠园1至6号楼", place="郑州市金水区北三环绿城翡翠园",
            matter="其他建设工程消防验收备案", basis="《建设工程消防设计审查验收管理暂行规定》第三十四条",
            license_detail="予以备案，备案抽查合格"),
       start_mode="application"),
    # --- 行政审批办公室 -------------------------------------------------------------------
    _s("sp-lic-1", "shenpi", "licensing", "郑州天润置业有限公司天润华府项目建筑工程施工许可证核发",
       "郑州天润置业有限公司", date(2026, 2, 23), "archived",
       dict(project="天润华府1至8号住宅楼及地下车库", place="郑州市中原区桐柏路天润华府项目",
            matter="建筑工程施工许可证核发", basis="《建筑工程施工许可管理办法》第四条",
            license_detail="核发建筑工程施工许可证，合同价款四亿二千万元"),
       start_mode="application", features=("correction",)),
    _s("sp-lic-2", "shenpi", "licensing", "河南建业城市建设有限公司建筑业企业资质核准",
       "河南建业城市建设有限公司", date(2026, 11, 2), "closed",
       dict(project="建筑工程施工总承包二级资质", place="郑州市郑东新区众意路建业总部港",
            matter="建筑业企业资质（施工总承包二级）核准", basis="《建筑业企业资质管理规定》第十条",
            license_detail="核准建筑工程施工总承包二级资质，颁发资质证书"),
       start_mode="application"),
    _s("sp-con-1", "shenpi", "confirmation", "郑州安泰建设工程有限公司安全生产许可证延续",
       "郑州安泰建设工程有限公司", date(2026, 4, 20), "archived",
       dict(project="建筑施工企业安全生产许可证", place="郑州市管城回族区紫荆山路安泰大厦",
            matter="建筑施工企业安全生产许可证延续", basis="《安全生产许可证条例》第九条",
            license_detail="安全生产许可证有效期延续三年",
            change_detail="安全生产许可证有效期延续申请，并申请变更企业法定代表人。"),
       start_mode="application", occurred=("change_renewal",)),
    # --- 勘察设计处 -----------------------------------------------------------------------
    _s("kc-lic-1", "kancha", "licensing", "河南省城乡规划设计研究院有限公司工程设计资质延续",
       "河南省城乡规划设计研究院有限公司", date(2026, 3, 2), "archived",
       dict(project="建筑行业（建筑工程）甲级设计资质", place="郑州市金水区东风路城乡规划设计研究院",
            matter="工程设计资质延续", basis="《建设工程勘察设计资质管理规定》第十四条",
            license_detail="工程设计资质延续五年",
            change_detail="工程设计资质证书延续申请，同时变更注册地址。"),
       start_mode="application", occurred=("change_renewal",)),
    _s("kc-lic-2", "kancha", "licensing", "郑州岩土工程勘察有限公司工程勘察资质核准",
       "郑州岩土工程勘察有限公司", date(2026, 11, 2), "open",
       dict(project="工程勘察专业类（岩土工程）乙级资质", place="郑州市中原区建设路岩土勘察大院",
            matter="工程勘察资质核准", basis="《建设工程勘察设计资质管理规定》第八条",
            check="核查了企业办公场所、钻探设备、土工试验室和注册人员在岗情况。"),
       start_mode="application", upto="examination"),
    _s("kc-con-1", "kancha", "confirmation", "郑州地铁集团有限公司轨道交通3号线配套工程施工图审查备案",
       "郑州地铁集团有限公司", date(2026, 5, 18), "archived",
       dict(project="轨道交通3号线二期配套工程", place="郑州市二七区陇海路郑州地铁集团",
            matter="施工图设计文件审查备案", basis="《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》第十条",
            license_detail="予以备案"),
       start_mode="application"),
    # --- 人事处 ---------------------------------------------------------------------------
    _s("rs-lic-1", "renshi", "licensing", "建筑施工企业安全生产管理人员考核合格证书核发（李某某）",
       "person", date(2026, 6, 15), "archived",
       dict(project="建筑施工企业专职安全生产管理人员（C类）考核", place="郑州市城乡建设局人事处",
            matter="建筑施工企业安全生产管理人员考核合格证书核发",
            basis="《建筑施工企业主要负责人、项目负责人和专职安全生产管理人员安全生产管理规定》第八条",
            license_detail="核发安全生产考核合格证书（C类）"),
       start_mode="application", mark="personal"),
    _s("rs-con-1", "renshi", "confirmation", "二级建造师执业资格初始注册确认（赵某某）", "person",
       date(2026, 11, 16), "open",
       dict(project="二级建造师（建筑工程专业）初始注册", place="郑州市城乡建设局人事处",
            matter="二级建造师初始注册", basis="《注册建造师管理规定》第七条"),
       start_mode="application", mark="personal", upto="acceptance"),
    # --- 建管处 ---------------------------------------------------------------------------
    _s("jg-lic-1", "jianguan", "licensing", "郑州兴港置业有限公司人才公寓项目施工许可证变更",
       "郑州兴港置业有限公司", date(2026, 4, 6), "archived",
       dict(project="航空港区人才公寓项目", place="郑州航空港经济综合实验区新港大道人才公寓项目",
            matter="建筑工程施工许可证变更（建设单位名称、施工单位）",
            basis="《建筑工程施工许可管理办法》第四条", license_detail="换发变更后的建筑工程施工许可证",
            defence="利害关系人认为变更施工单位影响已签订的分包合同，申请听证。"),
       start_mode="application", occurred=("hearing",), major=True),
    _s("jg-lic-2", "jianguan", "licensing", "郑州城建集团有限公司市政道路工程施工许可核发",
       "郑州城建集团有限公司", date(2026, 7, 13), "closed",
       dict(project="金水区北三环辅道改造工程", place="郑州市金水区北三环与丰产路交叉口",
            matter="市政基础设施工程施工许可证核发", basis="《建筑工程施工许可管理办法》第四条",
            license_detail="核发施工许可证，合同价款一亿零六百万元"),
       start_mode="application", flaws=("unsigned", "archive_overdue")),
    _s("jg-con-1", "jianguan", "confirmation", "郑州祥和建筑劳务有限公司施工劳务资质备案",
       "郑州祥和建筑劳务有限公司", date(2026, 11, 4), "closed",
       dict(project="施工劳务资质", place="郑州市惠济区长兴路祥和劳务公司",
            matter="施工劳务企业资质备案", basis="《建筑业企业资质管理规定》第十条",
            license_detail="予以备案"),
       start_mode="application"),
    # --- 工程招投标监管处 -------------------------------------------------------------------
    _s("zb-ins-1", "zhaobiao", "inspection", "郑州市第一〇三中学新校区建设项目招标投标活动监督检查",
       "郑州市第一〇三中学", date(2026, 3, 23), "archived",
       dict(project="第一〇三中学新校区建设项目", place="郑州市公共资源交易中心开标室",
            fact="检查了招标文件、开标评标过程和中标候选人公示情况，评标委员会组建符合规定。",
            basis=TENDER_LAW, conclusion="招标投标活动程序合法，未发现违法违规行为。"),
       source="inspection", source_detail="年度招标投标活动随机抽查。"),
    _s("zb-ins-2", "zhaobiao", "inspection", "河南正弘建设工程有限公司涉嫌串通投标专项检查",
       "河南正弘建设工程有限公司", date(2026, 5, 25), "archived",
       dict(project="经开区第五大街综合管廊工程", place="郑州市经开区第五大街综合管廊项目部",
            fact="三家投标单位的投标文件由同一台电脑编制，电子投标文件机器码一致，涉嫌串通投标。",
            basis="《中华人民共和国招标投标法》第三十二条、第五十三条",
            conclusion="发现串通投标线索，移送有关部门进一步调查处理。",
            correction="暂停该标段合同签订，配合调查并提交相关投标文件原件。"),
       source="complaint", source_detail="其他投标人书面投诉。", mark="commercial_secret"),
    _s("zb-oth-1", "zhaobiao", "other", "郑州华信招标代理有限公司招标代理机构约谈",
       "郑州华信招标代理有限公司", date(2026, 8, 17), "archived",
       dict(project="招标代理业务", place="郑州市城乡建设局工程招投标监管处",
            fact="该公司代理的三个项目招标文件设置不合理的资格条件，排斥潜在投标人。",
            basis="《中华人民共和国招标投标法实施条例》第三十二条",
            correction="立即修改招标文件，对代理人员开展法规培训，十五日内报送整改报告。")),
    _s("zb-exp-1", "zhaobiao", "expropriation", "须水河综合整治工程临时用地征用",
       "郑州市中原区须水街道办事处", date(2026, 4, 27), "archived",
       dict(project="须水河综合整治工程", place="郑州市中原区须水河两岸临时施工场地",
            fact="须水河综合整治工程防汛抢险施工需要临时使用沿河场地。",
            basis="《中华人民共和国防洪法》第四十五条", measure="临时征用须水河两岸施工场地约二万三千平方米",
            compensation="按照郑州市临时用地补偿标准，每亩每年补偿一千八百元，青苗按实补偿。",
            inventory="清点场地内临时建筑4处、苗木212株，双方签字确认交接。"),
       triggers=("major_property",), major=True),
    # --- 工程质量安全监管处 -----------------------------------------------------------------
    _s("zl-ins-1", "zhiliang", "inspection", "郑州亚新地产有限公司亚新美好城三期工程质量安全监督检查",
       "郑州亚新地产有限公司", date(2026, 3, 30), "archived",
       dict(project="亚新美好城三期", place="郑州市惠济区开元路亚新美好城三期施工现场",
            fact="7号楼二层框架柱混凝土存在蜂窝麻面，施工现场临边防护不到位。",
            basis=f"{QUALITY_LAW}、{SAFETY_LAW}",
            correction="对7号楼二层框架柱缺陷进行处理，补齐临边防护，十日内书面报告整改情况。"),
       source="inspection", source_detail="双随机一公开抽查。", flaws=("late_storage",)),
    _s("zl-ins-2", "zhiliang", "inspection", "某人民防空工程质量安全专项检查", "郑州建工集团有限公司",
       date(2026, 6, 22), "archived",
       dict(project="某人民防空工程", place="郑州市某人防工程施工现场",
            fact="检查了防护密闭门安装、通风系统和混凝土结构实体质量。",
            basis="《建设工程质量管理条例》第四十四条",
            conclusion="工程实体质量符合设计要求，资料齐全。"),
       source="assignment", source_detail="上级主管部门交办。", mark="state_secret"),
    _s("zl-ins-3", "zhiliang", "inspection", "郑州宏远建筑工程有限公司惠济区项目脚手架坍塌事故现场检查",
       "郑州宏远建筑工程有限公司", date(2026, 9, 7), "archived",
       dict(project="惠济区宏远馨苑项目", place="郑州市惠济区清华园路宏远馨苑5号楼",
            fact="5号楼外墙悬挑脚手架局部坍塌，造成两名作业人员受伤，现场未按专项方案搭设。",
            basis="《建设工程安全生产管理条例》第二十六条",
            correction="立即停工整改，拆除重搭悬挑脚手架，组织专家论证专项施工方案。"),
       source="assignment", source_detail="市安委会办公室交办。",
       triggers=("major_accident", "life_health"), features=("returned",)),
    _s("zl-oth-1", "zhiliang", "other", "建筑工地扬尘污染防治联合执法巡查",
       "郑州中建深铁置业有限公司", date(2026, 11, 23), "open",
       dict(project="中建深铁·揽山府项目", place="郑州市二七区南三环中建深铁揽山府施工现场",
            fact="施工现场裸土未覆盖，渣土车未冲洗即驶出工地。",
            basis="《郑州市城市扬尘污染防治条例》第十八条",
            correction="立即覆盖裸土，完善车辆冲洗设施，当日整改到位。"),
       features=("pending_storage",)),
    _s("zl-exp-1", "zhiliang", "expropriation", "管城区燃气管网改造工程临时占用场地征用",
       "郑州市管城回族区城东路街道办事处", date(2026, 5, 4), "closed",
       dict(project="管城区老旧燃气管网改造工程", place="郑州市管城回族区城东路沿线",
            fact="老旧燃气管网改造工程抢修施工需要临时占用沿线场地。",
            basis="《城镇燃气管理条例》第三十七条", measure="临时征用城东路沿线场地约八千平方米",
            compensation="按照郑州市临时用地补偿标准予以补偿。",
            inventory="清点沿线临时摊位11处，双方签字确认交接。"),
       major=True, flaws=("no_legal_review", "archive_overdue")),
    # --- 建筑节能与科技处 -------------------------------------------------------------------
    _s("jn-ins-1", "jieneng", "inspection", "郑州正商置业有限公司正商城项目建筑节能专项检查",
       "郑州正商置业有限公司", date(2026, 4, 13), "archived",
       dict(project="正商城二期", place="郑州市管城回族区南三环正商城二期施工现场",
            fact="外墙保温板进场复验报告缺失，部分外窗气密性能检测未完成。",
            basis=ENERGY_LAW, correction="补做外墙保温材料进场复验和外窗气密性能检测。"),
       source="inspection", source_detail="建筑节能专项检查。"),
    _s("jn-ins-2", "jieneng", "inspection", "郑州新田置业有限公司新田城二期绿色建筑运行情况检查",
       "郑州新田置业有限公司", date(2026, 11, 16), "open",
       dict(project="新田城二期", place="郑州市管城回族区航海东路新田城二期",
            fact="检查了绿色建筑标识项目的节能设备运行和能耗监测情况。",
            basis="《河南省绿色建筑条例》第二十六条"),
       source="inspection", source_detail="绿色建筑标识项目运行核查。", upto="inspection"),
    _s("jn-oth-1", "jieneng", "other", "郑州远大住工科技有限公司装配式建筑示范项目评估核查",
       "郑州远大住工科技有限公司", date(2026, 9, 14), "archived",
       dict(project="装配式建筑产业基地示范项目", place="郑州市新郑市龙湖镇远大住工产业园",
            fact="核查示范项目预制构件生产线、质量检测和装配率计算资料。",
            basis="《装配式建筑评价标准》", correction="补充完善装配率计算书和构件出厂检验记录。")),
    # --- 市建设工程质量监督站 ---------------------------------------------------------------
    _s("zj-ins-1", "zhijianzhan", "inspection", "郑州市第九人民医院门诊楼工程竣工验收监督",
       "郑州建工集团有限公司", date(2026, 7, 20), "archived",
       dict(project="郑州市第九人民医院门诊楼", place="郑州市中原区棉纺路第九人民医院门诊楼",
            fact="监督竣工验收的组织形式、验收程序和执行标准，抽查了结构实体检测报告。",
            basis="《房屋建筑和市政基础设施工程竣工验收规定》第六条",
            conclusion="竣工验收组织形式、程序符合规定，同意验收结论。"),
       source="inspection", source_detail="竣工验收监督。"),
    _s("zj-ins-2", "zhijianzhan", "inspection", "郑州城发建设有限公司保障性住房项目混凝土强度抽检",
       "郑州城发建设有限公司", date(2026, 11, 16), "closed",
       dict(project="城发·安居苑保障性住房项目", place="郑州市中牟县万胜路安居苑项目",
            fact="委托第三方检测机构对3号、5号楼主体结构混凝土强度进行回弹法抽检，部分构件强度偏低。",
            basis=QUALITY_LAW, correction="对强度偏低构件进行钻芯法复检，根据复检结果由设计单位出具处理意见。"),
       source="inspection", source_detail="保障性住房工程质量专项抽检。"),
)
