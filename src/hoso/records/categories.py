"""The groups of người có công (Pháp lệnh 02/2020/UBTVQH14, Điều 3) and relatives, as data.

Codes are the dossier type codes of the old Thông tư 05/2013 scheme where one exists. "AHL" for
heroes of labour and "TN" for relatives are hoso's own (no official code); the list is loaded
by a migration and can be extended in the database.

The stored names stay Vietnamese (exports and the audit log write them as stored); the interface shows them in the
user's language through `category_label`, the English coming from the catalogue (gettext_noop marks them for it).
"""

from django.utils.translation import gettext, gettext_noop

CATEGORIES: list[tuple[str, str, str]] = [
    ("LT", "a", gettext_noop("Người hoạt động cách mạng trước ngày 01/01/1945")),
    ("TKN", "b", gettext_noop("Người hoạt động cách mạng từ 01/01/1945 đến ngày khởi nghĩa tháng Tám năm 1945")),
    ("LS", "c", gettext_noop("Liệt sĩ")),
    ("BM", "d", gettext_noop("Bà mẹ Việt Nam anh hùng")),
    ("AH", "đ", gettext_noop("Anh hùng Lực lượng vũ trang nhân dân")),
    ("AHL", "e", gettext_noop("Anh hùng Lao động trong thời kỳ kháng chiến")),
    ("AQ", "g", gettext_noop("Thương binh")),
    ("BQ", "g", gettext_noop("Thương binh loại B")),
    ("CK", "g", gettext_noop("Người hưởng chính sách như thương binh")),
    ("BB", "h", gettext_noop("Bệnh binh")),
    ("HH", "i", gettext_noop("Người hoạt động kháng chiến bị nhiễm chất độc hóa học")),
    ("BT", "k", gettext_noop("Người hoạt động cách mạng, kháng chiến bị địch bắt tù, đày")),
    ("KC", "l", gettext_noop("Người hoạt động kháng chiến giải phóng dân tộc, bảo vệ Tổ quốc, làm nghĩa vụ quốc tế")),
    ("CC", "m", gettext_noop("Người có công giúp đỡ cách mạng")),
    ("TT", "", gettext_noop("Thân nhân hưởng tuất khi người có công từ trần")),
    ("TN", "", gettext_noop("Thân nhân người có công")),
]

# Categories whose dossiers carry wound or sickness assessments (tỷ lệ tổn thương cơ thể).
ASSESSED_CODES = frozenset({"AQ", "BQ", "CK", "BB", "HH"})


def category_label(name: str) -> str:
    """The name of a category as the user reads it: the stored (Vietnamese) name in the user's language; a category
    added later in the database, which the catalogue does not know, keeps its stored name."""
    return gettext(name) if name else name
