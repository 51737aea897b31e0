"""A synthetic province that looks real: names, categories, dates, places, relatives, decisions.

Proportions follow Quảng Trị's 2022 figures (domain.md): of ~120,000 recognised people, 15.7 % martyrs,
9.5 % wounded soldiers and people treated as such, 2.2 % Heroic Mothers, 3.4 % Agent Orange cases; the
rest are other groups and relatives. Everything is generated; no real person is described.
"""

import random
from collections.abc import Iterator

from hoso.gazetteer.models import AdminUnit
from hoso.vntext.dates import PartialDate

from .demo_data import (
    ALIAS_PREFIX,
    CATEGORY_WEIGHTS,
    CEMETERIES,
    FAMILY_NAMES,
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    MALE_GIVEN,
    MALE_MIDDLE,
    OLD_PLACES,
    PLACES,
    POSITIONS,
    RANKS,
    RELATIVES,
    UNITS,
)
from .seeds import DossierSeed, PersonSeed, RelativeSeed


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _date(rng: random.Random, first: int, last: int) -> PartialDate:
    """A date with the precision old papers have: year only, month/year, or full."""
    year = rng.randint(first, last)
    shape = rng.random()
    if shape < 0.35:
        return PartialDate(year)
    month = rng.randint(1, 12)
    return PartialDate(year, month) if shape < 0.6 else PartialDate(year, month, rng.randint(1, 28))


class ProvinceGenerator:
    """Deterministic for a given seed; yields `DossierSeed`s until `people` persons are produced."""

    def __init__(self, *, people: int, seed: int = 1975, province_code: str = "QTI") -> None:
        self.people = people
        self.rng = random.Random(seed)
        self.province = province_code
        self.serials: dict[str, int] = {}
        self.made = 0
        self.communes = list(
            AdminUnit.objects.filter(level=AdminUnit.Level.COMMUNE, valid_to__isnull=False).select_related("parent")
        )

    def name(self, sex: str, family: str | None = None) -> str:
        rng = self.rng
        family = family or _weighted(rng, FAMILY_NAMES)
        middle = _weighted(rng, MALE_MIDDLE if sex == "nam" else FEMALE_MIDDLE)
        given = rng.choice(MALE_GIVEN if sex == "nam" else FEMALE_GIVEN)
        return f"{family} {middle} {given}"

    def place(self) -> tuple[str, AdminUnit | None]:
        rng = self.rng
        if not self.communes or rng.random() < 0.08:
            return rng.choice(OLD_PLACES), None
        unit = rng.choice(self.communes)
        village = f"thôn {rng.choice(['Đông', 'Tây', 'Nam', 'Bắc', 'Trung', 'An', 'Phú'])} {rng.randint(1, 9)}, "
        district = f", {unit.parent.name}" if unit.parent_id else ""
        text = f"{village if rng.random() < 0.5 else ''}{unit.name}{district}, tỉnh Quảng Trị"
        return text[0].upper() + text[1:], unit

    def person(self, sex: str, born: PartialDate, family: str | None = None, **values) -> PersonSeed:
        hometown, unit = self.place()
        values = {
            "sex": sex,
            "birth_date": born,
            "ethnicity": "Kinh" if self.rng.random() < 0.93 else self.rng.choice(["Vân Kiều", "Pa Kô", "Bru"]),
            "hometown_text": hometown,
            "hometown_unit": unit,
            **values,
        }
        if self.rng.random() < 0.7:
            values["residence_text"], values["residence_unit"] = (hometown, unit)
        return PersonSeed(full_name=self.name(sex, family), values=values)

    def number(self, code: str, period: str) -> str:
        self.serials[code] = self.serials.get(code, 0) + self.rng.randint(1, 3)
        return f"{self.province}/{code}-{self.serials[code]:05d}/{period}"

    def __iter__(self) -> Iterator[DossierSeed]:
        while self.made < self.people:
            seed = self.dossier(_weighted(self.rng, CATEGORY_WEIGHTS))
            self.made += 1 + len(seed.relatives)
            yield seed

    def dossier(self, code: str) -> DossierSeed:
        rng = self.rng
        sex = "nu" if code == "BM" or (code not in {"LS", "AQ", "BQ"} and rng.random() < 0.25) else "nam"
        born = _date(rng, 1890, 1915) if code == "BM" else _date(rng, 1915, 1958)
        subject = self.person(sex, born)
        # A paper dossier is "chưa số hóa" until pages are scanned for it (the demo digitises a few and moves them
        # along the workflow: capture.demo). The draw stays so that a seed still yields the same province.
        _weighted(rng, [("chua_so_hoa", 70), ("da_quet", 12), ("da_nhap", 8), ("da_kiem_tra", 6), ("da_luu_tru", 4)])
        values = {
            "status": "chua_so_hoa",
            "confidentiality": "mat" if rng.random() < 0.03 else "thuong",
            "physical_condition": _weighted(
                rng, [("tot", 20), ("binh_thuong", 55), ("hu_hong_nhe", 20), ("hu_hong_nang", 5)]
            ),
            "sheet_count": rng.randint(4, 60),
        }
        seed = DossierSeed(number="", category=code, subject=subject, values=values)
        period = "CM"
        if code == "LS":
            period = self._martyr(seed, born)
        elif code in {"AQ", "BQ", "CK", "BB", "HH"}:
            period = rng.choice(["CP", "CM", "CM", "CM", "BV"])
            kind = {"BB": "benh_tat", "HH": "chat_doc"}.get(code, "thuong_tat")
            for year in sorted(rng.sample(range(1976, 2020), rng.randint(1, 2))):
                seed.assessments.append(
                    {
                        "kind": kind,
                        "assessed_on": _date(rng, year, year),
                        "rate_percent": rng.randint(21, 95),
                        "record_number": f"{rng.randint(1, 999)}/GĐYK",
                    }
                )
        elif code in {"LT", "TKN"}:
            period = "TCM"
        if rng.random() < 0.2 and code in {"LS", "KC", "BT"}:
            subject.aliases.append(f"{rng.choice(ALIAS_PREFIX)} {subject.full_name.split()[-1]}")
        seed.number = self.number(code, period)
        self._decisions(seed, code)
        low, high = RELATIVES.get(code, (0, 1))
        for _ in range(rng.randint(low, high)):
            seed.relatives.append(self._relative(seed, born))
        return seed

    def _martyr(self, seed: DossierSeed, born: PartialDate) -> str:
        rng = self.rng
        died = _date(rng, max(born.year + 16, 1946), min(born.year + 45, 1989))
        seed.subject.values["death_date"] = died
        period = "CP" if died.year < 1954 else ("CM" if died.year <= 1975 else "BV")
        found = rng.random() < 0.7
        seed.martyr = {
            "enlisted_on": PartialDate(min(died.year, born.year + rng.randint(16, 25))),
            "place_of_sacrifice": rng.choice(PLACES),
            "unit": rng.choice(UNITS),
            "rank": rng.choice(RANKS),
            "position": rng.choice(POSITIONS),
            "circumstance": rng.choice(["Chiến đấu", "Làm nhiệm vụ", "Bị thương nặng"]),
            "certificate_number": f"{rng.randint(1, 99)}{rng.randint(100, 999)}",
            "certificate_date": _date(rng, died.year + 1, 1995),
            "grave_status": "da_tim_thay" if found else "chua_tim_thay",
            "cemetery": rng.choice(CEMETERIES) if found else "",
            "grave_plot": rng.choice("ABCDE") if found else "",
            "grave_row": str(rng.randint(1, 30)) if found else "",
            "grave_number": str(rng.randint(1, 60)) if found else "",
        }
        return period

    def _decisions(self, seed: DossierSeed, code: str) -> None:
        rng = self.rng
        year = rng.randint(1976, 2015)
        seed.decisions.append(
            {
                "kind": "cong_nhan",
                "number": f"{rng.randint(1, 9999)}/QĐ-UBND",
                "signed_on": _date(rng, year, year),
                "signer": "Chủ tịch UBND tỉnh",
            }
        )
        if code != "LS" and rng.random() < 0.8:
            seed.decisions.append(
                {
                    "kind": "hang_thang",
                    "number": f"{rng.randint(1, 9999)}/QĐ-SLĐTBXH",
                    "signed_on": PartialDate(2024, 7, 1),
                    "monthly_amount": rng.randrange(2_055_000, 8_500_000, 1000),
                    "starts_on": PartialDate(2024, 7),
                }
            )

    def _relative(self, seed: DossierSeed, born: PartialDate) -> RelativeSeed:
        rng = self.rng
        family = seed.subject.full_name.split()[0]
        relation = rng.choice(["cha", "me", "vo", "con", "con", "anh_chi_em"])
        if relation in {"cha", "me"}:
            person = self.person(
                "nam" if relation == "cha" else "nu",
                _date(rng, born.year - 40, born.year - 18),
                family if relation == "cha" else None,
            )
        elif relation == "vo":
            person = self.person("nu", _date(rng, born.year - 3, born.year + 5))
        else:
            person = self.person(
                rng.choice(["nam", "nu"]),
                _date(rng, born.year + 18, born.year + 35)
                if relation == "con"
                else _date(rng, born.year - 8, born.year + 8),
                family,
            )
        return RelativeSeed(
            person=person,
            relationship=relation,
            receives_benefit=rng.random() < 0.4,
            keeps_worship=seed.category == "LS" and relation in {"con", "anh_chi_em"} and rng.random() < 0.3,
        )
