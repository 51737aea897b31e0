"""Registers kept as Word tables: the table that looks like a register is found (not the letterhead), merged cells
read as they show, a name typed in two fonts reads as one; .doc/.odt/.ods go through LibreOffice, or get a message
saying how to convert them by hand."""

import io
import sys
import zipfile

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hoso.imports import office
from hoso.imports.services.registers import import_register
from hoso.records.models import Dossier, Person
from hoso.vntext.legacy import Encoding, from_unicode

from .legacy_registers import HEADER, PEOPLE, write_docx


def test_a_commune_written_once_for_several_people_applies_to_each(tmp_path, actor):
    rows = [row[:] for row in PEOPLE[:4]]
    path = write_docx(tmp_path / "so.docx", Encoding.TCVN3, rows=rows, merge_down=(6, 1, 3))
    report = import_register(actor=actor, path=path)
    assert report.errors == [] and report.created == 4
    places = dict(Dossier.objects.values_list("number", "subject__hometown_text"))
    assert places == {"QTI/LS-00101/CM": PEOPLE[0][6], "QTI/AQ-00102/CM": PEOPLE[1][6],
                      "QTI/BM-00103": PEOPLE[1][6], "QTI/LS-00104/CM": PEOPLE[1][6]}


def test_a_title_row_spanning_the_table_and_a_name_typed_in_two_fonts(tmp_path, actor):
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    title = table.cell(0, 0).merge(table.cell(0, 2))
    title.paragraphs[0].add_run(from_unicode("DANH SÁCH LIỆT SĨ", Encoding.TCVN3, capitals=True)).font.name = ".VnTimeH"
    for c, text in enumerate(["Số hồ sơ", "Họ và tên", "Năm sinh"]):
        table.cell(1, c).paragraphs[0].add_run(from_unicode(text, Encoding.TCVN3)).font.name = ".VnTime"
    for c, text in ((0, "QTI/LS-00201/CM"), (2, "1950")):
        table.cell(2, c).paragraphs[0].add_run(text).font.name = ".VnTime"
    name = table.cell(2, 1).paragraphs[0]  # TCVN3's normal font has no "Á": typists switched to .VnTimeH for it
    for text, font in ((from_unicode("Lê Thị ", Encoding.TCVN3), ".VnTime"),
                       (from_unicode("Á", Encoding.TCVN3, capitals=True), ".VnTimeH"), ("nh", ".VnTime")):
        name.add_run(text).font.name = font
    document.save(tmp_path / "ls.docx")
    report = import_register(actor=actor, path=tmp_path / "ls.docx")
    assert report.errors == [] and report.title == ["DANH SÁCH LIỆT SĨ"]
    assert Person.objects.get().full_name == "Lê Thị Ánh"
    assert report.encodings["TCVN3"] == 3


def test_another_table_can_be_named_and_a_document_without_a_register_says_so(tmp_path, actor):
    path = write_docx(tmp_path / "so.docx", Encoding.VNI)
    out = io.StringIO()
    call_command("import_register", str(path), sheet="Bảng 2", dry_run=True, json=True, stdout=out)
    assert '"created": 8' in out.getvalue() and '"sheet": "Bảng 2"' in out.getvalue()
    with pytest.raises(CommandError, match="Không tìm thấy dòng tiêu đề trong bảng «Bảng 1»"):
        call_command("import_register", str(path), sheet="Bảng 1", stdout=io.StringIO())

    letter = docx.Document()
    letter.add_paragraph("Kính gửi: Sở Nội vụ")
    letter.save(tmp_path / "cong-van.docx")
    with pytest.raises(CommandError, match="không có bảng nào: sổ theo dõi trong Word phải là một bảng"):
        call_command("import_register", str(tmp_path / "cong-van.docx"), stdout=io.StringIO())
    letter.add_table(rows=2, cols=2).cell(0, 0).text = "Nơi nhận"
    letter.save(tmp_path / "cong-van.docx")
    with pytest.raises(CommandError, match="Không tìm thấy dòng tiêu đề trong bảng nào của văn bản cong-van.docx"):
        call_command("import_register", str(tmp_path / "cong-van.docx"), stdout=io.StringIO())


def _old_formats(tmp_path) -> dict[str, bytes]:
    """What .doc, .odt and .ods files start with (enough for the import to know them)."""
    doc = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 600
    files = {"so.doc": doc}
    for name, mimetype in (("so.odt", "application/vnd.oasis.opendocument.text"),
                           ("so.ods", "application/vnd.oasis.opendocument.spreadsheet")):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("mimetype", mimetype)
            archive.writestr("content.xml", "<office:document-content/>")
        files[name] = out.getvalue()
    return files


@pytest.mark.parametrize(("name", "save_as"), [("so.doc", "Word Document (*.docx)"),
                                               ("so.odt", "Word Document (*.docx)"),
                                               ("so.ods", "Excel Workbook (*.xlsx)")])
def test_without_libreoffice_old_formats_get_a_message_saying_how_to_convert(tmp_path, actor, monkeypatch, name,
                                                                               save_as):
    monkeypatch.setattr(office, "soffice", lambda: None)
    path = tmp_path / name
    path.write_bytes(_old_formats(tmp_path)[name])
    with pytest.raises(CommandError) as raised:
        call_command("import_register", str(path), stdout=io.StringIO())
    message = str(raised.value)
    assert "Máy chủ chưa cài LibreOffice nên không tự chuyển được" in message
    assert f"chọn «Lưu thành» (Save As), kiểu «{save_as}», rồi tải tệp mới lên" in message


def test_with_libreoffice_an_odt_register_is_converted_and_imported(tmp_path, actor, monkeypatch):
    converted = write_docx(tmp_path / "converted.docx", Encoding.TCVN3)
    fake = tmp_path / "soffice"  # stands in for LibreOffice: writes the converted file where it is asked to
    fake.write_text(f"#!{sys.executable}\nimport shutil, sys\nargs = sys.argv\n"
                    f"out = args[args.index('--outdir') + 1]\n"
                    f"shutil.copy({str(converted)!r}, out + '/so.' + args[args.index('--convert-to') + 1])\n")
    fake.chmod(0o755)
    monkeypatch.setattr(office, "soffice", lambda: str(fake))
    path = tmp_path / "so.odt"
    path.write_bytes(_old_formats(tmp_path)["so.odt"])
    report = import_register(actor=actor, path=path)
    assert report.errors == [] and report.created == len(PEOPLE) and report.header == HEADER
    assert Person.objects.filter(full_name="Hồ Thị Kim Vui").exists()
