"""Uploads in the user's language (issue #17): a file or folder capture does not take in is refused with its reason
kept in Vietnamese (the batch item, the audit trail) and read — in the upload's answer and on the batch page — in the
language of whoever reads it."""

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from hoso.access.models import Language
from hoso.access.services import set_language
from hoso.capture.models import BatchItem
from hoso.core.models import AuditEvent

VIETNAMESE = re.compile(r"[À-ÃÈ-ÊÌÍÒ-ÕÙÚÝà-ãè-êìíò-õùúýĂăĐđĨĩŨũƠơƯưẠ-ỹ]")


def png(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (320, 420), shade).save(buffer, "PNG")
    return buffer.getvalue()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, name: str, data: bytes, path: str = "", batch: str = "") -> dict:
    return client.post(url, {"files": SimpleUploadedFile(name, data), "paths": path or name, "batch": batch},
                       HTTP_ACCEPT="application/json").json()


def test_a_refused_upload_reads_in_english_and_is_written_down_in_vietnamese(scanner, martyr_dossier):
    english = client_for(set_language(user=scanner, language=Language.ENGLISH))
    answer = post(english, f"/so-hoa/ho-so/{martyr_dossier.number}/tai-len/", "b.png", b"")
    item = answer["items"][0]
    assert item["outcome"] == "refused" and item["reason"] == "The file “b.png” is empty (0 bytes).", item
    stored = BatchItem.objects.get()
    assert "rỗng" in stored.reason and stored.reason_code == "empty"  # what the batch keeps: Vietnamese
    event = AuditEvent.objects.get(action="refuse_file")
    assert "rỗng" in event.summary and "rỗng" in event.after["reason"]

    page = english.get(f"/so-hoa/dot/{stored.batch_id}/").content.decode()
    assert "The file “b.png” is empty (0 bytes)." in page and "rỗng (0 byte)" not in page

    vietnamese = client_for(set_language(user=scanner, language=Language.VIETNAMESE))
    again = post(vietnamese, f"/so-hoa/ho-so/{martyr_dossier.number}/tai-len/", "c.png", b"")
    assert "rỗng" in again["items"][0]["reason"]
    assert stored.reason in vietnamese.get(f"/so-hoa/dot/{stored.batch_id}/").content.decode()


def test_a_dropped_folder_refused_for_capture_own_reasons_reads_in_english(scanner, martyr_dossier):
    english = client_for(set_language(user=scanner, language=Language.ENGLISH))
    unknown = post(english, "/so-hoa/tai-len/", "001.png", png(160), path="QTI-LS-99999-CM/001.png")
    loose = post(english, "/so-hoa/tai-len/", "le.png", png(150), batch=str(unknown["batch"]))
    said = [unknown["items"][0]["reason"], loose["items"][0]["reason"]]
    assert said == ["There is no dossier number QTI/LS-99999/CM in the system (or you have no rights to it): 1 file "
                    "was not taken in. Register the dossier first.",
                    "“le.png” is outside the dossier folders: each dossier is a subfolder named with its dossier "
                    "number."], said
    assert not any(VIETNAMESE.search(reason) for reason in said)
    kept = list(BatchItem.objects.order_by("pk").values_list("reason", flat=True))
    assert kept == ["Không có hồ sơ số QTI/LS-99999/CM trong hệ thống (hoặc bạn không có quyền với hồ sơ này): 1 tệp "
                    "chưa được nhận. Hãy đăng ký hồ sơ trước.",
                    "«le.png» nằm ngoài thư mục hồ sơ: mỗi hồ sơ là một thư mục con mang số hồ sơ."]
