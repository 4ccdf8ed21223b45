"""Placeholders of the standard wording (第八条), filled in for the officer who reads them.

A phrase is written with placeholders in braces: {officer_name} {certificate_number} {unit}
{datetime} {place}. The officer's name, certificate number and unit come from the logged-in
user's staff profile; the date and time from the clock; the place is typed by the officer on
the page and filled in by portal/static/portal/js/wording.js. A placeholder without a value
is shown as its Chinese name in full-width brackets, e.g. （执法证号）, so that the officer
sees what to say.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Mapping

from django.utils import timezone


@dataclass(frozen=True)
class Placeholder:
    code: str
    name: str

    @property
    def token(self) -> str:
        return "{" + self.code + "}"

    @property
    def blank(self) -> str:
        return f"（{self.name}）"


PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder("officer_name", "执法人员姓名"),
    Placeholder("certificate_number", "执法证号"),
    Placeholder("unit", "所属单位"),
    Placeholder("datetime", "日期时间"),
    Placeholder("place", "地点"),
)
PLACEHOLDERS_BY_CODE = {placeholder.code: placeholder for placeholder in PLACEHOLDERS}
TOKEN = re.compile(r"\{(?P<code>[a-z_]+)\}")
#: Filled in the browser, from what the officer types on the page.
TYPED_BY_OFFICER = frozenset({"place"})


def unknown_placeholders(text: str) -> list[str]:
    """Tokens in braces that are not placeholders (a typo an editor should see)."""
    return sorted({m["code"] for m in TOKEN.finditer(text)} - PLACEHOLDERS_BY_CODE.keys())


def phrase_fill(text: str, values: Mapping[str, str], *, keep: frozenset[str] = frozenset()) -> str:
    """Replace each known placeholder by its value, or by its name in brackets when it has
    none. Placeholders listed in `keep` stay as tokens (for the browser to fill)."""

    def replace(match: re.Match) -> str:
        code = match["code"]
        placeholder = PLACEHOLDERS_BY_CODE.get(code)
        if placeholder is None or code in keep:
            return match[0]
        return values.get(code) or placeholder.blank

    return TOKEN.sub(replace, text)


def spoken_datetime(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日{local.hour}时{local.minute:02d}分"


def officer_values(user, *, now: dt.datetime | None = None) -> dict[str, str]:
    """The values known for this user: name, certificate number and unit from the staff
    profile (第十二条(一)), and the current date and time."""
    values = {"datetime": spoken_datetime(now or timezone.now())}
    if user is None or not user.is_authenticated:
        return values
    profile = getattr(user, "staff_profile", None)
    if profile is not None:
        values["officer_name"] = profile.full_name
        values["certificate_number"] = profile.certificate_number
        values["unit"] = profile.unit.name
    else:
        values["officer_name"] = user.get_full_name() or user.get_username()
    return {code: value for code, value in values.items() if value}
