"""POST /api/capture/uploads/: page images for one dossier, for signed-in users who may digitise."""

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from hoso.capture.models import Batch
from hoso.core.models import AuditEvent
from hoso.records.models import Page

URL = "/api/capture/uploads/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def upload(client, number, *files):
    return client.post(URL, {"dossier_number": number, "files": list(files)}, format="multipart")


def test_an_operator_uploads_pages_which_are_stored_and_queued(scanner, martyr_dossier, scans):
    good = SimpleUploadedFile("../../trang-1.jpg", scans["small"][0], content_type="image/jpeg")
    empty = SimpleUploadedFile("trang-2.jpg", b"", content_type="image/jpeg")
    response = upload(client_for(scanner), "qti ls 7956 cm", good, empty)
    assert response.status_code == 201, response.content
    report = response.json()
    assert report["pages_added"] == 1 and report["refused"] == 1
    assert report["problems"][0]["reason"] == "Tệp «trang-2.jpg» rỗng (0 byte)."
    page = Page.objects.get(dossier=martyr_dossier)
    assert page.state == Page.State.QUEUED and page.original_name == "trang-1.jpg"  # only the base name is kept
    assert Batch.objects.get().source == Batch.Source.UPLOAD and Batch.objects.get().operator == scanner
    event = AuditEvent.objects.get(action="add_pages")
    assert event.actor == scanner and event.object_id == str(martyr_dossier.pk)


def test_upload_needs_sign_in_and_the_capture_permission(officer, scanner, martyr_dossier, scans):
    photo = SimpleUploadedFile("trang-1.jpg", scans["small"][0], content_type="image/jpeg")
    assert upload(client_for(), martyr_dossier.number, photo).status_code in (401, 403)
    assert upload(client_for(officer), martyr_dossier.number, photo).status_code == 403  # a policy officer
    assert not Page.objects.exists()


def test_upload_to_an_unknown_dossier_or_without_files_is_refused(scanner, martyr_dossier, scans):
    photo = SimpleUploadedFile("trang-1.jpg", scans["small"][0], content_type="image/jpeg")
    assert upload(client_for(scanner), "QTI/LS-99999/CM", photo).status_code == 404
    assert upload(client_for(scanner), "không phải số", photo).status_code == 400
    assert client_for(scanner).post(URL, {"dossier_number": martyr_dossier.number}, format="multipart").status_code \
        == 400
