"""Who enters the demo cases: a login for the officer of each unit that records acts (printed
with the other demo accounts), a second officer per unit without a login (第十二条: two
officers on a case), and each unit's case-number style. Demo mode only."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model

from access.models import StaffProfile
from access.roles import role_groups_ensure
from policies.roles import role
from policies.units import UNITS_BY_CODE
from portal.demo import DemoAccount, units_ensure


# --- the people who enter the cases ---------------------------------------------------------

def _officer_account(username, full_name, unit_code, certificate) -> DemoAccount:
    return DemoAccount(username=username, password=f"{username}-demo-2026", full_name=full_name,
                       role=role("officer"), unit_name=UNITS_BY_CODE[unit_code].name,
                       certificate_number=certificate)


#: a login for the officer of each unit that records acts and has no demo account yet
#: (portal.demo has 张伟 of 消防验收处 and 李娜 of 工程质量安全监管处)
CASE_ACCOUNTS: tuple[DemoAccount, ...] = (
    _officer_account("officer_shenpi", "马晓东", "shenpi", "豫建执41010011"),
    _officer_account("officer_kancha", "郭丽娟", "kancha", "豫建执41010012"),
    _officer_account("officer_renshi", "何俊杰", "renshi", "豫建执41010013"),
    _officer_account("officer_jianguan", "罗海涛", "jianguan", "豫建执41010014"),
    _officer_account("officer_zhaobiao", "梁雪梅", "zhaobiao", "豫建执41010015"),
    _officer_account("officer_jieneng", "宋振华", "jieneng", "豫建执41010016"),
    _officer_account("officer_zhijianzhan", "韩立新", "zhijianzhan", "豫建执41010017"),
)
LEAD_USERNAMES = {"xiaofang": "officer", "zhiliang": "officer2",
                  **{account.username.removeprefix("officer_"): account.username
                     for account in CASE_ACCOUNTS}}
#: the second officer on each unit's cases (第十二条: two officers); no login of their own
ASSISTANTS = {
    "xiaofang": ("唐文博", "豫建执41010021"), "zhiliang": ("冯宏伟", "豫建执41010022"),
    "shenpi": ("于佳怡", "豫建执41010023"), "kancha": ("曹思远", "豫建执41010024"),
    "renshi": ("袁雅琴", "豫建执41010025"), "jianguan": ("邓鹏飞", "豫建执41010026"),
    "zhaobiao": ("许晨阳", "豫建执41010027"), "jieneng": ("傅瑞峰", "豫建执41010028"),
    "zhijianzhan": ("沈卫东", "豫建执41010029"),
}
#: each unit's case numbers (records.CaseNumberFormat), so that numbers differ between units;
#: 消防验收处 keeps the bureau's default 郑建罚〔2026〕N号 for its penalties
NUMBER_PATTERNS = {
    ("xiaofang", "licensing"): "郑建消许〔{year}〕{seq}号",
    ("xiaofang", "confirmation"): "郑建消备〔{year}〕{seq}号",
    ("shenpi", "licensing"): "郑建审许〔{year}〕{seq}号",
    ("shenpi", "confirmation"): "郑建审确〔{year}〕{seq}号",
    ("kancha", "licensing"): "郑建勘许〔{year}〕{seq}号",
    ("kancha", "confirmation"): "郑建勘确〔{year}〕{seq}号",
    ("renshi", "licensing"): "郑建人许〔{year}〕{seq}号",
    ("renshi", "confirmation"): "郑建人确〔{year}〕{seq}号",
    ("jianguan", "licensing"): "郑建管许〔{year}〕{seq}号",
    ("jianguan", "confirmation"): "郑建管确〔{year}〕{seq}号",
    ("zhaobiao", "inspection"): "郑建招检〔{year}〕{seq}号",
    ("zhaobiao", "other"): "郑建招执〔{year}〕{seq}号",
    ("zhaobiao", "expropriation"): "郑建招征〔{year}〕{seq}号",
    ("zhiliang", "inspection"): "郑建质检〔{year}〕{seq}号",
    ("zhiliang", "other"): "郑建质执〔{year}〕{seq}号",
    ("zhiliang", "expropriation"): "郑建质征〔{year}〕{seq}号",
    ("jieneng", "inspection"): "郑建节检〔{year}〕{seq}号",
    ("jieneng", "other"): "郑建节执〔{year}〕{seq}号",
    ("zhijianzhan", "inspection"): "郑质监检〔{year}〕{seq}号",
}


def demo_case_accounts_ensure() -> tuple[DemoAccount, ...]:
    """The unit officers' logins (printed with the other demo accounts) and the assistant
    officers' staff profiles (no login)."""
    require_demo()
    units = units_ensure()
    groups = role_groups_ensure()
    User = get_user_model()
    for account in CASE_ACCOUNTS:
        user, created = User.objects.get_or_create(username=account.username)
        if created:
            user.set_password(account.password)
            user.save(update_fields=["password"])
        user.groups.add(groups[account.role.code])
        unit_code = next(code for code, spec in UNITS_BY_CODE.items() if spec.name == account.unit_name)
        StaffProfile.objects.get_or_create(user=user, defaults={
            "full_name": account.full_name, "unit": units[unit_code],
            "certificate_number": account.certificate_number})
    for unit_code, (name, certificate) in ASSISTANTS.items():
        user, created = User.objects.get_or_create(username=f"assist_{unit_code}")
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        StaffProfile.objects.get_or_create(user=user, defaults={
            "full_name": name, "unit": units[unit_code], "certificate_number": certificate})
    return CASE_ACCOUNTS


def require_demo() -> None:
    if not settings.PORTAL_DEMO:
        raise RuntimeError("demo cases exist only in demo mode (PORTAL_DEMO=1)")
