"""`python manage.py load_demo`: the demo content, accounts and cases (portal.demo_cases:
36 cases of every kind and unit, with small real media files and some deliberate findings).
Idempotent: a second run changes nothing. Accounts and cases are created only in demo mode
(PORTAL_DEMO=1), never in production."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import demo_accounts_ensure, demo_content_ensure, demo_second_factors_ensure
from portal.demo_case_accounts import demo_case_accounts_ensure
from portal.demo_cases import demo_cases_ensure, demo_cases_summary


class Command(BaseCommand):
    help = "载入演示内容和演示账号（仅演示模式 PORTAL_DEMO=1）"

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true",
                            help="do not print the demo accounts")
        parser.add_argument("--no-cases", action="store_true",
                            help="only content and accounts, no demo cases")

    def handle(self, *args, quiet_accounts=False, no_cases=False, **options):
        if not settings.PORTAL_DEMO:
            raise CommandError(
                "演示账号只在演示模式下创建：请设置 PORTAL_DEMO=1。"
                " (Demo accounts exist only in demo mode; PORTAL_DEMO is not set.)"
            )
        demo_content_ensure()
        accounts = demo_accounts_ensure() + demo_case_accounts_ensure()
        second_factors = demo_second_factors_ensure()
        if not no_cases:
            demo_cases_ensure()
            self.stdout.write(demo_cases_summary())
        if quiet_accounts:
            return
        self.stdout.write("演示账号 (demo accounts):")
        width = max(len(account.username) for account in accounts)
        for account in accounts:
            self.stdout.write(
                f"  {account.username.ljust(width)}  密码 {account.password}  "
                f"{account.role.name}（{account.unit_name}）"
            )
            factor = second_factors.get(account.username)
            if factor is not None:
                self.stdout.write(
                    f"  {''.ljust(width)}  须双因素登录：TOTP 密钥 {factor.secret}  {factor.uri}"
                )
