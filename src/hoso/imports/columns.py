"""Which register column holds what: Vietnamese header names and their common variants, as data."""

from django.utils.translation import gettext_noop

from hoso.vntext import fold

# Field → folded header spellings seen in registers. Matching is on the folded header, exact first, then
# "starts with" for long headers such as "Ngày tháng năm sinh (dd/mm/yyyy)".
HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("so ho so", "so hs", "ma ho so", "so ho so goc", "ky hieu ho so", "so hieu ho so"),
    "full_name": ("ho va ten", "ho ten", "ho va ten liet si", "ho ten liet si", "ho va ten doi tuong",
                  "ho ten doi tuong", "ten nguoi co cong", "ho va ten nguoi co cong"),
    "family_name": ("ho",),
    "given_name": ("ten",),
    "middle_name": ("ten dem", "chu dem", "dem"),
    "aliases": ("bi danh", "ten khac", "ten goi khac"),
    "birth_year": ("nam sinh",),
    "birth_date": ("ngay sinh", "ngay thang nam sinh", "sinh ngay"),
    "sex": ("gioi tinh", "nam nu", "gioi"),
    "ethnicity": ("dan toc",),
    "hometown": ("nguyen quan", "que quan", "que", "nguyen quan xa huyen tinh"),
    "residence": ("tru quan", "noi o hien nay", "dia chi", "noi cu tru", "cho o hien nay", "thuong tru"),
    "category": ("loai doi tuong", "doi tuong", "dien", "dien doi tuong", "loai", "loai ho so"),
    "death_date": ("ngay hy sinh", "ngay hi sinh", "nam hy sinh", "nam hi sinh", "hy sinh ngay", "ngay mat",
                   "ngay tu tran"),
    "place_of_sacrifice": ("noi hy sinh", "noi hi sinh"),
    "unit": ("don vi", "don vi khi hy sinh", "co quan don vi", "co quan don vi khi hy sinh"),
    "enlisted": ("nhap ngu", "ngay nhap ngu", "nam nhap ngu"),
    "rank": ("cap bac",),
    "position": ("chuc vu",),
    "rate": ("ty le thuong tat", "ty le ton thuong", "ty le", "ty le ton thuong co the", "ty le mat suc lao dong",
             "ty le suy giam kha nang lao dong", "ty le tt"),
    "decision_number": ("so quyet dinh", "so qd", "quyet dinh so"),
    "decision_date": ("ngay quyet dinh", "ngay qd", "ngay ky quyet dinh"),
    "certificate_number": ("so bang", "so bang to quoc ghi cong", "bang to quoc ghi cong"),
    "cemetery": ("nghia trang", "noi an tang", "mo an tang tai"),
    "national_id": ("so cccd", "cccd", "cmnd", "so cmnd", "so dinh danh", "so dinh danh ca nhan"),
    "notes": ("ghi chu",),
    "order": ("stt", "tt", "so tt", "so thu tu"),
}
# Vietnamese (written in reports and issues); marked for the catalogue: screens show gettext(label).
FIELD_LABELS = {
    "number": gettext_noop("Số hồ sơ"), "full_name": gettext_noop("Họ và tên"), "family_name": gettext_noop("Họ"),
    "given_name": gettext_noop("Tên"), "middle_name": gettext_noop("Chữ đệm"), "aliases": gettext_noop("Bí danh"),
    "birth_year": gettext_noop("Năm sinh"), "birth_date": gettext_noop("Ngày sinh"), "sex": gettext_noop("Giới tính"),
    "ethnicity": gettext_noop("Dân tộc"), "hometown": gettext_noop("Nguyên quán"),
    "residence": gettext_noop("Trú quán"), "category": gettext_noop("Loại đối tượng"),
    "death_date": gettext_noop("Ngày hy sinh / mất"), "place_of_sacrifice": gettext_noop("Nơi hy sinh"),
    "unit": gettext_noop("Đơn vị"), "enlisted": gettext_noop("Nhập ngũ"), "rank": gettext_noop("Cấp bậc"),
    "position": gettext_noop("Chức vụ"), "rate": gettext_noop("Tỷ lệ thương tật"),
    "decision_number": gettext_noop("Số quyết định"), "decision_date": gettext_noop("Ngày quyết định"),
    "certificate_number": gettext_noop("Số Bằng TQGC"), "cemetery": gettext_noop("Nghĩa trang"),
    "national_id": gettext_noop("Số định danh"), "notes": gettext_noop("Ghi chú"), "order": gettext_noop("STT"),
}
_EXACT = {spelling: field for field, spellings in HEADERS.items() for spelling in spellings}


def field_for_header(header: str) -> str | None:
    """The field a header names, or None. "Họ và tên" → full_name; "Ngày tháng năm sinh (dd/mm/yyyy)" → birth_date."""
    key = fold(header)
    if not key:
        return None
    if key in _EXACT:
        return _EXACT[key]
    best = None
    for spelling, field in _EXACT.items():
        if len(spelling) >= 6 and key.startswith(spelling) and (best is None or len(spelling) > len(best[0])):
            best = (spelling, field)
    return best[1] if best else None


def map_headers(headers: list[str], mapping: dict[str, str] | None = None) -> dict[int, str]:
    """Column index → field, from the header texts (and an explicit mapping {header text: field}, which wins)."""
    explicit = {fold(k): v for k, v in (mapping or {}).items()}
    out: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        field = explicit.get(fold(header)) or field_for_header(header)
        if field and field not in taken:
            out[index] = field
            taken.add(field)
    return out
