"""The pure parser of the statistics office's administrative-unit CSV files (no database)."""

import csv
import datetime
import unicodedata
from pathlib import Path

import pytest

from hoso.gazetteer.importers import (
    Layout,
    UnitFileError,
    decode_bytes,
    detect_layout,
    parse_unit_text,
    read_unit_file,
    split_code,
    split_kind,
)

FIXTURES = Path(__file__).parents[2] / "src" / "hoso" / "gazetteer" / "fixtures"
OFFICIAL = Path(__file__).parents[3] / "shared" / "data"
COMMUNES_HEADER = "Tỉnh Thành Phố,Mã TP,Quận Huyện,Mã QH,Phường Xã,Mã PX,Cấp,Tên Tiếng Anh"
MAPPING_HEADER = ("Đơn vị hành chính từ ngày 01/7/2025,,,Đơn vị hành chính trước ngày 01/7/2025,,,,,\n"
                  '"Tỉnh, thành phố",Tên Xã mới,Mã Xã mới,Tên Xã cũ,Mã Xã cũ,Ghi chú,Quận/huyện,Tỉnh cũ,')
COMMUNES_TEXT = (COMMUNES_HEADER
                 + "\nTỉnh Quảng Trị,45,Thành Phố Đông Hà,461,Phường Đông Lương,19459,Phường,\n"
                 + "Tỉnh Quảng Trị,45,Huyện Cồn Cỏ,471,,,Huyện,\n")
TONES = "\u0300\u0301\u0303\u0309\u0323"


def _official(pattern: str) -> Path:
    if not OFFICIAL.is_dir():
        pytest.skip(f"official files not found beside the repository ({OFFICIAL})")
    return next(OFFICIAL.glob(pattern))


def _cp1258(text: str) -> bytes:
    """Encode like Windows-1258 does: base letters (with breve/circumflex/horn) plus a combining tone."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in TONES))
            out += base.encode("cp1258") + "".join(p for p in parts if p in TONES).encode("cp1258")
    return out


@pytest.mark.parametrize(("text", "expected"), [
    ("Tỉnh Quảng Trị (44)", ("Tỉnh Quảng Trị", "44")),
    ("Thành phố Đồng Hới (450)", ("Thành phố Đồng Hới", "450")),
    (" Huyện  Cồn Cỏ ( 471 ) ", ("Huyện Cồn Cỏ", "471")),
    ("Phường 1", ("Phường 1", "")),
])
def test_split_code(text, expected):
    assert split_code(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Thành Phố Đồng Hới", ("Thành phố Đồng Hới", "Thành phố")),
    ("Thị Xã Ba Đồn", ("Thị xã Ba Đồn", "Thị xã")),
    ("Thị trấn Hồ Xá", ("Thị trấn Hồ Xá", "Thị trấn")),
    ("Đặc khu Cồn Cỏ", ("Đặc khu Cồn Cỏ", "Đặc khu")),
    ("tỉnh Quảng Trị", ("Tỉnh Quảng Trị", "Tỉnh")),
    ("Quận Ba Đình", ("Quận Ba Đình", "Quận")),
    ("Phường 1", ("Phường 1", "Phường")),
    ("Xã Xy", ("Xã Xy", "Xã")),
    ("Quảng Trị", ("Quảng Trị", "")),
    ("Xãi Lãi", ("Xãi Lãi", "")),
])
def test_split_kind_normalises_capitalisation(text, expected):
    assert split_kind(text) == expected


def test_fixtures_are_detected_and_parsed():
    communes = read_unit_file(FIXTURES / "communes-demo.csv")
    mapping = read_unit_file(FIXTURES / "mapping-demo.csv")
    assert communes.layout is Layout.COMMUNES and mapping.layout is Layout.MAPPING
    assert mapping.effective == datetime.date(2025, 7, 1)
    districts = {row.district.name for row in communes.rows}
    assert districts >= {"Thành phố Đông Hà", "Thị xã Quảng Trị", "Huyện Cồn Cỏ"}
    assert len({row.district.code for row in communes.rows}) == 10
    assert all(row.province.code == "45" for row in communes.rows)
    split = [row for row in mapping.rows if row.old_commune and row.old_commune.name == "Xã Triệu Độ"]
    assert len(split) == 2 and all(row.partial for row in split)
    con_co = [row for row in mapping.rows if row.old_commune is None]
    assert [(r.old_district.name, r.new_commune.kind) for r in con_co] == [("Huyện Cồn Cỏ", "Đặc khu")]


def test_detect_layout_by_header():
    assert detect_layout([COMMUNES_HEADER.split(",")]) is Layout.COMMUNES
    assert detect_layout(list(csv.reader(MAPPING_HEADER.splitlines()))) is Layout.MAPPING


def test_communes_row_fields():
    parsed = parse_unit_text(COMMUNES_TEXT)
    first, con_co = parsed.rows
    assert first.district.name == "Thành phố Đông Hà" and first.district.kind == "Thành phố"
    assert (first.commune.name, first.commune.code, first.commune.kind) == (
        "Phường Đông Lương", "19459", "Phường")
    assert con_co.commune is None and con_co.district.kind == "Huyện" and con_co.line == 3


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode("utf-8"),
    lambda t: unicodedata.normalize("NFD", t).encode("utf-8"),
    lambda t: t.encode("utf-16"),
    lambda t: t.encode("utf-16-le"),
    _cp1258,
], ids=["utf8", "bom-crlf", "nfd", "utf16", "utf16le-no-bom", "cp1258"])
def test_encodings_give_the_same_rows(encode):
    expected = parse_unit_text(COMMUNES_TEXT).rows
    assert parse_unit_text(decode_bytes(encode(COMMUNES_TEXT))).rows == expected


def test_leading_zeros_restored_and_blank_lines_skipped():
    text = COMMUNES_HEADER + "\n\nThành phố Hà Nội,1,Quận Ba Đình,1,Phường Phúc Xá,1.0,Phường,\n,,,,,,,\n"
    (row,) = parse_unit_text(text).rows
    assert (row.province.code, row.district.code, row.commune.code) == ("01", "001", "00001")
    assert row.line == 3


def test_conflicting_province_code_is_reconciled_with_a_warning():
    row = "Tỉnh Quảng Trị (44),Xã Mới {n},{n},Xã Cũ {n},{n},Nhập toàn bộ,Huyện Một (001),{old},"
    text = "\n".join([MAPPING_HEADER, *(row.format(n=n, old="Tỉnh Quảng Bình (44)") for n in (1, 2)),
                      row.format(n=3, old="Tỉnh Quảng Trị (45)"), row.format(n=4, old="Quảng Trị (44)")])
    parsed = parse_unit_text(text)
    assert [r.old_province.code for r in parsed.rows] == ["44", "44", "45", "45"]
    assert parsed.rows[3].old_province.name == "Tỉnh Quảng Trị"
    assert len(parsed.warnings) == 1 and parsed.warnings[0].startswith("Dòng 6:")


def _error(text: str, **kwargs) -> str:
    with pytest.raises(UnitFileError) as info:
        parse_unit_text(text, source="x.csv", **kwargs)
    return str(info.value)


def test_empty_file_gives_vietnamese_error(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(UnitFileError, match="tệp rỗng"):
        read_unit_file(tmp_path / "empty.csv")
    assert "tệp rỗng" in _error("\n,,,\n")


def test_garbage_gives_vietnamese_error(tmp_path):
    assert "không nhận ra bố cục tệp" in _error("họ tên,năm sinh\nNguyễn Văn A,1950\n")
    (tmp_path / "garbage.csv").write_bytes(b"\x81\x8d\x8f\x90\x9d" * 50)
    with pytest.raises(UnitFileError, match="không đọc được tệp") as info:
        read_unit_file(tmp_path / "garbage.csv")
    assert "garbage.csv" in str(info.value)
    with pytest.raises(UnitFileError, match="không mở được tệp"):
        read_unit_file(tmp_path / "missing.csv")


def test_missing_columns_and_bad_rows_name_the_line():
    message = _error(COMMUNES_HEADER.replace("Mã PX,", "") + "\n")
    assert "dòng 1" in message and "«Mã PX»" in message
    assert "dòng 2" in _error(MAPPING_HEADER.replace("Ghi chú,", ""))
    assert "chỉ có tiêu đề" in _error(COMMUNES_HEADER + "\n")
    assert "dòng 2: mã xã «19A59»" in _error(COMMUNES_TEXT.replace("19459", "19A59"))
    bad_mapping = MAPPING_HEADER + "\nTỉnh Quảng Trị,Xã A,1,Xã B,2,Nhập toàn bộ,Huyện C (3),Tỉnh D (4),"
    assert "dòng 3: thiếu mã tỉnh/thành phố mới" in _error(bad_mapping)
    assert "bố cục" in _error(COMMUNES_TEXT, layout="excel")
    assert "thiếu cột" in _error(COMMUNES_TEXT, layout="mapping")


def test_official_communes_file_parses():
    path = _official("gso-communes-*.csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        body = [r for r in list(csv.reader(f))[1:] if any(r)]
    parsed = read_unit_file(path)
    assert parsed.layout is Layout.COMMUNES and len(parsed.rows) == len(body)
    assert sum(r.commune is not None for r in parsed.rows) == sum(bool(r[5]) for r in body)
    assert {r.district.kind for r in parsed.rows} <= {"Thành phố", "Thị xã", "Huyện", "Quận"}


def test_official_mapping_file_parses():
    path = _official("gso-commune-mapping-*.csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        body = [r for r in list(csv.reader(f))[2:] if any(r)]
    parsed = read_unit_file(path)
    assert parsed.layout is Layout.MAPPING and len(parsed.rows) == len(body)
    assert {r.new_commune.code for r in parsed.rows} == {r[2] for r in body}
    names_by_code: dict[str, set[str]] = {}
    for row in parsed.rows:
        names_by_code.setdefault(row.old_province.code, set()).add(row.old_province.name)
        assert row.old_province.kind and row.new_province.kind == "Tỉnh"
    assert all(len(names) == 1 for names in names_by_code.values())
