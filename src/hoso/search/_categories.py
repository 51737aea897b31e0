"""A category named in a desk query ("liệt sĩ Nguyễn Văn Bảo", "thương binh loại B 1950", "mẹ VNAH", "LS …").

Category names are not indexed: their words are everyday name syllables (Bảo, Quốc, Hùng, Anh, Nghĩa, Lực, Dân …),
and "bao" matched every dossier of «… bảo vệ Tổ quốc …». A category is found only as a filter: the facet, or a
phrase of the query that names it — its full name, a short form people say at the desk, or its code as a word of its
own. Pure Python: the caller passes the categories (code → name) it read.
"""

from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache

from hoso.vntext import fold

from ._query import PLACE_ABBREVIATIONS, Query

# How people name a category at the desk, besides its full name (folded). Words that are also names (Tuất, Thân,
# Anh Hùng, Kháng Chiến alone) are left out: only phrases no one is called.
SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "LS": ("liet si",),
    "BM": ("ba me viet nam anh hung", "me viet nam anh hung", "ba me vnah", "me vnah", "bmvnah", "bm vnah"),
    "AH": ("anh hung llvt", "anh hung llvtnd", "anh hung luc luong vu trang"),
    "AHL": ("anh hung lao dong",),
    "AQ": ("thuong binh",),
    "BQ": ("thuong binh loai b",),
    "CK": ("nhu thuong binh", "huong chinh sach nhu thuong binh"),
    "BB": ("benh binh",),
    "HH": ("chat doc hoa hoc", "nhiem chat doc hoa hoc", "chat doc da cam", "nhiem chat doc da cam"),
    "BT": ("bi dich bat tu day", "bi bat tu day", "tu day"),
    "KC": ("hoat dong khang chien",),
    "CC": ("co cong giup do cach mang", "giup do cach mang"),
    "LT": ("lao thanh cach mang",),
    "TKN": ("tien khoi nghia", "can bo tien khoi nghia"),
    "TT": ("than nhan huong tuat",),
}
# Codes that are also place abbreviations ("TT Khe Sanh" is a thị trấn) are not read as a category.
NOT_CODES = PLACE_ABBREVIATIONS


def phrases(categories: Mapping[str, str]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """(folded words, code) of every way to name these categories, by first word, longest first."""
    return _phrases(tuple(sorted(categories.items())))


@lru_cache(maxsize=8)
def _phrases(categories: tuple[tuple[str, str], ...]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    out: dict[tuple[str, ...], str] = {}
    for code, name in categories:
        for text in (name, *SHORT_FORMS.get(code, ())):
            words = tuple(fold(text).split())
            if words:
                out.setdefault(words, code)
        folded = fold(code)
        if folded and folded not in NOT_CODES:
            out.setdefault((folded,), code)
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for words, code in sorted(out.items(), key=lambda item: -len(item[0])):
        by_first.setdefault(words[0], []).append((words, code))
    return by_first


def named_categories(query: Query, categories: Mapping[str, str]) -> tuple[Query, frozenset[str]]:
    """(the query without the words that name a category, the codes named). Words inside a quoted phrase are the
    user's own phrase, not a category. Several categories named: any of them."""
    if not query.terms or not categories:
        return query, frozenset()
    folded = [t.folded if t.phrase is None else "" for t in query.terms]
    known = phrases(categories)
    used: set[int] = set()
    codes: set[str] = set()
    i = 0
    while i < len(folded):
        for words, code in known.get(folded[i], ()):
            if tuple(folded[i:i + len(words)]) == words:
                used.update(range(i, i + len(words)))
                codes.add(code)
                i += len(words)
                break
        else:
            i += 1
    if not codes:
        return query, frozenset()
    return replace(query, terms=[t for k, t in enumerate(query.terms) if k not in used]), frozenset(codes)


def soften(query: Query, categories: Mapping[str, str]) -> Query:
    """The query with the words naming a category kept, but optional: for when nothing in that category matched
    (they still count where they are words of a person's name or place)."""
    narrowed, codes = named_categories(query, categories)
    if not codes:
        return query
    kept = {id(t) for t in narrowed.terms}
    return replace(query, terms=[t if id(t) in kept else replace(t, required=False) for t in query.terms])
