"""The human check of a photographed page (kiểm tra khung trang): a person sets the four corners of the page in the
master photo; the page is flattened again from the untouched master with them, its derivatives made again by the
pipeline, and the processing history says who set which corners. Only someone who may digitise and reach the page
may do it."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from PIL import Image

from hoso.access.permissions import Role
from hoso.capture import services
from hoso.capture.models import AccessCopy, BatchItem
from hoso.capture.selectors import photo_outline
from hoso.capture.worker import run_worker
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent
from hoso.imaging.photo import check_corners
from hoso.imaging.specimen import photographed_page
from hoso.records.models import Page

FRAME = (900, 1200)


@pytest.fixture
def photo_page(tmp_path, scanner, martyr_dossier):
    """A page photographed on a desk, taken in with a batch of photos and processed (without OCR, to be quick):
    (the page, the photo's bytes, where the page really lies in the photo)."""
    specimen = photographed_page(seed=7, frame=FRAME, tilt=(6.0, -5.0), turn=2.0, desk="check", cover=0.75,
                                 sentences=2)
    path = tmp_path / "IMG_0007.jpg"
    specimen.image.save(path, quality=90)
    batch = services.start_batch(actor=scanner, name="chụp", run_ocr=False, photos=True)
    items = services.receive_file(actor=scanner, batch=batch, dossier=martyr_dossier, path=path, name=path.name)
    run_worker(until_empty=True)
    page = Page.objects.get(pk=items[0].page_id)
    assert page.state == Page.State.DONE
    return page, path.read_bytes(), [list(c) for c in specimen.corners]


def _history(page: Page) -> AuditEvent:
    return AuditEvent.objects.filter(action=AuditAction.PROCESS_PAGE, object_id=str(page.pk)).latest("id")


def _master(page: Page) -> bytes:
    with blob_store().local_path(page.master_sha256) as path:
        return path.read_bytes()


def _inset(corners, by: float) -> list[list[float]]:
    """The corners moved `by` pixels towards the middle of the outline (a person trimming a torn edge)."""
    cx, cy = sum(x for x, _ in corners) / 4, sum(y for _, y in corners) / 4
    return [[x + by * (1 if x < cx else -1), y + by * (1 if y < cy else -1)] for x, y in corners]


def test_corners_set_by_a_person_flatten_the_page_again_from_the_untouched_master(photo_page, scanner):
    page, photo, _ = photo_page
    found = _history(page).after["photo"]["corners"]
    before = {"access": page.access_sha256, "thumbnail": page.thumbnail_sha256,
              "copy": AccessCopy.objects.get(dossier=page.dossier).sha256}
    corners = _inset(found, 40.0)

    services.set_page_outline(actor=scanner, page=page, corners=corners)
    page.refresh_from_db()
    assert page.state == Page.State.QUEUED  # queued again, as a retried page is
    assert page.access_sha256 == before["access"]  # the old copy is shown until the new one is made
    event = AuditEvent.objects.get(action=AuditAction.SET_PAGE_OUTLINE, object_id=str(page.pk))
    assert event.actor == scanner and event.after["corners"] == corners
    assert "khung trang do người đặt" in event.summary

    run_worker(until_empty=True)
    page.refresh_from_db()
    assert page.state == Page.State.DONE
    assert page.access_sha256 != before["access"] and page.thumbnail_sha256 != before["thumbnail"]
    assert AccessCopy.objects.get(dossier=page.dossier).sha256 != before["copy"]  # the dossier's copy follows
    assert _master(page) == photo  # the master is the photo, byte for byte
    history = _history(page)
    done = history.after["photo"]
    assert done["outline"] == "set" and done["corners"] == corners
    assert done["outline_by"]["username"] == "soho" and done["outline_by"]["name"] == "Người số hóa"
    assert "khung trang do Người số hóa đặt" in history.summary
    # Every later processing of the page keeps the person's corners (a retry does not look for the page again).
    assert BatchItem.objects.get(page=page).outline["corners"] == corners
    shown = photo_outline(actor=scanner, page=page)
    assert shown.source == "set" and shown.corners == corners and shown.set_by == "Người số hóa"
    assert shown.size == FRAME


def test_the_outline_found_is_what_the_viewer_offers_to_check(photo_page, scanner, officer):
    page, _, truth = photo_page
    shown = photo_outline(actor=scanner, page=page)
    assert shown.source == "found" and shown.size == FRAME
    assert max(abs(a - b) for found, real in zip(shown.corners, truth, strict=True)
               for a, b in zip(found, real, strict=True)) < 0.01 * FRAME[1]
    assert photo_outline(actor=officer, page=page) is None  # may not digitise: nothing to check


@pytest.mark.parametrize("corners, code", [
    ([[10, 10], [800, 10], [800, 1100]], "count"),
    ([[10, 10], [950, 10], [800, 1100], [10, 1100]], "outside"),
    ([[800, 10], [10, 10], [10, 1100], [800, 1100]], "order"),  # left and right swapped
    ([[10, 10], [800, 1100], [800, 10], [10, 1100]], "order"),  # crossed sides
    ([[10, 10], [60, 10], [60, 60], [10, 60]], "small"),
    ([[10, 10], [800, 15], [790, 1100], [12, 1090]], ""),
])
def test_corners_are_checked_before_anything_is_done(corners, code):
    assert check_corners(corners, FRAME) == code


def _nothing_changed(page: Page, before: Page) -> None:
    page.refresh_from_db()
    assert (page.state, page.access_sha256, page.thumbnail_sha256) == (before.state, before.access_sha256,
                                                                        before.thumbnail_sha256)
    assert BatchItem.objects.get(page=page).outline is None
    assert not AuditEvent.objects.filter(action=AuditAction.SET_PAGE_OUTLINE).exists()


def test_who_may_not_change_the_page_is_refused_and_nothing_changes(photo_page, officer, make_user, communes):
    page, _, _ = photo_page
    snapshot = Page.objects.get(pk=page.pk)
    corners = _inset(_history(page).after["photo"]["corners"], 20.0)
    with pytest.raises(PermissionDenied):  # a policy officer does not digitise
        services.set_page_outline(actor=officer, page=page, corners=corners)
    elsewhere = make_user(Role.DATA_ENTRY, username="soho-xa-b", scope=communes["b"])
    with pytest.raises(PermissionDenied):  # the dossier is outside their commune
        services.set_page_outline(actor=elsewhere, page=page, corners=corners)
    _nothing_changed(page, snapshot)


def test_a_page_that_is_no_photo_being_processed_or_given_wrong_corners_is_refused(photo_page, scanner, tmp_path,
                                                                                   scans, martyr_dossier):
    page, _, _ = photo_page
    snapshot = Page.objects.get(pk=page.pk)
    with pytest.raises(ValidationError, match="ngoài ảnh chụp"):
        services.set_page_outline(actor=scanner, page=page, corners=[[0, 0], [2000, 0], [2000, 1199], [0, 1199]])
    with pytest.raises(ValidationError, match="cắt nhau"):
        services.set_page_outline(actor=scanner, page=page, corners=[[800, 10], [10, 10], [10, 1100], [800, 1100]])
    Page.objects.filter(pk=page.pk).update(state=Page.State.PROCESSING)
    with pytest.raises(ValidationError, match="đang được xử lý"):
        services.set_page_outline(actor=scanner, page=page, corners=_inset([[0, 0], [899, 0], [899, 1199],
                                                                             [0, 1199]], 50))
    Page.objects.filter(pk=page.pk).update(state=snapshot.state)
    _nothing_changed(page, snapshot)
    scan = tmp_path / "quet.jpg"
    scan.write_bytes(scans["small"][0])
    batch = services.start_batch(actor=scanner, name="quét", run_ocr=False)
    item = services.receive_file(actor=scanner, batch=batch, dossier=martyr_dossier, path=scan, name=scan.name)[0]
    with pytest.raises(ValidationError, match="không phải ảnh chụp"):
        services.set_page_outline(actor=scanner, page=item.page, corners=[[10, 10], [800, 10], [800, 1100],
                                                                          [10, 1100]])


# --- the web: the viewer shows the outline over the master photo; the corners are saved through the service ----

def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_viewer_shows_the_outline_over_the_master_photo_and_saves_the_corners(photo_page, scanner, officer):
    page, photo, _ = photo_page
    client = _client(scanner)
    html = client.get(f"/so-hoa/ho-so/{page.dossier.number}/?p={page.sequence}").content.decode()
    assert 'id="khung-trang"' in html and f'data-width="{FRAME[0]}" data-height="{FRAME[1]}"' in html
    assert f'viewBox="0 0 {FRAME[0]} {FRAME[1]}"' in html and 'name="x1"' in html and "hoso/outline.js" in html
    found = _history(page).after["photo"]["corners"]
    assert f'value="{found[0][0]}"' in html  # the corners found, in the photo's pixels, not localised ("12,5")

    views = AuditEvent.objects.filter(action=AuditAction.VIEW_PAGE, actor=scanner).count()
    response = client.get(f"/so-hoa/trang/{page.pk}/anh-chup/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.content)) as shown:
        assert abs(shown.width / shown.height - FRAME[0] / FRAME[1]) < 0.01  # the whole photo, not the page
    assert AuditEvent.objects.filter(action=AuditAction.VIEW_PAGE, actor=scanner).count() == views + 1

    corners = _inset(found, 30.0)
    fields = {f"{axis}{i + 1}": str(value).replace(".", ",") if i == 0 else value
              for i, corner in enumerate(corners) for axis, value in zip("xy", corner, strict=True)}
    response = client.post(f"/so-hoa/trang/{page.pk}/khung-trang/", fields)
    assert response.status_code == 302 and response["Location"].endswith(f"?p={page.sequence}#khung-trang")
    page.refresh_from_db()
    assert page.state == Page.State.QUEUED
    assert BatchItem.objects.get(page=page).outline["corners"] == [[round(x, 1), round(y, 1)] for x, y in corners]
    assert _master(page) == photo

    refused = _client(officer).post(f"/so-hoa/trang/{page.pk}/khung-trang/", fields)
    assert refused.status_code == 403
    bad = client.post(f"/so-hoa/trang/{page.pk}/khung-trang/", {**fields, "x3": "abc"}, follow=True)
    assert "Tọa độ các góc phải là số" in bad.content.decode()


def test_a_scanned_page_has_no_outline_to_check(tmp_path, scans, scanner, martyr_dossier):
    scan = tmp_path / "quet.jpg"
    scan.write_bytes(scans["small"][0])
    batch = services.start_batch(actor=scanner, name="quét", run_ocr=False)
    item = services.receive_file(actor=scanner, batch=batch, dossier=martyr_dossier, path=scan, name=scan.name)[0]
    run_worker(until_empty=True)
    client = _client(scanner)
    assert 'id="khung-trang"' not in client.get(f"/so-hoa/ho-so/{martyr_dossier.number}/").content.decode()
    assert client.get(f"/so-hoa/trang/{item.page_id}/anh-chup/").status_code == 404
