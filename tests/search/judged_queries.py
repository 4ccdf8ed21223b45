"""The judged query set over the demo data (portal/demo_cases.py, 36 deterministic cases): each
query with the case numbers that should come first, judged from the cases' specifications
(titles, stories, the documents each case's stages hold), not from what the engine returned.

Cases are named by their numbers, which are stable because the demo data is deterministic.
A result list is the distinct cases of the hits, in the order of their first hit.

Measures (``judge``): precision at 5 counts the relevant cases among the first five, divided
by min(5, number of relevant cases) so that a query with one right answer can score 1; the
reciprocal rank is 1 / the rank of the first relevant case (0 when none is in the first 20).
"""

from __future__ import annotations

from dataclasses import dataclass

P = "郑建罚〔2026〕"
Q = "郑建强〔2026〕"

#: the cases holding documents of a kind (from the demo stage specifications)
INTERVIEW = [f"{P}{n}号" for n in (1, 2, 3, 4, 5, 6)]
SEIZURE_RECORD = [f"{Q}1号", f"{Q}2号"]
INTERVIEW_TALKS = ["郑建招执〔2026〕1号", "郑建质执〔2026〕1号", "郑建节执〔2026〕1号"]
EXPROPRIATION = ["郑建招征〔2026〕1号", "郑建质征〔2026〕1号"]
INSPECTION_RESULT = ["郑建招检〔2026〕1号", "郑建质检〔2026〕2号", "郑质监检〔2026〕1号"]


@dataclass(frozen=True)
class Judged:
    query: str
    relevant: tuple[str, ...]
    what: str


def _j(query, relevant, what):
    return Judged(query, tuple([relevant] if isinstance(relevant, str) else relevant), what)


JUDGED = [
    # --- domain words inside sentences and longer words ---
    _j("坍塌", "郑建质检〔2026〕3号", "word inside 脚手架坍塌事故"),
    _j("脚手架", "郑建质检〔2026〕3号", "word inside a title"),
    _j("扬尘", "郑建质执〔2026〕1号", "word inside 扬尘污染防治"),
    _j("串通投标", "郑建招检〔2026〕2号", "commercial-secret case, reader granted"),
    _j("防空", "郑建质检〔2026〕2号", "state-secret case, word inside 人民防空"),
    _j("燃气", "郑建质征〔2026〕1号", "word inside 燃气管网"),
    _j("混凝土", "郑质监检〔2026〕2号", "word inside 混凝土强度抽检"),
    _j("装配式", "郑建节执〔2026〕1号", "word inside 装配式建筑"),
    _j("招标代理", "郑建招执〔2026〕1号", "word inside 招标代理机构"),
    _j("绿色建筑", "郑建节检〔2026〕2号", "domain word"),
    _j("建筑节能", "郑建节检〔2026〕1号", "domain word"),
    _j("资质", ["郑建审许〔2026〕2号", "郑建勘许〔2026〕1号", "郑建勘许〔2026〕2号",
              "郑建管确〔2026〕1号"], "word inside 资质核准/资质延续/劳务资质"),
    _j("施工许可", ["郑建审许〔2026〕1号", "郑建管许〔2026〕1号", "郑建管许〔2026〕2号",
                "郑建罚〔2026〕2号"], "word inside 施工许可证核发"),
    _j("查封", [f"{Q}1号", f"{Q}2号", f"{Q}3号"], "the coercion cases"),
    _j("先行登记保存", [f"{P}2号", f"{P}5号"], "domain-dictionary word"),
    _j("拆改", f"{P}4号", "personal case, reader granted"),
    _j("设计变更", f"{P}6号", "word inside 消防设计变更"),
    _j("安全生产许可证", "郑建审确〔2026〕1号", "domain word"),
    _j("施工图审查", "郑建勘确〔2026〕1号", "word inside a title"),
    _j("考核合格证书", "郑建人许〔2026〕1号", "personal case, reader granted"),
    _j("建造师", "郑建人确〔2026〕1号", "word inside 二级建造师"),
    # --- case numbers, with and without brackets ---
    _j("郑建罚〔2026〕2号", f"{P}2号", "case number with 〔〕"),
    _j("郑建罚[2026]2号", f"{P}2号", "case number with []"),
    _j("郑建罚2026 2号", f"{P}2号", "case number without brackets"),
    _j("郑建强〔2026〕1号", f"{Q}1号", "coercion case number"),
    _j("郑建消许(2026)1号", "郑建消许〔2026〕1号", "case number with ()"),
    _j("郑质监检〔2026〕第2号", "郑质监检〔2026〕2号", "case number with 第"),
    # --- identity numbers and credit codes, whole ---
    _j("410105196310240175", f"{P}4号", "resident identity number (unmasking reader)"),
    _j("410102199805250054", "郑建人许〔2026〕1号", "resident identity number (unmasking reader)"),
    _j("91410105RYL5C22AQX", f"{P}1号", "unified social credit code"),
    # --- party and company names ---
    _j("恒达置业", f"{P}1号", "company name part"),
    _j("宏图建筑", f"{P}2号", "company name part"),
    _j("郑州地铁集团", "郑建勘确〔2026〕1号", "company name"),
    _j("郑州建工集团", ["郑建质检〔2026〕2号", "郑质监检〔2026〕1号"], "one company, two cases"),
    _j("鑫源物业", f"{P}5号", "company name part"),
    _j("须水街道办事处", "郑建招征〔2026〕1号", "party that is an office"),
    # --- document kinds ---
    _j("询问笔录", INTERVIEW, "document kind"),
    _j("查封现场笔录", SEIZURE_RECORD, "document kind"),
    _j("约谈记录", INTERVIEW_TALKS, "document kind"),
    _j("征收征用公告", EXPROPRIATION, "document kind"),
    _j("补正材料通知书", "郑建审许〔2026〕1号", "document kind in one case"),
    _j("检查结果告知书", INSPECTION_RESULT, "document kind"),
    # --- traditional characters and full-width forms ---
    _j("須水河", "郑建招征〔2026〕1号", "traditional 須"),
    _j("腳手架坍塌", "郑建质检〔2026〕3号", "traditional 腳"),
    _j("串通投標", "郑建招检〔2026〕2号", "traditional 標"),
    _j("郑建罚（２０２６）３号", f"{P}3号", "full-width brackets and digits"),
    _j("９１４１０１０５ＲＹＬ５Ｃ２２ＡＱＸ", f"{P}1号", "full-width credit code"),
    _j("裝配式建築", "郑建节执〔2026〕1号", "traditional 裝 築"),
    # --- two words, both required ---
    _j("消防 查封", [f"{Q}1号", f"{Q}2号", f"{Q}3号"], "two words"),
    _j("听证 罚款", f"{P}1号", "two words"),
    _j("资质 延续", "郑建勘许〔2026〕1号", "two words"),
    _j("施工许可证 变更", "郑建管许〔2026〕1号", "two words"),
    _j("扬尘 约谈", "郑建质执〔2026〕1号", "two words"),
    _j("混凝土 责令改正", "郑质监检〔2026〕2号", "two words"),
]

#: found only by a reader allowed to see the parties' personal data (第二十九条)
PERSONAL_ONLY = ["410105196310240175", "410102199805250054"]


def ranked_cases(hits, number_of) -> list[str]:
    """The distinct case numbers of hits, in the order of their first hit."""
    seen: list[str] = []
    for hit in hits:
        number = number_of.get(hit.case_id)
        if number and number not in seen:
            seen.append(number)
    return seen


def judge(ranked: list[str], relevant) -> tuple[float, float]:
    """(precision at 5, reciprocal rank) of one query's ranked case numbers."""
    relevant = set(relevant)
    top = ranked[:5]
    precision = sum(1 for number in top if number in relevant) / min(5, len(relevant))
    reciprocal = next((1 / rank for rank, number in enumerate(ranked[:20], 1)
                       if number in relevant), 0.0)
    return precision, reciprocal
