"""A transfer package holding photographed pages (ảnh chụp): the importer makes the thumbnails again itself (never
taking the package's), and for a page whose master is a photo the thumbnail shows the flattened page — what the access
copy shows —, not the whole photo with the desk around it."""

import io

import numpy as np
import pytest
from PIL import Image

from hoso.capture import services as capture
from hoso.capture.worker import run_worker
from hoso.core.blobs import blob_store
from hoso.imaging.raster import render_for_screen
from hoso.imaging.specimen import encode, photographed_page, scanned_page
from hoso.preservation.services.package_import import import_package
from hoso.preservation.services.packages import export_package
from hoso.records.models import Dossier

pytestmark = pytest.mark.usefixtures("blob_dir")
NEW_NUMBER = "QTI/LS-09998/CM"


def _webp(sha256: str) -> Image.Image:
    return Image.open(io.BytesIO(blob_store().read_bytes(sha256))).convert("L")


def _grey(image: Image.Image, side: int = 32) -> np.ndarray:
    return np.asarray(image.convert("L").resize((side, side), Image.Resampling.BOX), dtype=np.float32)


def test_the_thumbnail_of_an_imported_photo_page_is_the_flattened_page(actor, archivist, martyr_dossier, tmp_path):
    photo = photographed_page(seed=21, frame=(900, 1200), tilt=(6.0, -5.0), turn=2.0, desk="wood", cover=0.8,
                              sentences=2)
    shot = tmp_path / "IMG_0021.jpg"
    photo.image.save(shot, quality=90)
    scan = tmp_path / "quet-2.jpg"
    scan.write_bytes(encode(scanned_page(seed=44, sentences=2).image, "jpeg", quality=70))
    photos = capture.start_batch(actor=actor, name="ảnh chụp", run_ocr=False, photos=True)
    capture.receive_file(actor=actor, batch=photos, dossier=martyr_dossier, path=shot, name=shot.name)
    scans = capture.start_batch(actor=actor, name="quét", run_ocr=False)
    capture.receive_file(actor=actor, batch=scans, dossier=martyr_dossier, path=scan, name=scan.name)
    run_worker(until_empty=True)
    sent = {p.sequence: p for p in martyr_dossier.pages.all()}
    assert all(p.state == "done" for p in sent.values())

    package = tmp_path / "goi.zip"
    export_package(actor=None, number=martyr_dossier.number, out=package)
    Dossier.objects.filter(pk=martyr_dossier.pk).update(number=NEW_NUMBER)  # so the package arrives as new
    assert import_package(actor=archivist, path=package).status == "imported"
    arrived = {p.sequence: p for p in Dossier.objects.get(number=martyr_dossier.number).pages.all()}

    # The photographed page: the master is the photo, the thumbnail the flattened page of the access copy.
    page = arrived[1]
    assert page.master_sha256 == sent[1].master_sha256 and page.access_sha256 == sent[1].access_sha256
    thumb = _webp(page.thumbnail_sha256)
    access = render_for_screen(blob_store().read_bytes(page.access_sha256), width=thumb.width)
    assert abs(thumb.height / thumb.width - access.height / access.width) < 0.02
    assert abs(thumb.height / thumb.width - 1200 / 900) > 0.03  # not the photo's proportions
    assert np.abs(_grey(thumb) - _grey(access)).mean() < 12
    whole = _grey(photo.image)
    assert np.abs(_grey(thumb) - whole).mean() > 25  # the whole photo, desk and all, looks otherwise
    corners = np.concatenate([_grey(thumb)[:3, :3].ravel(), _grey(thumb)[-3:, -3:].ravel()])
    assert corners.mean() > 150  # paper at the corners, not the dark desk
    # The scanned page keeps the thumbnail made from its master, byte for byte what the pipeline made.
    assert arrived[2].thumbnail_sha256 == sent[2].thumbnail_sha256
