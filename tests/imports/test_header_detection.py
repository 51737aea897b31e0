"""The header row and the title are found on decoded text: whatever encoding a sheet was typed in, with or without
its legacy fonts, the same row is the header, with the same columns, and the title reads the same."""

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hoso.imports.cells import Cell
from hoso.imports.parse import find_layout
from hoso.vntext.legacy import Encoding

from .legacy_registers import LEGACY, PEOPLE, encode

HEADERS = ["STT", "Số hồ sơ", "Số HS", "Mã hồ sơ", "Bí danh", "Tên khác", "Năm sinh", "Ngày sinh",
           "Ngày tháng năm sinh", "Giới tính", "Dân tộc", "Nguyên quán", "Quê quán", "Trú quán", "Nơi ở hiện nay",
           "Loại đối tượng", "Diện đối tượng", "Ngày hy sinh", "Năm hy sinh", "Nơi hy sinh", "Đơn vị", "Nhập ngũ",
           "Cấp bậc", "Chức vụ", "Tỷ lệ thương tật", "Số quyết định", "Ngày quyết định", "Nghĩa trang", "Ghi chú",
           "Số CCCD", "Thôn, xóm"]
NAME_HEADERS = ["Họ và tên", "Họ tên", "Họ và tên liệt sĩ", "Họ tên đối tượng", "Tên người có công"]
TITLES = ["SỞ NỘI VỤ TỈNH QUẢNG TRỊ", "SỔ THEO DÕI HỒ SƠ NGƯỜI CÓ CÔNG", "Danh sách liệt sĩ xã Triệu Long",
          "UBND huyện Hải Lăng", "Phòng Người có công", "Cập nhật đến tháng 12 năm 2008"]
WORDS = sorted({value for row in PEOPLE for value in row if value} | {
    "Ngô Duy Lý", "Võ Công Hào", "Thái Quang Hùng", "Lê Minh Toàn", "Hoàng Thanh Hòa", "Mai Thanh Lý", "Hồ Trung Vui",
    "Liệt sĩ", "Thương binh", "Nữ", "Nam", "Kinh", "Vân Kiều", "Trung đoàn 48", "Hy sinh tại Thành cổ"})


@st.composite
def sheets(draw):
    """(rows of Unicode text, where the header is): a title block, blank rows, a header, data."""
    title = draw(st.lists(st.sampled_from(TITLES), max_size=3, unique=True))
    blanks = draw(st.integers(0, 2))
    others = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=7, unique=True))
    header = draw(st.permutations([draw(st.sampled_from(NAME_HEADERS)), *others]))
    data = draw(st.lists(st.lists(st.sampled_from(WORDS), min_size=len(header), max_size=len(header)), max_size=6))
    return [[line] for line in title] + [[] for _ in range(blanks)] + [header] + data


def _cells(rows, encoding: Encoding, with_fonts: bool):
    out = []
    for number, row in enumerate(rows, start=1):
        cells = []
        for value in row:
            text, font = encode(value, encoding)
            cells.append(Cell(text, font if with_fonts else None))
        out.append((number, cells))
    return out


def _seen(layout):
    return layout.header_row, layout.columns, layout.labels, layout.title


@settings(max_examples=150, deadline=None)
@given(rows=sheets(), encoding=st.sampled_from(LEGACY), with_fonts=st.booleans())
def test_the_header_found_does_not_depend_on_the_encoding_the_sheet_was_typed_in(rows, encoding, with_fonts):
    expected = find_layout(_cells(rows, Encoding.UNICODE, False))
    assume(expected is not None)  # a header of a name and an unknown column only is no header
    assert _seen(find_layout(_cells(rows, encoding, with_fonts))) == _seen(expected)
