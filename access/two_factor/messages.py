"""What the user reads when the second factor or the lockout stops them."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _


def locked_message(until: datetime) -> str:
    from .lockout import lockout_policy

    policy = lockout_policy()
    return _("账户因%(minutes)s分钟内%(failures)s次密码或验证码错误已被锁定，请于 %(when)s 之后再试"
             "（第二十九条，涉密执法记录信息按保密规定和权限管理）。") % {
        "minutes": int(policy.window.total_seconds() // 60),
        "failures": policy.failures,
        "when": timezone.localtime(until).strftime("%Y-%m-%d %H:%M"),
    }


def wrong_code_message() -> str:
    return _("验证码不正确或已使用过，请输入身份验证器上的新验证码或一个未用过的恢复码。")


def login_again_message() -> str:
    return _("登录已超时，请重新输入用户名和密码。")
