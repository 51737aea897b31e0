"""The groups of người có công (Pháp lệnh 02/2020/UBTVQH14, Điều 3) and relatives, as data.

Codes are the dossier type codes of the old Thông tư 05/2013 scheme where one exists. "AHL" for
heroes of labour and "TN" for relatives are hoso's own (no official code); the list is loaded
by a migration and can be extended in the database.
"""

CATEGORIES: list[tuple[str, str, str]] = [
    ("LT", "a", "Người hoạt động cách mạng trước ngày 01/01/1945"),
    ("TKN", "b", "Người hoạt động cách mạng từ 01/01/1945 đến ngày khởi nghĩa tháng Tám năm 1945"),
    ("LS", "c", "Liệt sĩ"),
    ("BM", "d", "Bà mẹ Việt Nam anh hùng"),
    ("AH", "đ", "Anh hùng Lực lượng vũ trang nhân dân"),
    ("AHL", "e", "Anh hùng Lao động trong thời kỳ kháng chiến"),
    ("AQ", "g", "Thương binh"),
    ("BQ", "g", "Thương binh loại B"),
    ("CK", "g", "Người hưởng chính sách như thương binh"),
    ("BB", "h", "Bệnh binh"),
    ("HH", "i", "Người hoạt động kháng chiến bị nhiễm chất độc hóa học"),
    ("BT", "k", "Người hoạt động cách mạng, kháng chiến bị địch bắt tù, đày"),
    ("KC", "l", "Người hoạt động kháng chiến giải phóng dân tộc, bảo vệ Tổ quốc, làm nghĩa vụ quốc tế"),
    ("CC", "m", "Người có công giúp đỡ cách mạng"),
    ("TT", "", "Thân nhân hưởng tuất khi người có công từ trần"),
    ("TN", "", "Thân nhân người có công"),
]

# Categories whose dossiers carry wound or sickness assessments (tỷ lệ tổn thương cơ thể).
ASSESSED_CODES = frozenset({"AQ", "BQ", "CK", "BB", "HH"})
