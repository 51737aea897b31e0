"""Awkward cells in real registers: formulas (with and without a computed value), dates typed as text."""

from openpyxl import Workbook

from hoso.imports.services.registers import import_register
from hoso.records.models import Dossier, Person


def test_a_formula_imports_its_computed_value_and_one_without_a_value_is_reported(tmp_path, actor):
    book = Workbook()
    sheet = book.active
    sheet.append(["Số hồ sơ", "Họ và tên", "Năm sinh"])
    sheet.append(["QTI/LS-00801/CM", "Nguyễn Văn Một", "=1900+50"])  # written by a program: no computed value
    sheet.append(["QTI/LS-00802/CM", "Nguyễn Văn Hai", "1951"])
    book.save(tmp_path / "cong-thuc.xlsx")
    report = import_register(actor=actor, path=tmp_path / "cong-thuc.xlsx")
    assert report.created == 1 and Person.objects.get().full_name == "Nguyễn Văn Hai"
    [issue] = report.errors
    assert (issue.row, issue.column, issue.value) == (2, "Năm sinh", "(công thức)")
    assert "công thức chưa có giá trị" in issue.message
    assert report.failed_rows[0][0] == 2 and report.failed_rows[0][1][2] == ""  # the row is kept in the report


def test_a_formula_saved_with_its_value_imports_the_value(tmp_path, actor):
    path = tmp_path / "co-gia-tri.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["Số hồ sơ", "Họ và tên", "Năm sinh"])
    sheet.append(["QTI/LS-00803/CM", "Nguyễn Văn Ba", "=1900+52"])
    book.save(path)
    _add_cached_value(path, "C2", "1952")  # what Excel does on saving
    report = import_register(actor=actor, path=path)
    assert report.errors == [] and Person.objects.get().birth_date.iso() == "1952"


def _add_cached_value(path, ref: str, value: str) -> None:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    start = sheet.index(f'<c r="{ref}"')
    end = sheet.index("</c>", start)
    cell = sheet[start:end].replace("<v></v>", "")  # openpyxl writes an empty value
    parts["xl/worksheets/sheet1.xml"] = (sheet[:start] + cell + f"<v>{value}</v>" + sheet[end:]).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_dates_typed_as_text_in_the_usual_ways(tmp_path, actor):
    book = Workbook()
    sheet = book.active
    sheet.append(["Số hồ sơ", "Họ và tên", "Ngày sinh", "Ngày hy sinh"])
    sheet.append(["QTI/LS-00811/CM", "Lê Văn A", "12/03/1948", "ngày 5 tháng 6 năm 1968"])
    sheet.append(["QTI/LS-00812/CM", "Lê Văn B", "12.3.1948", "tháng 6/1968"])
    sheet.append(["QTI/LS-00813/CM", "Lê Văn C", "khoảng 1948", "1968"])
    book.save(tmp_path / "ngay.xlsx")
    report = import_register(actor=actor, path=tmp_path / "ngay.xlsx")
    people = {d.number: d.subject for d in Dossier.objects.select_related("subject")}
    assert people["QTI/LS-00811/CM"].birth_date.iso() == "1948-03-12"
    assert people["QTI/LS-00811/CM"].death_date.iso() == "1968-06-05"
    assert people["QTI/LS-00812/CM"].death_date.iso() == "1968-06"
    assert report.created + len(report.failed_rows) == 3
    for issue in report.errors:  # what is not understood is said, with the value as typed
        assert issue.value == "khoảng 1948" and issue.column == "Ngày sinh"
