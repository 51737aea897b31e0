"""Importing a register in the user's language (issue #17): the refused rows and warnings of a run are kept in
Vietnamese (the run, its xlsx report) and read on the report page in the reader's language; a refused mapping and a
file that is not a register say why in English to a user who chose English."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from hoso.access.models import Language
from hoso.access.services import set_language
from hoso.imports.models import ImportRun

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                         "QUEUES": ["default", "capture"]}}
HEADER = ["STT", "Số hồ sơ", "Họ và tên", "Năm sinh", "Giới tính", "Loại đối tượng"]
ROWS = [
    ["1", "QTI/LS-00501/CM", "Nguyễn Văn Đức", "1950", "nam", "Liệt sĩ"],
    ["2", "QTI/LS-00502/CM", "", "1950", "nam", "Liệt sĩ"],
    ["3", "QTI/LS-00503/CM", "Lê Văn Ba", "1949", "không biết", "Liệt sĩ"],
    ["4", "QTI/LS-00501/CM", "Trần Văn Tư", "1951", "nam", "Liệt sĩ"],
]
VIETNAMESE = re.compile(r"[À-ÃÈ-ÊÌÍÒ-ÕÙÚÝà-ãè-êìíò-õùúýĂăĐđĨĩŨũƠơƯưẠ-ỹ]")


@pytest.fixture(autouse=True)
def _blobs_and_tasks(blob_dir, settings):
    settings.TASKS = IMMEDIATE


def register(rows=ROWS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def imported(web: Client) -> ImportRun:
    web.post(reverse("import_upload"), {"file": SimpleUploadedFile("so-theo-doi.xlsx", register())})
    run = ImportRun.objects.get()
    form = {f"col_{i}": f for i, f in run.columns.items()}
    web.post(reverse("import_preview", args=[run.pk]), {**form, "action": "start"})
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE
    return run


def test_the_refused_rows_read_in_english_and_stay_vietnamese_in_the_run(make_user):
    english = set_language(user=make_user("policy_officer", username="english"), language=Language.ENGLISH)
    web = client_of(english)
    run = imported(web)
    messages = {issue["message"] for issue in run.errors + run.warnings}
    assert {"Thiếu họ và tên.", "Trùng số hồ sơ với dòng 2 trong cùng tệp.",
            "Không hiểu giới tính; để trống."} <= messages  # written down in Vietnamese, whoever imported

    page = web.get(reverse("import_report", args=[run.pk])).content.decode()
    assert "Full name missing." in page and "Same dossier number as row 2 of the same file." in page
    assert "Sex not understood; left empty." in page
    assert "<td>Full name</td>" in page and "<td>Sex</td>" in page  # the column, in the reader's words too
    assert "Thiếu họ và tên" not in page and "Không hiểu giới tính" not in page

    vietnamese = set_language(user=english, language=Language.VIETNAMESE)  # the same run, read in Vietnamese
    page = client_of(vietnamese).get(reverse("import_report", args=[run.pk])).content.decode()
    assert "Thiếu họ và tên." in page and "Trùng số hồ sơ với dòng 2 trong cùng tệp." in page
    assert "Full name missing." not in page


def test_a_refused_mapping_and_a_wrong_file_say_why_in_english(make_user):
    english = set_language(user=make_user("policy_officer", username="english"), language=Language.ENGLISH)
    web = client_of(english)
    wrong = web.post(reverse("import_upload"), {"file": SimpleUploadedFile("anh.png", b"\x89PNG not a register")})
    assert wrong.status_code == 400
    assert "The file anh.png is not a register" in wrong.content.decode()

    web.post(reverse("import_upload"), {"file": SimpleUploadedFile("so-theo-doi.xlsx", register())})
    run = ImportRun.objects.get()
    form = {f"col_{i}": f for i, f in run.columns.items() if f != "number"}
    refused = web.post(reverse("import_preview", args=[run.pk]), {**form, "action": "start"})
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "No “Dossier number” column chosen: without a dossier number nothing can be imported" in body
    assert "Chưa chọn cột" not in body
    run.refresh_from_db()
    assert run.state == ImportRun.State.UPLOADED


def test_a_number_or_date_vntext_refuses_reads_in_english_and_stays_vietnamese_in_the_run(make_user, blob_dir):
    """vntext's refusals keep their msgid and parameters with the row: worded again for the reader, written down in
    Vietnamese exactly as the core wrote them."""
    english = set_language(user=make_user("policy_officer", username="english"), language=Language.ENGLISH)
    web = client_of(english)
    rows = [["1", "QTI/LS-00501/XX", "Nguyễn Văn Đức", "1950", "nam", "Liệt sĩ"],
            ["2", "QTI/LS-00502/CM", "Lê Văn Ba", "72", "nam", "Liệt sĩ"]]
    web.post(reverse("import_upload"), {"file": SimpleUploadedFile("so-theo-doi.xlsx", register(rows))})
    run = ImportRun.objects.get()
    web.post(reverse("import_preview", args=[run.pk]), {**{f"col_{i}": f for i, f in run.columns.items()},
                                                        "action": "start"})
    run.refresh_from_db()
    messages = {issue["message"] for issue in run.errors}
    assert ("Số hồ sơ không hợp lệ: «QTI/LS-00501/XX». Mã thời kỳ «XX» không đúng (chỉ nhận TCM, CP, CM, BV). "
            "Dạng đúng: QTI/LS-07956/CM") in messages
    assert "Năm phải viết đủ 4 chữ số: «72»" in messages

    page = web.get(reverse("import_report", args=[run.pk])).content.decode()
    assert ("Invalid dossier number: “QTI/LS-00501/XX”. The period code “XX” is wrong (only TCM, CP, CM, BV). "
            "Correct form: QTI/LS-07956/CM") in page
    assert "The year must be written with all 4 digits: “72”" in page
    assert "không hợp lệ" not in page and "chữ số" not in page
    vietnamese = set_language(user=english, language=Language.VIETNAMESE)
    page = client_of(vietnamese).get(reverse("import_report", args=[run.pk])).content.decode()
    assert "Năm phải viết đủ 4 chữ số: «72»" in page
