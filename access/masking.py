"""Personal data masked (第二十九条 个人隐私): identity numbers, phone numbers and addresses show
masked to anyone without the personal-data permission on the object, in HTML, JSON, exports
and search snippets alike; showing them clear is a read that writes an ``unmask`` line.

    mask_identity_number("410105199001011234") == "410105********1234"
    mask_phone("13812345678") == "138****5678"
    mask_address("河南省郑州市金水区某路1号") == "河南省郑州市金水区****"

An app registers which fields of which model hold personal data (records/permissions.py from
records.marking.PERSONAL_FIELDS); ``personal_values(user, obj)`` gives them masked or clear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from django.db.models import Model

from access import gate

IDENTITY = "identity"
PHONE = "phone"
ADDRESS = "address"
MASK = "*"
ADDRESS_MASK = "****"


def mask_identity_number(value: str) -> str:
    """Keep the first six characters (the issuing district) and the last four."""
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) >= 15:
        return text[:6] + MASK * (len(text) - 10) + text[-4:]
    if len(text) >= 8:
        return text[:2] + MASK * (len(text) - 4) + text[-2:]
    return MASK * len(text)


def mask_phone(value: str) -> str:
    """Keep the first three and the last four digits (``138****5678``), separators as written;
    a number of seven digits or fewer is masked whole."""
    text = (value or "").strip()
    digits = [index for index, char in enumerate(text) if char.isdigit()]
    if not digits:
        return MASK * len(text)
    if len(digits) <= 7:
        return "".join(MASK if char.isdigit() else char for char in text)
    hidden = set(digits[3:-4])
    return "".join(MASK if index in hidden else char for index, char in enumerate(text))


# one administrative name: no digits, no street words, no level word inside it
_NAME = r"[^省市区县\d\s路街道号巷弄镇乡村组院栋楼室层]{1,10}?"
_ADDRESS_LEVELS = re.compile(
    rf"^(?:{_NAME}(?:省|自治区|特别行政区))?"
    rf"(?:{_NAME}(?:市|自治州|地区|盟))?"
    rf"(?:{_NAME}(?:区|县|旗|市))?"
)


def mask_address(value: str) -> str:
    """Keep the administrative prefix down to the district (省、市、区/县), mask the rest; an
    address without a recognisable prefix is masked whole."""
    text = (value or "").strip()
    if not text:
        return ""
    prefix = _ADDRESS_LEVELS.match(text).group(0)
    if not prefix or prefix == text:
        return prefix if prefix == text and len(text) <= 12 else ADDRESS_MASK
    return prefix + ADDRESS_MASK


MASKERS = {IDENTITY: mask_identity_number, PHONE: mask_phone, ADDRESS: mask_address}

_registry: dict[str, dict[str, str]] = {}


def register(label: str, fields: Mapping[str, str]) -> None:
    """Declare the personal fields of a model (label "app.model") and how each is masked."""
    unknown = set(fields.values()) - set(MASKERS)
    if unknown:
        raise ValueError(f"unknown masking kinds: {sorted(unknown)}")
    _registry[label.lower()] = dict(fields)


def personal_fields(model_or_obj) -> dict[str, str]:
    return dict(_registry.get(model_or_obj._meta.label_lower, {}))


def masked_values(obj: Model) -> dict[str, str]:
    return {name: MASKERS[kind](getattr(obj, name) or "")
            for name, kind in personal_fields(obj).items()}


@dataclass(frozen=True)
class PersonalValues:
    """An object's personal fields as the reader may see them."""

    values: dict[str, str]
    clear: bool
    reason: str
    grant_id: int | None = None
    masked: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        return self.values[name]


def personal_values(user, obj: Model, *, request=None) -> PersonalValues:
    """The personal fields of `obj`: clear, with an ``unmask`` access-log line, only for a
    reader holding the personal-data permission on it (access.gate VIEW_PERSONAL);
    masked for everyone else."""
    return personal_values_many(user, [obj], request=request)[obj.pk]


def personal_values_many(user, objects: Iterable[Model], *, request=None) -> dict[Any, PersonalValues]:
    """The same for a page of objects of one model: the decisions in a constant number of
    queries, and one ``unmask`` line per object shown clear."""
    from access.events import access_log_write

    objects = [obj for obj in objects if personal_fields(obj)]
    if not objects:
        return {}
    decisions = gate.flags(user, objects, (gate.VIEW_PERSONAL,))
    result = {}
    for obj in objects:
        decision = decisions[obj.pk][gate.VIEW_PERSONAL]
        masked = masked_values(obj)
        if decision.allowed:
            names = sorted(personal_fields(obj))
            access_log_write(actor=user, action="unmask", outcome="ok", obj=obj, request=request,
                             detail={"fields": names, "grant_id": decision.grant_id})
            clear = {name: getattr(obj, name) or "" for name in names}
            result[obj.pk] = PersonalValues(clear, True, decision.reason, decision.grant_id, masked)
        else:
            result[obj.pk] = PersonalValues(masked, False, decision.reason, None, masked)
    return result


_ID_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])"
    r"(\d{17}[\dXx]"                                    # 居民身份证号码
    r"|[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10})"  # 统一社会信用代码
    r"(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")


def mask_text(text: str, objects: Iterable[Model] = ()) -> str:
    """Free text (a search snippet, an export cell) with the personal values of `objects`
    and anything shaped like an identity number or a mobile number masked."""
    text = text or ""
    for obj in objects:
        for name, kind in personal_fields(obj).items():
            value = (getattr(obj, name) or "").strip()
            if value:
                text = text.replace(value, MASKERS[kind](value))
    text = _ID_IN_TEXT.sub(lambda match: mask_identity_number(match.group(1)), text)
    return _MOBILE_IN_TEXT.sub(lambda match: mask_phone(match.group(1)), text)
