"""Desk-style queries generated from the records, with the dossier each should find: for measuring search
quality (tests) and speed (bench). Queries are made the way people at the desk ask: no accents, a typo,
the name in another order, an alias, the village's old or new name, "khoảng" a year, a dossier number.
"""

import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from hoso.gazetteer.models import AdminUnit
from hoso.gazetteer.services import successors
from hoso.records.models import Dossier
from hoso.vntext import fold, parse_dossier_number

KINDS = ("accent_free", "accented", "typo", "swapped", "alias", "old_place", "new_place", "approx_year",
         "number", "i_y", "tone_style")
# Kinds the desk asked for later (#17): a relative's name and birth year; the family and middle names as initials
# ("ng v bao 1950"). Kept out of KINDS so the bench's mix stays comparable from one run to the next.
LATER_KINDS = ("relative", "initials")


@dataclass(frozen=True)
class DeskQuery:
    text: str
    expected: str  # dossier number
    kind: str


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    match rng.choice(("swap", "drop", "replace", "double")):
        case "swap":
            return word[:i] + word[i + 1] + word[i] + word[i + 2:]
        case "drop":
            return word[:i] + word[i + 1:]
        case "replace":
            return word[:i] + rng.choice("aeioudnhtg") + word[i + 1:]
        case _:
            return word[:i] + word[i] + word[i:]


def _old_style(text: str) -> str:
    """Write oa/oe/uy tone marks the other way (hòa → hoà), as older registers do."""
    out = []
    for word in text.split():
        nfd = unicodedata.normalize("NFD", word)
        for pair in ("oa", "oe", "uy", "Oa", "Uy"):
            i = nfd.find(pair[0])
            if i >= 0 and nfd[i + 1:i + 2] in "\u0300\u0301\u0303\u0309\u0323" and nfd[i + 2:i + 3] == pair[1]:
                nfd = nfd[:i + 1] + nfd[i + 2] + nfd[i + 1] + nfd[i + 3:]
                break
        out.append(unicodedata.normalize("NFC", nfd))
    return " ".join(out)


def _year_part(dossier: Dossier, rng: random.Random, approx: bool = False) -> str:
    birth = dossier.subject.birth_date
    if birth is None:
        return ""
    if approx:
        return f"sinh khoảng {birth.year + rng.randint(-2, 2)}"
    return rng.choice((f"{birth.year}", f"sinh {birth.year}", f"sinh nam {birth.year}"))


def _place_word(unit: AdminUnit | None) -> str:
    if unit is None:
        return ""
    words = unit.name.split()
    return " ".join(words[1:]) if words and words[0] in {"Xã", "Phường", "Thị", "Đặc"} else unit.name


def desk_queries(*, count: int, seed: int = 2025, kinds: tuple[str, ...] = KINDS) -> Iterator[DeskQuery]:
    """`count` queries over randomly chosen dossiers, kinds in turn (a kind that does not apply is skipped)."""
    rng = random.Random(seed)
    ids = list(Dossier.objects.values_list("id", flat=True))
    made = 0
    attempts = 0
    while made < count and attempts < count * 20 and ids:
        attempts += 1
        dossier = (Dossier.objects.select_related("subject", "subject__hometown_unit", "category")
                   .prefetch_related("subject__aliases", "relative_links__person").get(id=rng.choice(ids)))
        kind = kinds[made % len(kinds)]
        text = _make(kind, dossier, rng)
        if text:
            made += 1
            yield DeskQuery(text=" ".join(text.split()), expected=dossier.number, kind=kind)


def _make(kind: str, d: Dossier, rng: random.Random) -> str | None:
    name = d.subject.full_name
    plain = fold(name)
    year = _year_part(d, rng)
    unit = d.subject.hometown_unit
    match kind:
        case "accent_free":
            return f"{plain} {year}"
        case "accented":
            return f"{name} {year}"
        case "typo":
            words = plain.split()
            i = max(range(len(words)), key=lambda k: len(words[k]))
            words[i] = _typo(words[i], rng)
            return f"{' '.join(words)} {year}"
        case "swapped":
            words = plain.split()
            return f"{' '.join(words[-1:] + words[:-1])} {year}"
        case "alias":
            aliases = [a.name for a in d.subject.aliases.all()]
            return f"{fold(aliases[0])} {_year_part(d, rng)}" if aliases else None
        case "old_place":
            if unit is None or unit.valid_to is None:
                return None
            return f"{plain} que {fold(_place_word(unit))}"
        case "new_place":
            if unit is None:
                return None
            current = [u for u in successors(unit) if u.level == AdminUnit.Level.COMMUNE]
            return f"ong {plain} {fold(_place_word(current[0]))}" if current else None
        case "approx_year":
            return f"{plain} {_year_part(d, rng, approx=True)}" if d.subject.birth_date else None
        case "number":
            parsed = parse_dossier_number(d.number)
            serial = str(int(parsed.serial))
            return rng.choice((d.number, f"{parsed.type_code}-{parsed.serial}", f"{parsed.province.lower()} "
                               f"{parsed.type_code.lower()} {serial}", f"{parsed.type_code.lower()}{serial}"))
        case "i_y":
            words = plain.split()
            swapped = [w[:-1] + ("i" if w[-1] == "y" else "y") if w[-1:] in "iy" and len(w) > 1 and
                       (w[-2] not in "aeiouy" or w.endswith("qui") or w.endswith("quy")) else w for w in words]
            return f"{' '.join(swapped)} {year}" if swapped != words else None
        case "tone_style":
            old = _old_style(name)
            return f"{old} {year}" if old != name else None
        case "relative":
            relatives = [link.person for link in d.relative_links.all() if link.person.birth_date]
            if not relatives:
                return None
            relative = rng.choice(relatives)
            return f"{fold(relative.full_name)} {relative.birth_date.year}"
        case "initials":
            words = plain.split()
            if len(words) < 3 or not d.subject.birth_date:
                return None
            return " ".join([*(_initial(w, rng) for w in words[:-1]), words[-1], str(d.subject.birth_date.year)])
    return None


def _initial(word: str, rng: random.Random) -> str:
    """How a name word is cut to an initial: its first letter, or its first consonants ("ng", "th", "tr")."""
    consonants = len(word) - len(word.lstrip("bcdghklmnpqrstvx"))
    return word[:rng.choice((1, max(1, consonants)))]
