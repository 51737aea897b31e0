"""Type codes and categories: a number whose type code is not in the catalogue (the row imported by its category),
and a category that contradicts the number's code (imported by the code, which the dossier must agree with), are
warnings in the report; with nothing to go by, an error that lists the codes there are."""

from openpyxl import Workbook, load_workbook

from hoso.imports.report import write_report
from hoso.imports.services.registers import import_register
from hoso.records.models import Dossier

CODES = "AH, AHL, AQ, BB, BM, BQ, BT, CC, CK, HH, KC, LS, LT, TKN, TN, TT"


def _register(path, rows, header=("Số hồ sơ", "Họ và tên", "Loại đối tượng")):
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path


def test_unknown_codes_and_contradicting_categories_are_warned_about(tmp_path, actor):
    path = _register(tmp_path / "so.xlsx", [
        ("QTI/TB-08004/CM", "Nguyễn Văn Mã Lạ", "Thương binh"),
        ("QTI/AQ-08005/CM", "Trần Văn Trái Mã", "Liệt sĩ"),
        ("QTI/BQ-08006/CM", "Lê Văn Cùng Nhóm", "Thương binh"),  # loại B is a thương binh: no contradiction
        ("QTI/LS-08007/CM", "Phạm Văn Đúng", "Liệt sĩ"),
    ])
    report = import_register(actor=actor, path=path)
    assert report.errors == [] and report.created == 4
    categories = dict(Dossier.objects.values_list("number", "category__code"))
    assert categories == {"QTI/TB-08004/CM": "AQ", "QTI/AQ-08005/CM": "AQ", "QTI/BQ-08006/CM": "BQ",
                          "QTI/LS-08007/CM": "LS"}
    unknown, contradiction = report.warnings
    assert (unknown.row, unknown.column, unknown.value) == (2, "Số hồ sơ", "QTI/TB-08004/CM")
    assert unknown.message == (f"Mã loại «TB» trong số hồ sơ không có trong danh mục (các mã có: {CODES}); "
                               "đã nhập theo loại đối tượng «Thương binh» (AQ).")
    assert (contradiction.row, contradiction.column, contradiction.value) == (3, "Loại đối tượng", "Liệt sĩ")
    assert contradiction.message == ("Loại đối tượng «Liệt sĩ» (LS) trái với mã loại AQ trong số hồ sơ "
                                     "QTI/AQ-08005/CM: đã nhập theo mã trong số hồ sơ (AQ), hãy kiểm tra lại.")
    write_report(report, tmp_path / "bao-cao.xlsx")
    warned = list(load_workbook(tmp_path / "bao-cao.xlsx")["Cảnh báo"].values)
    assert [row[0] for row in warned[1:]] == [2, 3] and "trái với mã loại AQ" in warned[2][3]


def test_an_unknown_code_with_no_category_to_go_by_is_an_error_listing_the_codes(tmp_path, actor):
    path = _register(tmp_path / "so.xlsx", [("QTI/TB-08004/CM", "Nguyễn Văn Mã Lạ")], header=("Số hồ sơ", "Họ và tên"))
    report = import_register(actor=actor, path=path)
    [error] = report.errors
    assert report.created == 0 and error.value == "TB"
    assert error.message == ("Không xác định được loại đối tượng: mã loại «TB» trong số hồ sơ không có trong danh mục. "
                             "Ghi loại đối tượng (ví dụ: Liệt sĩ, Thương binh, Bà mẹ VNAH) hoặc dùng một mã có trong "
                             f"danh mục: {CODES}.")
