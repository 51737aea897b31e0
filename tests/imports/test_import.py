"""Importing legacy registers generated the way old offices typed them: cells in TCVN3 (.VnTime, capitals in
.VnTimeH), VNI-Windows, VISCII, VIQR or decomposed Unicode, with the font set on each cell."""

import io
import json
import unicodedata
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from hoso.imports.services.registers import import_register
from hoso.records.models import Dossier, Person
from hoso.vntext.legacy import Encoding, from_unicode

HEADER = ["STT", "Số hồ sơ", "Họ và tên", "Bí danh", "Năm sinh", "Giới tính", "Nguyên quán", "Loại đối tượng",
          "Ngày hy sinh", "Đơn vị", "Tỷ lệ thương tật", "Ghi chú"]
PEOPLE = [
    ["1", "QTI/LS-00101/CM", "Nguyễn Văn Đức", "Ba Đức", "1950", "Nam", "xã Triệu Long, huyện Triệu Phong",
     "Liệt sĩ", "5/1972", "Trung đoàn 48", "", "Hoàng Thị Thuỷ giữ bằng"],
    ["2", "QTI/AQ-00102/CM", "Trần Thị Hồng Gấm", "", "12/03/1948", "Nữ", "Hải Lăng", "Thương binh", "", "",
     "61%", ""],
    ["3", "QTI/BM-00103", "Lê Thị Quý", "", "1901", "Nữ", "Gio Linh, Quảng Trị", "Bà mẹ VNAH", "", "", "", ""],
    ["4", "qti ls 104 cm", "Hoàng Đình Thục", "Tư Thục", "năm 1930", "nam", "Vĩnh Linh", "LS", "1968", "", "", ""],
]
FONTS = {Encoding.TCVN3: ".VnTime", Encoding.VNI: "VNI-Times", Encoding.VISCII: "VISCII", Encoding.VIQR: None,
         Encoding.NFD: "Times New Roman"}


def write_register(path, encoding, rows=PEOPLE, header=HEADER, title_rows=True):
    book = Workbook()
    sheet = book.active
    sheet.title = "So theo doi"
    if title_rows:  # real registers start with a title block above the header
        sheet.append(["SỞ NỘI VỤ TỈNH QUẢNG TRỊ"])
        sheet.append(["SỔ THEO DÕI HỒ SƠ NGƯỜI CÓ CÔNG"])
        sheet.append([])
    sheet.append(header)
    for row in rows:
        encoded = []
        for value in row:
            if encoding == Encoding.NFD:
                encoded.append(unicodedata.normalize("NFD", value))
            elif encoding == Encoding.UNICODE:
                encoded.append(value)
            else:
                encoded.append(from_unicode(value, encoding))
        sheet.append(encoded)
        if encoding in FONTS and FONTS[encoding]:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(name=FONTS[encoding])
    book.save(path)
    return path


@pytest.mark.parametrize("encoding", [Encoding.TCVN3, Encoding.VNI, Encoding.VISCII, Encoding.VIQR, Encoding.NFD,
                                      Encoding.UNICODE])
def test_every_name_comes_back_exactly(tmp_path, actor, encoding):
    path = write_register(tmp_path / f"so-{encoding.name}.xlsx", encoding)
    report = import_register(actor=actor, path=path)
    assert report.errors == [], report.errors
    assert report.created == 4
    names = set(Person.objects.filter(dossiers__isnull=False).values_list("full_name", flat=True))
    assert names == {"Nguyễn Văn Đức", "Trần Thị Hồng Gấm", "Lê Thị Quý", "Hoàng Đình Thục"}
    duc = Dossier.objects.get(number="QTI/LS-00101/CM")
    assert list(duc.subject.aliases.values_list("name", flat=True)) == ["Ba Đức"]
    assert duc.subject.notes == "Hoàng Thị Thuỷ giữ bằng"
    assert duc.subject.death_date.iso() == "1972-05"
    assert duc.martyr.unit == "Trung đoàn 48"
    assert Dossier.objects.get(number="QTI/AQ-00102/CM").assessments.get().rate_percent == 61
    assert Dossier.objects.get(number="QTI/BM-00103").category.code == "BM"
    assert Dossier.objects.get(number="QTI/LS-00104/CM").subject.birth_date.iso() == "1930"
    if encoding not in (Encoding.UNICODE,):
        assert report.encodings.get(encoding.name, 0) > 0


def test_tcvn3_capitals_in_vntimeh(tmp_path, actor):
    book = Workbook()
    sheet = book.active
    sheet.append(["Số hồ sơ", "Họ và tên", "Năm sinh"])
    sheet.append(["QTI/LS-00201/CM", from_unicode("NGUYỄN VĂN ĐỨC", Encoding.TCVN3, capitals=True), "1950"])
    sheet["B2"].font = Font(name=".VnTimeH")
    book.save(tmp_path / "hoa.xlsx")
    import_register(actor=actor, path=tmp_path / "hoa.xlsx")
    assert Person.objects.get().full_name == "NGUYỄN VĂN ĐỨC"


def test_reimport_changes_nothing_and_a_changed_row_is_updated(tmp_path, actor):
    path = write_register(tmp_path / "so.xlsx", Encoding.TCVN3)
    import_register(actor=actor, path=path)
    again = import_register(actor=actor, path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    changed = [row[:] for row in PEOPLE]
    changed[1][4] = "1949"
    path = write_register(tmp_path / "so2.xlsx", Encoding.TCVN3, rows=changed)
    third = import_register(actor=actor, path=path)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 3)
    assert Dossier.objects.get(number="QTI/AQ-00102/CM").subject.birth_date.iso() == "1949"


def test_bad_rows_are_reported_with_their_reason_and_nothing_is_lost(tmp_path, actor):
    rows = [*PEOPLE,
            ["5", "ABC", "Phạm Văn Sai", "", "1950", "", "", "Liệt sĩ", "", "", "", ""],
            ["6", "QTI/LS-00106/CM", "Võ Thị Ngày", "", "31/02/1950", "", "", "Liệt sĩ", "", "", "", ""],
            ["7", "QTI/LS-00107/CM", "", "", "1950", "", "", "Liệt sĩ", "", "", "", ""],
            ["8", "QTI/LS-00101/CM", "Trùng Số", "", "1950", "", "", "Liệt sĩ", "", "", "", ""],
            ["9", "QTI/AQ-00109/CM", "Bùi Tỷ Lệ", "", "1950", "", "", "Thương binh", "", "", "250", ""],
            ["10", "QTI/LS-00110/CM", "Năm Dài", "", "1" * 40, "", "", "Liệt sĩ", "", "", "", ""],
            ["11", "QTI/XX-00111/CM", "Lạ Loại", "", "1950", "", "", "Loại gì đó", "", "", "", ""]]
    path = write_register(tmp_path / "so.xlsx", Encoding.UNICODE, rows=rows)
    out = tmp_path / "bao-cao.xlsx"
    call_command("import_register", str(path), report=str(out), stdout=io.StringIO(), stderr=io.StringIO())
    assert Dossier.objects.count() == 4
    book = load_workbook(out)
    failed = list(book["Dòng không nhập"].values)
    assert failed[0][:3] == ("STT", "Số hồ sơ", "Họ và tên") and failed[0][-1] == "Lý do không nhập"
    reasons = {row[0]: row[-1] for row in failed[1:]}
    assert set(reasons) == {"5", "6", "7", "8", "9", "10", "11"}
    assert "Số hồ sơ không hợp lệ" in reasons["5"]
    assert "31/02/1950" in reasons["6"]
    assert "Thiếu họ và tên" in reasons["7"]
    assert "Trùng số hồ sơ với dòng" in reasons["8"]
    assert "0 đến 100" in reasons["9"]
    assert "4 chữ số" in reasons["10"]  # a 40-character year
    assert "loại đối tượng" in reasons["11"]


def test_json_output_and_dry_run(tmp_path, actor):
    path = write_register(tmp_path / "so.xlsx", Encoding.VNI)
    out = io.StringIO()
    call_command("import_register", str(path), dry_run=True, json=True, stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) >= {"created", "updated", "unchanged", "errors", "warnings", "encodings"}
    assert data["created"] == 4 and data["encodings"]["VNI"] > 0
    assert Dossier.objects.count() == 0  # a dry run saves nothing


@pytest.mark.parametrize(("content", "message"), [
    (b"", "rỗng"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 600, "mật khẩu"),
    ("docx", "văn bản Word so.xlsx: tệp bị hỏng"),
    (b"mot,hai\nba,bon\n", "tiêu đề"),
])
def test_files_that_are_not_registers_get_one_clear_message(tmp_path, actor, content, message):
    path = tmp_path / "so.xlsx"
    if content == "docx":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
    else:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_register", str(path), stdout=io.StringIO())


def test_merged_two_row_header_and_csv(tmp_path, actor):
    book = Workbook()
    sheet = book.active
    sheet.append(["Số hồ sơ", "Họ và tên", "Thông tin", None])
    sheet.append([None, None, "Năm sinh", "Nguyên quán"])
    sheet.merge_cells("C1:D1")
    sheet.append(["QTI/LS-00301/CM", "Đặng Thùy Trâm", "1942", "Huế"])
    book.save(tmp_path / "gop.xlsx")
    report = import_register(actor=actor, path=tmp_path / "gop.xlsx")
    assert report.created == 1 and Person.objects.get().birth_date.iso() == "1942"
    csv_path = tmp_path / "so.csv"
    csv_path.write_text("Số hồ sơ;Họ và tên;Năm sinh\nQTI/LS-00302/CM;Phạm Ngọc Thạch;1909\n", encoding="utf-8-sig")
    assert import_register(actor=actor, path=csv_path).created == 1
