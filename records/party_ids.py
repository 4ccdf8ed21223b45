"""Identity numbers of the parties to a case: 居民身份证号码 (GB 11643) for a person and
统一社会信用代码 (GB 32100) for an organisation, each with its check character.

Plain functions; `id_number_problem` returns the problem in Chinese, or "" when the number is
well-formed. Other documents (passports, Hong Kong and Macao permits ...) are kept as written.
"""

from __future__ import annotations

import re

RESIDENT_ID = "resident_id"
CREDIT_CODE = "credit_code"
OTHER_ID = "other"

_RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_CHECK = "10X98765432"
_RESIDENT = re.compile(r"\d{17}[\dX]")

_CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT = re.compile(f"[{_CREDIT_CHARSET}]{{18}}")


def normalise_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def resident_id_check(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _RESIDENT_WEIGHTS))
    return _RESIDENT_CHECK[total % 11]


def credit_code_check(first17: str) -> str:
    total = sum(_CREDIT_CHARSET.index(char) * weight
                for char, weight in zip(first17, _CREDIT_WEIGHTS))
    return _CREDIT_CHARSET[(31 - total % 31) % 31]


def id_number_problem(id_type: str, value: str) -> str:
    number = normalise_id_number(value)
    if id_type == RESIDENT_ID:
        if not _RESIDENT.fullmatch(number):
            return "居民身份证号码应为18位（最后一位可为X）"
        if resident_id_check(number[:17]) != number[17]:
            return "居民身份证号码校验位不符"
    elif id_type == CREDIT_CODE:
        if not _CREDIT.fullmatch(number):
            return "统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）"
        if credit_code_check(number[:17]) != number[17]:
            return "统一社会信用代码校验位不符"
    elif id_type != OTHER_ID:
        return f"未知的证件类型：{id_type}"
    return ""
