"""Made-up people and organisations for the demo cases: names, resident identity numbers and
unified social credit codes with correct check characters (records.party_ids), mobile
phones and addresses in Zhengzhou. Everything comes from a random.Random seeded by the
caller, so the demo data is the same on every run and every machine."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from records.party_ids import credit_code_check, resident_id_check

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = ("建国", "志强", "秀英", "桂兰", "海涛", "晓东", "丽娟", "明辉", "俊杰", "红梅", "国庆", "振华",
         "雪梅", "春生", "立新", "玉兰", "文博", "思远", "佳怡", "子涵", "宏伟", "永刚", "淑芬", "浩然",
         "雅琴", "晨阳", "鹏飞", "金凤", "德明", "新民", "少华", "卫东", "秋菊", "爱军", "瑞峰", "静怡")

#: Zhengzhou's districts and counties: (area code of the resident ID, name)
DISTRICTS = (
    ("410102", "中原区"), ("410103", "二七区"), ("410104", "管城回族区"), ("410105", "金水区"),
    ("410106", "上街区"), ("410108", "惠济区"), ("410122", "中牟县"), ("410181", "巩义市"),
    ("410182", "荥阳市"), ("410183", "新密市"), ("410184", "新郑市"),
)
ROADS = ("花园路", "文化路", "农业路", "建设路", "中原路", "嵩山路", "紫荆山路", "金水路", "商都路",
         "郑汴路", "航海路", "陇海路", "大学路", "经三路", "纬五路", "东风路", "北三环", "南三环",
         "长江路", "淮河路", "桐柏路", "秦岭路", "天明路", "丰产路", "黄河路", "众意路", "商鼎路")
MOBILE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "155",
                   "158", "159", "176", "177", "180", "182", "185", "186", "187", "188", "189")
_CREDIT_BODY_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class PartyData:
    party_type: str  # records.casefile.PartyType
    name: str
    id_type: str     # records.party_ids: resident_id / credit_code
    id_number: str
    phone: str
    address: str
    legal_representative: str = ""

    @property
    def short(self) -> str:
        """How documents name a person after the first mention (王某某)."""
        if self.party_type == "person":
            return self.name[0] + "某某"
        return self.name


class PeopleMaker:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self._names: set[str] = set()

    def name(self) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            if name not in self._names:
                self._names.add(name)
                return name

    def district(self) -> tuple[str, str]:
        return self.rng.choice(DISTRICTS)

    def address(self, district: str | None = None) -> str:
        district = district or self.district()[1]
        return f"郑州市{district}{self.rng.choice(ROADS)}{self.rng.randint(1, 299)}号"

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randint(0, 99999999):08d}"

    def resident_id(self, area: str, *, born_from: int = 1962, born_to: int = 1998) -> str:
        birthday = date(born_from, 1, 1) + timedelta(
            days=self.rng.randint(0, (date(born_to, 12, 31) - date(born_from, 1, 1)).days))
        body = f"{area}{birthday:%Y%m%d}{self.rng.randint(1, 999):03d}"
        return body + resident_id_check(body)

    def credit_code(self, area: str) -> str:
        body = "91" + area + "".join(self.rng.choice(_CREDIT_BODY_CHARS) for _ in range(9))
        return body + credit_code_check(body)

    def person(self, name: str | None = None) -> PartyData:
        area, district = self.district()
        return PartyData("person", name or self.name(), "resident_id", self.resident_id(area),
                         self.mobile(), self.address(district))

    def organisation(self, name: str) -> PartyData:
        area, district = self.district()
        phone = f"0371-{self.rng.randint(55000000, 69999999)}" if self.rng.random() < 0.6 \
            else self.mobile()
        return PartyData("organisation", name, "credit_code", self.credit_code(area), phone,
                         self.address(district), legal_representative=self.name())
