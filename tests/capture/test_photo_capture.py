"""A batch of phone photos (ảnh chụp trang giấy): the photo is the master, stored byte for byte; the flattened
page is the derivative (access copy, thumbnail, text), and what was done is in the page's processing history and
in the package's PREMIS events."""

import zipfile

from hoso.capture import services
from hoso.capture.worker import run_worker
from hoso.core.blobs import blob_store
from hoso.core.models import AuditEvent
from hoso.imaging.specimen import photographed_page
from hoso.preservation.mets import mets_events
from hoso.preservation.services.packages import export_package
from hoso.records.models import Page


def test_a_photo_batch_keeps_the_photo_and_records_the_flattening(tmp_path, scanner, martyr_dossier):
    specimen = photographed_page(seed=7, tilt=(6.0, -5.0), turn=2.0, desk="check", cover=0.75, sentences=3)
    path = tmp_path / "IMG_0001.jpg"
    specimen.image.save(path, quality=90)
    batch = services.start_batch(actor=scanner, name="chụp", run_ocr=False, photos=True)
    items = services.receive_file(actor=scanner, batch=batch, dossier=martyr_dossier, path=path, name=path.name)
    run_worker(until_empty=True)
    page = Page.objects.get(pk=items[0].page_id)
    assert page.state == Page.State.DONE
    with blob_store().local_path(page.master_sha256) as master:
        assert master.read_bytes() == path.read_bytes()  # the master is the photo, untouched
    event = AuditEvent.objects.filter(action="process_page", object_id=str(page.pk)).latest("id")
    photo = event.after["photo"]
    assert photo["found"] and len(photo["corners"]) == 4 and photo["a4"] and photo["flattening"]["paper_tone"]
    assert "ảnh chụp: tìm thấy trang" in event.summary and "nắn phẳng" in event.summary

    out = tmp_path / "goi.zip"
    export_package(actor=None, number=martyr_dossier.number, out=out)
    with zipfile.ZipFile(out) as zf:
        mets = zf.read(next(n for n in zf.namelist() if n.endswith("data/mets.xml")))
    details = [e["detail"] for e in mets_events(mets) if e["type"] == "normalization"]
    assert any("ảnh chụp: tìm thấy trang" in d for d in details)


def test_a_scan_batch_is_not_treated_as_photos(tmp_path, scans, scanner, martyr_dossier):
    path = tmp_path / "1.jpg"
    path.write_bytes(scans["small"][0])
    batch = services.start_batch(actor=scanner, name="quét", run_ocr=False)
    items = services.receive_file(actor=scanner, batch=batch, dossier=martyr_dossier, path=path, name=path.name)
    run_worker(until_empty=True)
    event = AuditEvent.objects.filter(action="process_page", object_id=str(items[0].page_id)).latest("id")
    assert "photo" not in event.after and "ảnh chụp" not in event.summary


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _jpeg(image) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def test_the_tablet_capture_page_previews_shots_and_adds_them_in_order(scanner, martyr_dossier):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from hoso.capture.models import Batch
    from hoso.imaging.specimen import photographed_nothing

    client = _client(scanner)
    page = client.get(reverse("dossier_shoot", args=[martyr_dossier.number]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'accept="image/*" capture="environment" multiple' in html and 'name="photos" value="on"' in html
    shots = [_jpeg(photographed_page(seed=20 + i, frame=(900, 1200), sentences=2, desk=("wood", "check")[i % 2],
                                     tilt=(5.0, -4.0), turn=1.0).image) for i in range(3)]
    answer = client.post(reverse("shot_preview"), {"shot": SimpleUploadedFile("IMG_1.jpg", shots[0])}).json()
    assert answer["found"] and answer["preview"].startswith("data:image/jpeg;base64,") and len(answer["corners"]) == 4
    wall = _jpeg(photographed_nothing(seed=3, subject="wall", frame=(900, 1200)).image)
    answer = client.post(reverse("shot_preview"), {"shot": SimpleUploadedFile("IMG_2.jpg", wall)}).json()
    assert not answer["found"] and "Không tìm thấy" in answer["reason"]
    refused = client.post(reverse("shot_preview"), {"shot": SimpleUploadedFile("x.jpg", b"not an image")})
    assert refused.status_code == 400 and refused.json()["error"]

    batch = ""
    url = reverse("dossier_upload", args=[martyr_dossier.number])
    for i, data in enumerate(shots):  # as shoot.js sends them: one per request, the batch continued
        fields = {"files": SimpleUploadedFile(f"anh-{i + 1:03d}.jpg", data), "photos": "on", "batch_name": ""}
        if batch:
            fields["batch"] = batch
        batch = str(client.post(url, fields, HTTP_ACCEPT="application/json").json()["batch"])
    assert Batch.objects.get(pk=int(batch)).photos
    pages = list(Page.objects.filter(dossier=martyr_dossier).order_by("sequence"))
    with blob_store().local_path(pages[0].master_sha256) as first:
        assert [p.sequence for p in pages] == [1, 2, 3] and first.read_bytes() == shots[0]


def test_only_users_who_may_digitise_see_the_capture_page_and_previews(officer, martyr_dossier):
    from django.urls import reverse

    client = _client(officer)
    assert client.get(reverse("dossier_shoot", args=[martyr_dossier.number])).status_code == 403
    assert client.post(reverse("shot_preview"), {}).status_code == 403
