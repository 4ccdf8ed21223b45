"""The demo cases (演示案卷): the 36 cases of portal.demo_case_specs built through the records
services, as the unit's officers would enter them, with real media files in the store.

Deterministic: names, identity numbers and times come from random.Random seeded with each
case's key, and every date is fixed in 2026 (never relative to today), so that tests and the
judged search queries see the same data on every run. Idempotent: a case whose unit already
holds a case of its title is skipped, so a second run writes nothing. Demo mode only.

Every write goes through the records services (and so through the access gate, with its
access-log line): the unit's officer opens and records and requests closing and archiving,
the unit head (消防验收处) or the bureau head approves them (第十六条) through the checked
services of records.archiving, which refuse to archive an incomplete file (第二十五条). A sealed case (personal data, commercial
or state secret, 第二十九条) is entered while internal and marked at the end, before the
approval of its closing, as the secrecy rules let an officer do.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from access.models import StaffProfile
from policies.audiovisual import AVLevel
from policies.catalogue import catalogue_for
from policies.starts import CASE_SOURCES
from portal.demo import units_ensure
from portal.demo_case_accounts import (
    ASSISTANTS,
    LEAD_USERNAMES,
    NUMBER_PATTERNS,
    demo_case_accounts_ensure,
    require_demo,
)
from portal.demo_case_specs import SPECS, CaseSpec
from portal.demo_media import AUDIO_CLIP, PHOTO_CLIP, VIDEO_CLIPS, StoredClip, demo_clips_store
from portal.demo_people import PartyData, PeopleMaker
from portal.demo_texts import (
    PERSONAL_DOCUMENTS,
    SERVED_DOCUMENT,
    STAGE_DOCUMENTS,
    TWO_OFFICER_DOCUMENTS,
    cn_date,
    document_text,
)
from records import services
from records.casefile import Case, CaseNumberFormat
from records.compliance import published_checklist

SHANGHAI = ZoneInfo("Asia/Shanghai")
UNITS_WITH_CASES = frozenset(spec.unit for spec in SPECS)
KINDS_WITH_CASES = frozenset(spec.kind for spec in SPECS)
DEMO_SEED = 2026
#: a moment after every demo date: tests judge the deliberate findings as of then
REFERENCE_NOW = datetime(2026, 11, 27, 12, 0, tzinfo=SHANGHAI)


# --- building the cases ---------------------------------------------------------------------

@dataclass
class DemoCasesResult:
    created: int = 0
    existing: int = 0
    clips: int = 0
    clip_bytes: int = 0



def demo_cases_summary(specs: tuple[CaseSpec, ...] = SPECS) -> str:
    """One line on the demo cases as they are in the database (the same on every run)."""
    from collections import Counter

    from records.casefile import AVRecord
    from records.case_lifecycle import CaseState

    cases = Case.objects.filter(title__in=[spec.title for spec in specs])
    states = Counter(cases.values_list("state", flat=True))
    originals = AVRecord.objects.filter(case__in=cases).order_by().values("sha256", "size").distinct()
    size = sum(row["size"] for row in originals)
    by_state = "、".join(f"{label}{states.get(value, 0)}件" for value, label in CaseState.choices)
    return (f"演示案卷：共{sum(states.values())}件（{by_state}），"
            f"{len(UNITS_WITH_CASES)}个承办单位、{len(KINDS_WITH_CASES)}类执法行为；"
            f"音像记录原件{len(originals)}个，共{size // 1024} KiB")


def demo_cases_ensure(specs: tuple[CaseSpec, ...] = SPECS) -> DemoCasesResult:
    """Every demo case that does not exist yet, each in its own transaction."""
    require_demo()
    demo_case_accounts_ensure()
    units = units_ensure()
    for (unit_code, kind), pattern in NUMBER_PATTERNS.items():
        CaseNumberFormat.objects.get_or_create(unit=units[unit_code], kind=kind,
                                               defaults={"pattern": pattern})
    result = DemoCasesResult()
    todo = [spec for spec in specs
            if not Case.objects.filter(handling_unit=units[spec.unit], title=spec.title).exists()]
    result.existing = len(specs) - len(todo)
    if not todo:
        return result
    clips = demo_clips_store()
    result.clips, result.clip_bytes = len(clips), sum(c.size for c in clips.values())
    people = _People()
    checklist = published_checklist()
    for spec in todo:
        with transaction.atomic():
            _CaseBuilder(spec, units[spec.unit], people, clips, checklist).build()
        result.created += 1
    return result


class _People:
    """The users and staff profiles the builders act as, loaded once."""

    def __init__(self):
        User = get_user_model()
        self.users = {u.username: u for u in User.objects.filter(
            username__in=[*LEAD_USERNAMES.values(), "unithead", "bureauhead", "legal", "secrecy"])}
        self.profiles = {p.user.username: p for p in StaffProfile.objects.select_related("user")
                         .filter(user__username__in=[*LEAD_USERNAMES.values(), "unithead",
                                                     "bureauhead", "legal",
                                                     *(f"assist_{u}" for u in ASSISTANTS)])}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _verified(user):
    """The user acting from a session that passed the second factor (第二十九条): the demo
    stands in for it on a copy, so that the shared user object stays as it is."""
    import copy

    acting = copy.copy(user)
    acting.is_verified = lambda: True
    return acting


def _span(start: datetime, end: datetime) -> str:
    return f"{start.hour}时{start.minute:02d}分至{end.hour}时{end.minute:02d}分"


OFFICE_STAGES = frozenset({"statement_defence", "hearing"})


class _CaseBuilder:
    def __init__(self, spec: CaseSpec, unit, people: _People, clips: dict[str, StoredClip],
                 checklist):
        self.spec, self.unit, self.clips = spec, unit, clips
        self.rng = random.Random(f"{DEMO_SEED}:{spec.key}")
        self.maker = PeopleMaker(f"{DEMO_SEED}:people:{spec.key}")
        self.actor = people.users[LEAD_USERNAMES[spec.unit]]
        self.lead = people.profiles[LEAD_USERNAMES[spec.unit]]
        self.assistant = people.profiles[f"assist_{spec.unit}"]
        approver = "unithead" if spec.unit == "xiaofang" else "bureauhead"
        self.approver = people.users[approver]
        self.unit_head = people.profiles.get("unithead") if spec.unit == "xiaofang" else None
        self.bureau_head = people.profiles["bureauhead"]
        self.legal = people.profiles["legal"]
        self.secrecy = people.users["secrecy"]
        self.catalogue = dataclasses.replace(catalogue_for(spec.opened_on),
                                             av_checklist=tuple(checklist))
        self.kind = self.catalogue.kind(spec.kind)
        self.party_data = self._party_data()
        self.witness = self.maker.name()
        self.representative = (self.party_data.name if self.party_data.party_type == "person"
                               else self.maker.name())
        self.device = f"ZFJLY-{spec.unit.upper()[:3]}-{self.rng.randint(1, 40):03d}"
        self.documents = 0
        self.recordings = 0
        self.stage_days: dict[str, date] = {}

    # --- the plan --------------------------------------------------------------------------
    def _party_data(self) -> PartyData:
        if self.spec.party != "person":
            return self.maker.organisation(self.spec.party)
        title = self.spec.title
        surname = title[title.index("某某") - 1] if "某某" in title else ""
        name = self.maker.name()
        return self.maker.person(surname + name[1:] if surname else name)

    def _stages(self):
        spec = self.spec
        stages = [s for s in self.kind.stages if not s.conditional or s.code in spec.occurred]
        if spec.state == "open":
            if spec.upto:
                stages = stages[: [s.code for s in stages].index(spec.upto) + 1]
            else:
                stages = [s for s in stages if s.code != "archiving"]
        elif spec.state == "closed":
            stages = [s for s in stages if s.code != "archiving"]
        if "missing_stage" in spec.flaws:
            stages = [s for s in stages if s.code != "notice"]
        return stages

    def _schedule(self, stages) -> None:
        day = self.spec.opened_on
        for index, stage in enumerate(stages):
            if index:
                gap = self.rng.randint(4, 9) if stage.code == "archiving" else self.rng.randint(2, 6)
                day = _weekday(day + timedelta(days=gap))
            self.stage_days[stage.code] = day

    # --- the build -------------------------------------------------------------------------
    def build(self) -> Case:
        spec = self.spec
        source = spec.source or ("" if spec.start_mode == "application" else "inspection")
        self.case = services.case_open(
            actor=self.actor, unit=self.unit, kind=spec.kind, title=spec.title,
            start_mode=spec.start_mode, opened_on=spec.opened_on, source=source,
            source_detail=spec.source_detail, major_decision=spec.major,
            uninterrupted_triggers=spec.triggers, stages_occurred=spec.occurred)
        services.case_officer_add(case=self.case, actor=self.actor, officer=self.lead, role="lead")
        services.case_officer_add(case=self.case, actor=self.actor, officer=self.assistant,
                                  role="assistant")
        p = self.party_data
        self.party = services.case_party_add(
            case=self.case, actor=self.actor, party_type=p.party_type, name=p.name,
            id_type=p.id_type, id_number=p.id_number, phone=p.phone, address=p.address,
            legal_representative=p.legal_representative)
        self.context = self._context(source)
        stages = self._stages()
        self._schedule(stages)
        for stage in stages:
            self._stage(stage)
        if spec.state in ("closed", "archived"):
            act_end = self.stage_days[[s.code for s in stages if s.code != "archiving"][-1]]
            services.case_act_end(case=self.case, actor=self.actor, ended_on=act_end)
        if "pending_storage" in spec.features:
            self._pending_storage(stages)
        requester = self.actor
        if spec.mark != "internal":
            self._sealed_access()
            services.case_mark_set(case=self.case, actor=self.actor, mark=spec.mark)
            requester = _verified(self.actor)  # sealed content needs the second factor
        if spec.state in ("closed", "archived"):
            # the officer requests, the unit head (or the bureau head) approves (第十六条)
            services.case_file_close(case=self.case, actor=requester, approved_by=self.approver,
                                     approved_at=at(act_end, 17, 30), act_ended_on=act_end,
                                     note="经审查，本案已办理完毕，同意结案（第十六条）")
        if spec.state == "archived":
            services.case_file_archive(case=self.case, actor=requester,
                                       approved_by=self.approver,
                                       approved_at=at(self.stage_days["archiving"], 15),
                                       note="一案一卷，文字和音像记录齐全，同意归档（第二十五条）")
        return self.case

    def _pending_storage(self, stages) -> None:
        """A recording of the last stage so far, made this morning and reported, not yet
        stored: a yellow card on the officers' deadline warnings (第二十六条)."""
        services.pending_recording_report(
            case=self.case, actor=self.actor, stage=stages[-1].code,
            ended_at=REFERENCE_NOW - timedelta(hours=3), device_kind="body_camera",
            device_id="ZFJLY-0107", recorded_by=self.lead)

    def _sealed_access(self) -> None:
        """What the secrecy officer gives the clerk of a case about to be sealed (第二十九条):
        view and change of it, so that the clerk can still ask for its closing and archiving
        (第十六条). The demo acts for the secrecy officer's session that passed the second
        factor."""
        from access.grants import grant_give
        from django.utils import timezone

        secrecy = _verified(self.secrecy)
        for action in ("view", "change"):
            grant_give(actor=secrecy, obj=self.case, action=action, user=self.actor,
                       reason="承办本案（演示数据）",
                       valid_until=timezone.now() + timedelta(days=3650))

    def _context(self, source: str) -> dict:
        spec, p, story = self.spec, self.party_data, self.spec.story
        project = story.get("project", spec.title)
        values = dict(
            title=spec.title, case_number=self.case.number, unit=self.unit.name,
            source_label=next((s.name for s in CASE_SOURCES if s.code == source), "依申请"),
            source_detail=spec.source_detail, party=p.name,
            party_id_label="统一社会信用代码" if p.id_type == "credit_code" else "居民身份证号码",
            party_id=p.id_number, party_address=p.address, party_phone=p.phone,
            legal_representative=p.legal_representative or p.name,
            representative=self.representative, witness=self.witness,
            lead=self.lead.full_name, lead_cert=self.lead.certificate_number,
            assistant=self.assistant.full_name, assistant_cert=self.assistant.certificate_number,
            project=project, place=story.get("place", "郑州市城乡建设局"),
            fact=story.get("fact", f"{project}申请事项。"), basis=story.get("basis", "有关法律法规"),
            measure=story.get("measure", "责令限期改正"),
            question=f"{project}现场检查发现的问题是否属实？",
            answer="属实，我单位认可现场检查笔录记载的情况，愿意积极整改。",
            defence="对违法事实无异议，但已积极整改，且系初次违法，请求从轻处罚。",
            review_of_defence="当事人提出的理由不足以推翻认定的违法事实，但其积极整改，可在裁量基准内从轻处理。",
            preserved="施工日志1册、监理日志1册、现场签证单12份",
            correction="立即停止违法行为，限期整改到位。",
            conclusion="检查发现的问题已当场反馈，责令限期整改。",
            discretion="《郑州市城乡建设局行政处罚裁量基准》一般情节档次",
            matter=spec.title,
            materials="申请表、营业执照、项目批准文件、施工图审查合格书、中标通知书、施工合同等",
            check="核查了项目现场、申请材料原件与申请事项的一致性。",
            verdict="符合法定条件和标准。",
            decision_word="予以确认" if spec.kind == "confirmation" else "准予许可",
            license_detail="予以办理", change_detail="变更申请。",
            compensation="按照郑州市有关标准予以补偿。",
            inventory="清点现场物品并登记造册，双方签字确认。",
            missing="建设工程规划许可证复印件、施工合同备案证明。",
            hearing_chair=self.legal.full_name, clerk=self.assistant.full_name,
            served_doc=SERVED_DOCUMENT.get(spec.kind, "检查结果告知书"),
            application_day=cn_date(spec.opened_on),
            legal_line="事实清楚，依据充分，程序合法，同意。",
            photos=self.rng.randint(6, 24), pages=self.rng.randint(8, 40),
            receipt_no=f"4101{self.rng.randint(10**9, 10**10 - 1)}",
        )
        values.update(story)
        values.setdefault("penalty_basis", values["basis"])
        values["seal_target"] = story.get("seal_target", values["place"])
        values["fact_short"] = project
        values["receipt_note"] = (
            "受送达人拒绝签收，送达人邀请见证人到场，说明情况，在送达回证上记明拒收事由和日期，"
            "把文书留置在受送达人住所，视为送达。" if "refusal" in spec.features
            else "受送达人当场签收。")
        if "no_legal_review" in spec.flaws:
            values["legal_line"] = "未送法制审核。"
        values["defence_summary"] = (
            "当事人申请听证，本机关依法组织了听证，听取了当事人的陈述申辩。" if "hearing" in spec.occurred
            else "当事人在法定期限内提出了陈述申辩，本机关经复核，部分予以采纳。")
        return values

    def _stage(self, stage) -> None:
        spec, day = self.spec, self.stage_days[stage.code]
        record = services.stage_record_add(
            case=self.case, actor=self.actor, stage=stage.code, occurred_on=day,
            summary=(f"{stage.name}：执法人员{self.lead.full_name}、{self.assistant.full_name}于{cn_date(day)}"
                     f"办理“{spec.title}”的{stage.name}事项，形成的文书和音像记录附后。"))
        start = at(day, 9, 30 + self.rng.randint(0, 20))
        end = start + timedelta(minutes=self.rng.randint(35, 80))
        context = dict(self.context, day=cn_date(day), time_span=_span(start, end),
                       deadline=cn_date(day + timedelta(days=10)),
                       notice_day=cn_date(self.stage_days.get("notice", day)),
                       docs=self.documents + 1, recordings=self.recordings)
        kinds = list(STAGE_DOCUMENTS.get((spec.kind, stage.code), ()))
        if stage.code == "archiving":
            kinds = ["归档登记表"]
        if stage.code == "investigation" and "preservation" in spec.features:
            kinds.append("先行登记保存证据通知书")
        if stage.code == "application" and "correction" in spec.features:
            kinds.append("补正材料通知书")
        if spec.kind == "inspection" and stage.code == "result":
            kinds = ["责令改正通知书" if "correction" in spec.story else "检查结果告知书"]
        documents = {kind: self._document(record, kind, context, day) for kind in kinds}
        self._entries(stage, record, day, documents)
        self._recordings(stage, day, start, end)

    def _document(self, record, doc_kind: str, context: dict, day: date):
        spec = self.spec
        signers, text = document_text(doc_kind, context)
        refusal = doc_kind == "送达回证" and "refusal" in spec.features
        if refusal:
            signers = (*signers, "witness")
        number = self.case.number if doc_kind in ("行政处罚决定书", "行政强制决定书", "准予行政许可决定书",
                                                  "行政确认决定书") else ""
        document = services.document_add(
            stage_record=record, actor=self.actor, doc_kind=doc_kind, issued_on=day,
            doc_number=number, text=text, required_signers=signers)
        self.documents += 1
        signed_at = at(day, 11, self.rng.randint(0, 59))
        sign = dict(document=document, actor=self.actor, signed_at=signed_at)
        services.signature_record(signer_role="officer", outcome="signed", officer=self.lead, **sign)
        if doc_kind in TWO_OFFICER_DOCUMENTS:
            services.signature_record(signer_role="officer", outcome="signed",
                                      officer=self.assistant, **sign)
        if "party" in signers:
            unsigned = "unsigned" in spec.flaws and doc_kind == "现场核查记录"
            if refusal:
                services.signature_record(
                    signer_role="party", outcome="refused", party=self.party, refused_what="receipt",
                    refusal_reason="当事人对处罚决定有异议，拒绝在送达回证上签收；已留置送达并由见证人签字",
                    **sign)
            elif not unsigned:
                outcome = "signed" if self.party.party_type == "person" else "sealed"
                services.signature_record(signer_role="party", outcome=outcome, party=self.party,
                                          signer_name=self.party.name, **sign)
        if "witness" in signers:
            services.signature_record(signer_role="witness", outcome="signed",
                                      signer_name=self.witness, **sign)
        if doc_kind in PERSONAL_DOCUMENTS:  # marked once signed, as the secrecy rules ask
            services.record_mark_set(record=document, actor=self.actor, mark="personal")
        return document

    def _entries(self, stage, record, day: date, documents: dict) -> None:
        spec, story, actor = self.spec, self.spec.story, self.actor
        moment = at(day, 10)
        lead, assistant = self.lead, self.assistant

        def investigation(item, content):
            services.investigation_entry_add(stage_record=record, actor=actor, item=item,
                                             content=content, occurred_at=moment)

        def service(item, content, document=None):
            services.service_entry_add(stage_record=record, actor=actor, item=item,
                                       content=content, occurred_on=day, document=document)

        if stage.code in ("investigation", "inspection", "examination"):
            investigation("investigation.officers",
                          f"{lead.full_name}（执法证号{lead.certificate_number}）、{assistant.full_name}"
                          f"（执法证号{assistant.certificate_number}）到场，向当事人出示了执法证件。")
            investigation("investigation.site_inspection",
                          f"对{self.context['place']}进行了现场检查，制作现场检查笔录，使用执法记录仪记录。")
        if stage.code == "investigation":
            investigation("investigation.questioning", f"询问了{self.representative}，制作询问笔录一份。")
            investigation("investigation.evidence", "调取施工合同、施工日志、监理日志等书证复印件，经当事人签字确认。")
            if "preservation" in spec.features:
                investigation("investigation.preservation",
                              f"经负责人批准，对{self.context['preserved']}先行登记保存。")
            investigation("investigation.rights_notice", "告知当事人享有申请回避、陈述申辩和申请听证的权利。")
            investigation("investigation.rights_exercised", "当事人未申请回避，表示将在告知后提出陈述申辩。")
        if stage.code == "hearing":
            investigation("investigation.hearing",
                          f"依当事人申请举行听证，主持人{self.legal.full_name}，当事人到场陈述申辩并质证。")
        if stage.code == "review_decision" or (spec.kind == "expropriation" and stage.code == "approval"):
            self._review(record, day)
        if stage.code == "service":
            served = "留置送达，见证人在场" if "refusal" in spec.features else "直接送达，当事人签收"
            service("service.service", f"{self.context['served_doc']}于{cn_date(day)}{served}。",
                    documents.get("送达回证"))
        if stage.code == "execution":
            service("service.performance", f"当事人已履行处罚决定：{self.context['measure']}。")
            service("service.correction", "当事人已改正违法行为，执法人员现场复查确认。")
        if stage.code == "implementation":
            service("service.coercion", f"依法实施：{self.context['measure']}，全程音像记录。")
        if stage.code in ("result", "record") and "correction" in story:
            service("service.correction", f"责令改正：{story['correction']}")

    def _review(self, record, day: date) -> None:
        spec, context = self.spec, self.context

        def review(item, opinion, **extra):
            services.review_entry_add(stage_record=record, actor=self.actor, item=item,
                                      opinion=opinion, given_on=day, **extra)

        review("review.facts_basis", f"建议：{context['measure']}。", facts=context["fact"],
               legal_basis=context["basis"], discretion_standard=context["discretion"],
               given_by=self.lead)
        if self.unit_head is not None:
            review("review.unit_opinion", "同意承办人意见。", given_by=self.unit_head)
        else:
            review("review.unit_opinion", "同意承办人意见。", given_by_name=f"{self.unit.name}负责人")
        needs_review = spec.major or spec.kind == "penalty"
        if needs_review and "no_legal_review" not in spec.flaws:
            review("review.legal_review", "事实清楚，证据确凿，适用依据正确，程序合法，裁量适当，同意。",
                   given_by=self.legal)
        if spec.major:
            review("review.head_opinion", "经局长办公会集体讨论，同意。", given_by_name="局长办公会集体讨论")
        else:
            review("review.head_opinion", "同意。", given_by=self.bureau_head)
        review("review.decision", f"作出决定：{context['measure'] if spec.kind in ('penalty', 'coercion', 'expropriation') else context['license_detail']}。",
               given_by=self.bureau_head)

    # --- audio/video ---------------------------------------------------------------------------
    def _recordings(self, stage, day: date, start: datetime, end: datetime) -> None:
        spec = self.spec
        rule = self.catalogue.av_rule_for_case(spec.kind, stage.code, spec.triggers)
        if rule.level is AVLevel.NONE:
            return
        if rule.level is AVLevel.RECOMMENDED:
            if self.rng.random() < 0.5:
                self._register(stage.code, PHOTO_CLIP, "camera", start, start + timedelta(minutes=1))
            return
        if stage.code in OFFICE_STAGES and rule.level is AVLevel.REQUIRED:
            device = "video_camera" if stage.code == "hearing" else "audio_recorder"
            clip = self.rng.choice(VIDEO_CLIPS) if stage.code == "hearing" else AUDIO_CLIP
            self._register(stage.code, clip, device, start, end,
                           place=f"郑州市城乡建设局{'听证室' if stage.code == 'hearing' else self.unit.name}")
            return
        first = self.recordings == 0
        clip = self.rng.choice(VIDEO_CLIPS)
        split = {"av_gap", "interruption"} & (spec.flaws | spec.features)
        if rule.level is AVLevel.UNINTERRUPTED and split and stage.code == "implementation":
            middle = start + (end - start) / 2
            gap = timedelta(minutes=25 if "av_gap" in spec.flaws else 8)
            one = self._register(stage.code, clip, "body_camera", start, middle)
            if "interruption" in spec.features:
                services.av_interruption_add(
                    av_record=one, actor=self.actor, cause="low_battery", interrupted_at=middle,
                    resumed_at=middle + gap, spoken_explanation=True,
                    cause_detail="执法记录仪电量不足，更换备用电池后恢复记录，并口头说明中止原因")
            self._register(stage.code, self.rng.choice(VIDEO_CLIPS), "body_camera", middle + gap,
                           end + gap)
            return
        late = "late_storage" in spec.flaws and first
        returned = "returned" in spec.features and first
        record = self._register(stage.code, clip, "body_camera", start, end, late=late,
                                returned=returned)
        if stage.code == "investigation":
            services.evidence_note_add(
                av_record=record, actor=self.actor, collected_by=f"{self.lead.full_name}、{self.assistant.full_name}",
                collected_at=start, collected_place=self.context["place"],
                note="执法记录仪现场拍摄，原始文件已刻录光盘随卷归档（第二十七条）")

    def _register(self, stage: str, clip_name: str, device: str, start: datetime, end: datetime,
                  *, place: str | None = None, late: bool = False, returned: bool = False):
        stored = self.clips[clip_name]
        clip = stored.clip
        media_kind = clip.media_kind
        returned_at, cause = None, ""
        if late:
            stored_at = end + timedelta(hours=38, minutes=self.rng.randint(0, 50))
        elif returned:
            returned_at = end + timedelta(hours=27)
            stored_at = returned_at + timedelta(hours=2)
            cause = "事故现场持续处置至次日，执法人员无法离开现场，返回单位后储存"
        else:
            stored_at = end + timedelta(hours=self.rng.randint(1, 6), minutes=self.rng.randint(0, 59))
        self.recordings += 1
        return services.av_record_register(
            case=self.case, actor=self.actor, stage=stage, sha256=stored.sha256, size=stored.size,
            media_kind=media_kind, device_kind=device, recorded_by=self.lead,
            started_at=start, ended_at=end, place=place or self.context["place"],
            stored_at=stored_at, mime=clip.mime, duration_seconds=clip.duration_seconds,
            original_name=f"{self.device}_{start:%Y%m%d_%H%M%S}.{clip.extension}",
            device_id=self.device if device == "body_camera" else f"{device.upper()}-01",
            returned_to_unit_at=returned_at, late_storage_cause=cause)
