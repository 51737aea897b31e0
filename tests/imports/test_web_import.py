"""Importing a register on the web: upload → preview (converted from TCVN3) → mapping → background run →
progress → report; bad files get one clear message; only province-wide editors may import."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from hoso.access.permissions import Role
from hoso.core.blobs import blob_store
from hoso.core.models import AuditEvent
from hoso.imports.models import ImportRun
from hoso.records.models import Dossier, Person
from hoso.vntext.legacy import Encoding, from_unicode

from .legacy_registers import write_docx, write_xlsx

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                         "QUEUES": ["default", "capture"]}}
HEADER = ["STT", "Số hồ sơ", "Họ và tên", "Năm sinh", "Địa danh", "Loại đối tượng", "Ghi chú"]
ROWS = [
    ["1", "QTI/LS-00501/CM", "Nguyễn Văn Đức", "1950", "xã Triệu Long, huyện Triệu Phong", "Liệt sĩ", "Hy sinh 1972"],
    ["2", "QTI/AQ-00502/CM", "Trần Thị Hồng Gấm", "1948", "Hải Lăng", "Thương binh", ""],
    ["3", "QTI/BM-00503", "Lê Thị Quý", "1901", "Gio Linh", "Bà mẹ VNAH", ""],
    ["4", "ABC", "Phạm Văn Sai", "1950", "", "Liệt sĩ", ""],
]


@pytest.fixture(autouse=True)
def _blobs_and_tasks(blob_dir, settings):
    """tests/conftest.py blob_dir, and import runs done at once instead of by a worker."""
    settings.TASKS = IMMEDIATE


def tcvn3_register(rows=ROWS, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["SỔ THEO DÕI HỒ SƠ NGƯỜI CÓ CÔNG"])
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append([from_unicode(v, Encoding.TCVN3) for v in row])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(name=".VnTime")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data: bytes, name="so-theo-doi.xlsx"):
    return client.post(reverse("import_upload"), {"file": _file(data, name)})


def _file(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def test_upload_preview_mapping_run_and_report(signed_in, officer):
    data = tcvn3_register()
    response = upload(signed_in, data)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("import_preview", args=[run.pk])
    assert blob_store().read_bytes(run.file_sha256) == data  # kept as uploaded

    page = signed_in.get(reverse("import_preview", args=[run.pk])).content.decode()
    assert "dòng 3" in page  # the header row found under the title block
    assert "Nguyễn Văn Đức" in page and "Trần Thị Hồng Gấm" in page  # converted from TCVN3
    assert from_unicode("Nguyễn Văn Đức", Encoding.TCVN3) not in page
    assert "TCVN3" in page
    assert '<option value="number" selected>' in page and '<option value="full_name" selected>' in page
    # "Địa danh" is not a header the detection knows: the officer maps it to the hometown, and drops the notes
    assert run.columns.get("4") is None
    form = {f"col_{i}": f for i, f in run.columns.items()} | {"col_4": "hometown", "col_6": ""}

    again = signed_in.post(reverse("import_preview", args=[run.pk]), {**form, "action": "preview"})
    assert '<select id="col_4" name="col_4">' in again.content.decode()
    assert again.content.decode().count('<option value="hometown" selected>') == 1
    assert Dossier.objects.count() == 0  # previewing saves nothing

    started = signed_in.post(reverse("import_preview", args=[run.pk]), {**form, "action": "start"})
    assert started.status_code == 302 and started["Location"] == reverse("import_progress", args=[run.pk])
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE  # the immediate task backend ran it
    assert (run.created, run.updated, run.unchanged, run.failed_rows) == (3, 0, 0, 1)
    duc = Person.objects.get(full_name="Nguyễn Văn Đức")
    assert duc.hometown_text == "xã Triệu Long, huyện Triệu Phong" and duc.notes == ""

    poll = signed_in.get(reverse("import_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert poll["HX-Redirect"] == reverse("import_report", args=[run.pk])
    report = signed_in.get(reverse("import_report", args=[run.pk])).content.decode()
    assert 'id="created">3<' in report and 'id="failed">1 (1 lỗi)' in report
    assert "ABC" in report and "Số hồ sơ không hợp lệ" in report and "<td class=\"num\">7</td>" in report
    assert reverse("duplicate_list") in report

    xlsx = signed_in.get(reverse("import_download", args=[run.pk, "bao-cao"]))
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    failed = list(book["Dòng không nhập"].values)
    assert len(failed) == 2 and failed[1][1] == "ABC" and "Số hồ sơ không hợp lệ" in failed[1][-1]
    original = signed_in.get(reverse("import_download", args=[run.pk, "tep-goc"]))
    assert b"".join(original.streaming_content) == blob_store().read_bytes(run.file_sha256)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"upload_register", "start_import", "bulk_create", "import_register", "finish_import"} <= actions


def test_progress_page_polls_while_the_import_waits(signed_in, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend",
                                  "QUEUES": ["default", "capture"]}}
    upload(signed_in, tcvn3_register())
    run = ImportRun.objects.get()
    form = {f"col_{i}": f for i, f in run.columns.items()}
    signed_in.post(reverse("import_preview", args=[run.pk]), {**form, "action": "start", "dry_run": "on"})
    page = signed_in.get(reverse("import_progress", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "Đang chờ chạy" in page and "chạy thử" in page
    from hoso.imports.services.runs import execute

    assert execute(run.pk) == "done"
    run.refresh_from_db()
    assert run.created == 3 and run.dry_run and Dossier.objects.count() == 0  # a dry run keeps nothing
    assert signed_in.get(reverse("import_progress", args=[run.pk]))["Location"] == reverse("import_report",
                                                                                           args=[run.pk])
    assert "chạy thử" in signed_in.get(reverse("import_report", args=[run.pk])).content.decode()


def test_mapping_without_a_number_column_is_refused_and_nothing_starts(signed_in):
    upload(signed_in, tcvn3_register())
    run = ImportRun.objects.get()
    form = {f"col_{i}": f for i, f in run.columns.items() if f != "number"}
    response = signed_in.post(reverse("import_preview", args=[run.pk]), {**form, "action": "start"})
    assert response.status_code == 400 and "Chưa chọn cột «Số hồ sơ»" in response.content.decode()
    twice = {**form, "col_1": "full_name"}
    response = signed_in.post(reverse("import_preview", args=[run.pk]), {**twice, "action": "start"})
    assert "được chọn cho nhiều cột: B, C" in response.content.decode()
    run.refresh_from_db()
    assert run.state == ImportRun.State.UPLOADED and Dossier.objects.count() == 0


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"", "so.xlsx", "Tệp so.xlsx rỗng (0 byte)."),
    (None, "so.docx", "Không mở được văn bản Word so.docx: tệp bị hỏng hoặc không phải .docx."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 600, "so.xlsx",
     "có mật khẩu. Hãy mở bằng Excel, bỏ mật khẩu rồi nhập lại."),
    (b"%PDF-1.7 ...", "so.pdf", "chỉ nhận tệp Excel (.xlsx, .xls), CSV, bảng trong văn bản Word (.docx, .doc)"),
    (b"mot,hai\nba,bon\n", "so.csv", "Không tìm thấy dòng tiêu đề"),
])
def test_bad_files_get_one_clear_message(signed_in, data, name, message):
    response = upload(signed_in, _docx() if data is None else data, name)
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert body.count('role="alert"') == 1
    assert ImportRun.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(signed_in, settings):
    settings.HOSO_REGISTER_MAX_MB = 1
    response = upload(signed_in, tcvn3_register() + b"\0" * 2**20)
    assert response.status_code == 400 and "quá giới hạn" in response.content.decode()


def test_a_commune_officer_may_not_import(client, make_user):
    from hoso.gazetteer.models import AdminUnit

    commune = AdminUnit.objects.filter(level=AdminUnit.Level.COMMUNE).first()
    user = make_user(Role.COMMUNE_OFFICER, username="canboxa", full_name="Cán bộ xã",
                     scope=[commune] if commune else None)
    client.force_login(user)
    response = upload(client, tcvn3_register())
    assert response.status_code == 403 and "phạm vi toàn tỉnh" in response.content.decode()
    assert client.get(reverse("import_upload")).status_code == 403
    assert "Nhập sổ" not in client.get(reverse("home")).content.decode()
    assert ImportRun.objects.count() == 0


def test_a_run_cannot_be_started_twice(signed_in):
    upload(signed_in, tcvn3_register())
    run = ImportRun.objects.get()
    form = {f"col_{i}": f for i, f in run.columns.items()}
    signed_in.post(reverse("import_preview", args=[run.pk]), {**form, "action": "start"})
    again = signed_in.post(reverse("import_preview", args=[run.pk]), {**form, "action": "start"})
    assert again.status_code == 302 and again["Location"] == reverse("import_report", args=[run.pk])
    assert Dossier.objects.count() == 3


def test_a_failed_run_says_why_and_running_it_again_resumes(signed_in, monkeypatch):
    from hoso.records import services as records

    real = records.bulk_register_dossiers
    monkeypatch.setattr("hoso.imports.services.registers.BATCH", 1)
    calls = []

    def crash_on_second_batch(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("mất kết nối cơ sở dữ liệu")
        return real(**kwargs)

    monkeypatch.setattr(records, "bulk_register_dossiers", crash_on_second_batch)
    upload(signed_in, tcvn3_register())
    run = ImportRun.objects.get()
    form = {f"col_{i}": f for i, f in run.columns.items()}
    signed_in.post(reverse("import_preview", args=[run.pk]), {**form, "action": "start"})
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED and Dossier.objects.count() == 1
    report = signed_in.get(reverse("import_report", args=[run.pk])).content.decode()
    assert "mất kết nối cơ sở dữ liệu" in report and "Chạy lại" in report

    monkeypatch.setattr(records, "bulk_register_dossiers", real)
    response = signed_in.post(reverse("import_retry", args=[run.pk]))
    assert response["Location"] == reverse("import_progress", args=[run.pk])
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE and (run.created, run.unchanged) == (2, 1)
    assert Dossier.objects.count() == 3


def test_another_sheet_is_previewed_with_its_own_columns_before_it_runs(signed_in):
    book = Workbook()
    book.active.title = "Ghi chu"
    book.active.append(["Số hồ sơ", "Họ và tên"])
    book.active.append(["QTI/LS-00601/CM", "Không nhập trang này"])
    second = book.create_sheet("So LS")
    second.append(["Họ và tên", "Năm sinh", "Số hồ sơ"])
    second.append(["Phan Văn Trang Hai", "1944", "QTI/LS-00602/CM"])
    out = io.BytesIO()
    book.save(out)
    upload(signed_in, out.getvalue())
    run = ImportRun.objects.get()
    assert run.sheet == "Ghi chu"
    form = {f"col_{i}": f for i, f in run.columns.items()} | {"sheet": "So LS", "shown_sheet": "Ghi chu"}
    shown = signed_in.post(reverse("import_preview", args=[run.pk]), {**form, "action": "start"})
    page = shown.content.decode()
    assert shown.status_code == 200 and "Phan Văn Trang Hai" in page and "Trang «So LS»" in page
    run.refresh_from_db()
    assert run.state == ImportRun.State.UPLOADED  # not started on columns the officer has not seen
    form = {"sheet": "So LS", "shown_sheet": "So LS", "col_0": "full_name", "col_1": "birth_year", "col_2": "number"}
    signed_in.post(reverse("import_preview", args=[run.pk]), {**form, "action": "start"})
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE and run.sheet == "So LS" and run.created == 1
    assert Person.objects.get().full_name == "Phan Văn Trang Hai"


def test_the_progress_bar_knows_the_row_count_of_a_file_written_without_dimensions(signed_in):
    book = Workbook(write_only=True)  # as programs write them: no <dimension> in the sheet
    sheet = book.create_sheet("So")
    sheet.append(["Số hồ sơ", "Họ và tên"])
    for i in range(1, 41):
        sheet.append([f"QTI/LS-{i:05d}/CM", f"Người Số {i}"])
    out = io.BytesIO()
    book.save(out)
    upload(signed_in, out.getvalue())
    assert ImportRun.objects.get().rows_total == 41


def test_after_a_dry_run_nhap_that_imports_the_same_file_and_mapping_without_uploading_again(signed_in, officer):
    upload(signed_in, tcvn3_register())
    dry = ImportRun.objects.get()
    form = {f"col_{i}": f for i, f in dry.columns.items()} | {"col_4": "hometown"}  # the officer's own mapping
    signed_in.post(reverse("import_preview", args=[dry.pk]), {**form, "action": "start", "dry_run": "on"})
    dry.refresh_from_db()
    assert dry.state == ImportRun.State.DONE and dry.created == 3 and Dossier.objects.count() == 0
    report = signed_in.get(reverse("import_report", args=[dry.pk])).content.decode()
    assert "Đây là lần chạy thử" in report and reverse("import_real", args=[dry.pk]) in report
    assert ">Nhập thật</button>" in report

    response = signed_in.post(reverse("import_real", args=[dry.pk]))
    real = ImportRun.objects.exclude(pk=dry.pk).get()
    assert response["Location"] == reverse("import_progress", args=[real.pk])
    assert (real.file_sha256, real.sheet, real.columns) == (dry.file_sha256, dry.sheet, dry.columns)
    assert not real.dry_run
    assert real.state == ImportRun.State.DONE and (real.created, real.failed_rows) == (3, 1)
    assert Person.objects.get(full_name="Nguyễn Văn Đức").hometown_text == "xã Triệu Long, huyện Triệu Phong"
    started = AuditEvent.objects.filter(action="start_import", object_id=str(real.pk)).get()
    assert started.after["from_dry_run"] == dry.pk

    again = signed_in.post(reverse("import_real", args=[dry.pk]))  # a second click starts nothing new
    assert again["Location"] == reverse("import_progress", args=[real.pk]) and ImportRun.objects.count() == 2
    report = signed_in.get(reverse("import_report", args=[dry.pk])).content.decode()
    assert "Sổ này đã được nhập thật" in report and ">Nhập thật</button>" not in report
    real_report = signed_in.get(reverse("import_report", args=[real.pk])).content.decode()
    assert reverse("import_report", args=[dry.pk]) in real_report  # the real run names its dry run
    refused = signed_in.post(reverse("import_real", args=[real.pk]), follow=True).content.decode()
    assert "Chỉ nhập thật được sau một lần chạy thử đã xong." in refused


def test_a_register_typed_wholly_in_tcvn3_previews_its_title_and_header_in_unicode_and_reports_warnings(
        signed_in, tmp_path):
    rows = [["1", "QTI/AQ-00701/CM", "Lê Văn Trái Mã", "", "1950", "Nam", "Hải Lăng", "Liệt sĩ", ""]]
    upload(signed_in, write_xlsx(tmp_path / "so.xlsx", Encoding.TCVN3, rows=rows).read_bytes())
    run = ImportRun.objects.get()
    page = signed_in.get(reverse("import_preview", args=[run.pk])).content.decode()
    assert "<span>SỞ NỘI VỤ TỈNH QUẢNG TRỊ</span><span>SỔ THEO DÕI HỒ SƠ NGƯỜI CÓ CÔNG</span>" in page
    assert "dòng tiêu đề: dòng 4" in page
    for label in ("B. Số hồ sơ", "C. Họ và tên", "G. Nguyên quán", "H. Loại đối tượng"):
        assert f'<th scope="col">{label}</th>' in page
    form = {f"col_{i}": f for i, f in run.columns.items()}
    signed_in.post(reverse("import_preview", args=[run.pk]), {**form, "action": "start"})
    report = signed_in.get(reverse("import_report", args=[run.pk])).content.decode()
    assert 'id="created">1<' in report
    assert ("Loại đối tượng «Liệt sĩ» (LS) trái với mã loại AQ trong số hồ sơ QTI/AQ-00701/CM: đã nhập theo mã trong "
            "số hồ sơ (AQ), hãy kiểm tra lại.") in report


def test_a_word_register_is_uploaded_previewed_and_imported(signed_in, tmp_path):
    upload(signed_in, write_docx(tmp_path / "so.docx", Encoding.VNI).read_bytes(), "so-xa.docx")
    run = ImportRun.objects.get()
    assert run.sheet == "Bảng 2"  # the register, not the letterhead above it
    page = signed_in.get(reverse("import_preview", args=[run.pk])).content.decode()
    assert "Hồ Thị Kim Vui" in page and "trang gõ bằng bảng mã" not in page  # VNI-Times fonts on every run
    form = {f"col_{i}": f for i, f in run.columns.items()}
    signed_in.post(reverse("import_preview", args=[run.pk]), {**form, "action": "start"})
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE and run.created == 8 and run.encodings["VNI"] > 0
