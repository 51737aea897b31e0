"""Issue 13, the packages part: H1 (the web «Xuất gói» and the download of a stored package apply the command
line's checks) and M4 (an imported package passes the checks of an upload: active PDF content refused, thumbnails
regenerated from the masters, unpacking bounded while it streams)."""

import hashlib
import io
import json
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

import bagit
import pikepdf
import pytest
from django.core.management import call_command
from django.test import Client
from PIL import Image

from hoso.access.permissions import MANAGE_ARCHIVE, ROLE_PERMISSIONS, VIEW_HEALTH, Role
from hoso.capture import services as capture
from hoso.capture.worker import run_worker
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent
from hoso.imaging.specimen import encode, scanned_page
from hoso.preservation import package_files
from hoso.preservation.models import PackageImport
from hoso.preservation.services import package_import
from hoso.preservation.services.package_import import import_package
from hoso.preservation.services.packages import PackageError, export_package
from hoso.procedures import services as transfers
from hoso.procedures.models import Transfer
from hoso.records import services as records
from hoso.records.models import Dossier, Page
from hoso.records.visibility import NUMBER_UNAVAILABLE

pytestmark = pytest.mark.usefixtures("blob_dir")

EXPORT_URL = "/chuyen-ho-so/xuat-goi/{}/"


# ----------------------------------------------------------------------------------------------------------- H1


@pytest.fixture
def cleared(make_user):
    """An archivist cleared for "mật" documents."""
    return make_user(Role.ARCHIVIST, username="luutrumat", full_name="Lưu trữ viên có quyền Mật", clearance=True)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _secret_document(actor, dossier):
    return records.add_document(actor=actor, dossier=dossier, sequence=9, doc_type="Báo cáo xác minh",
                                number="07", symbol="BC-MAT", summary="Nội dung xác minh bí mật",
                                confidentiality="mat")


def _is_zip(response) -> bool:
    return response.get("Content-Type") == "application/zip"


def _exports(dossier) -> int:
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="dossier", object_id=str(dossier.pk))
    return events.count()


def test_h1_web_export_refuses_an_archivist_without_clearance(archivist, cleared, actor, martyr_dossier):
    _secret_document(actor, martyr_dossier)
    response = _client(archivist).post(EXPORT_URL.format(martyr_dossier.number), follow=True)
    assert not _is_zip(response)
    page = response.content.decode()
    assert "tài liệu Mật" in page and "BC-MAT" not in page  # the reason, without naming the document
    assert _exports(martyr_dossier) == 0
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW_FOR_EXPORT).exists()
    # The same dossier for someone cleared: the package, with the secret document in it.
    ok = _client(cleared).post(EXPORT_URL.format(martyr_dossier.number))
    assert _is_zip(ok)
    with zipfile.ZipFile(io.BytesIO(b"".join(ok.streaming_content))) as zf:
        meta = json.loads(zf.read("QTI-LS-07956-CM/data/metadata.json"))
    assert "BC-MAT" in {d["symbol"] for d in meta["dossier"]["documents"]}
    assert _exports(martyr_dossier) == 1


def test_h1_web_export_refuses_a_dossier_with_health_data_without_the_health_permission(
        archivist, actor, martyr_dossier, monkeypatch):
    records.add_assessment(actor=actor, dossier=martyr_dossier, kind="thuong_tat", rate_percent=61)
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.ARCHIVIST, ROLE_PERMISSIONS[Role.ARCHIVIST] - {VIEW_HEALTH})
    assert MANAGE_ARCHIVE in ROLE_PERMISSIONS[Role.ARCHIVIST]
    response = _client(archivist).post(EXPORT_URL.format(martyr_dossier.number), follow=True)
    assert not _is_zip(response)
    assert "dữ liệu sức khỏe" in response.content.decode()
    assert _exports(martyr_dossier) == 0


def test_h1_web_export_waits_for_pages_still_processing(archivist, actor, martyr_dossier):
    Page.objects.create(dossier=martyr_dossier, sequence=1, master_sha256="ab" * 32, state=Page.State.QUEUED)
    response = _client(archivist).post(EXPORT_URL.format(martyr_dossier.number), follow=True)
    assert not _is_zip(response)
    assert "đang chờ xử lý" in response.content.decode()
    assert _exports(martyr_dossier) == 0


def test_h1_web_export_of_a_dossier_out_of_reach_is_not_found(archivist, actor, make_dossier):
    hidden = make_dossier("Lê Văn Kín", confidentiality="mat")
    response = _client(archivist).post(EXPORT_URL.format(hidden.number))
    assert response.status_code == 404 and not _is_zip(response)
    assert _exports(hidden) == 0


def _sent_with_package(by, dossier) -> Transfer:
    transfer = transfers.create_transfer(actor=by, dossier=dossier, to_province="Hà Tĩnh", to_province_code="HTH",
                                         recipient_agency="Sở Nội vụ tỉnh Hà Tĩnh", reason="Chuyển nơi cư trú")
    transfer = transfers.mark_sent(actor=by, transfer=transfer, attach_package=True)
    assert transfer.package_sha256
    return transfer


def test_h1_a_stored_package_is_downloadable_only_by_who_could_export_it_now(archivist, cleared, actor,
                                                                            martyr_dossier):
    _secret_document(actor, martyr_dossier)
    transfer = _sent_with_package(cleared, martyr_dossier)
    url = f"/chuyen-ho-so/{transfer.pk}/goi.zip"
    downloads = AuditEvent.objects.filter(action=AuditAction.DOWNLOAD_PACKAGE)
    refused = _client(archivist).get(url)
    assert refused.status_code in (403, 404) and not _is_zip(refused)
    assert "tài liệu Mật" in refused.content.decode()
    assert downloads.count() == 0
    # The detail page does not offer the link to someone who may not take the package.
    detail = _client(archivist).get(f"/chuyen-ho-so/{transfer.pk}/").content.decode()
    assert "Tải gói hồ sơ đã gửi" not in detail and "package-withheld" in detail
    ok = _client(cleared).get(url)
    assert ok.status_code == 200 and _is_zip(ok)
    b"".join(ok.streaming_content)
    assert downloads.count() == 1


def test_h1_a_stored_package_follows_the_dossier_as_it_is_now(archivist, actor, martyr_dossier):
    transfer = _sent_with_package(archivist, martyr_dossier)  # nothing secret yet: the archivist sent it
    _secret_document(actor, martyr_dossier)  # a secret document added afterwards
    refused = _client(archivist).get(f"/chuyen-ho-so/{transfer.pk}/goi.zip")
    assert refused.status_code in (403, 404) and not _is_zip(refused)
    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOAD_PACKAGE).exists()


# ----------------------------------------------------------------------------------------------------------- M4


@pytest.fixture
def scanned(actor, martyr_dossier, tmp_path):
    """The martyr dossier with two pages scanned and processed (without OCR, to be quick), and its package."""
    folder = tmp_path / "scans"
    folder.mkdir()
    batch = capture.start_batch(actor=actor, name="đợt 1", run_ocr=False)
    for i in (1, 2):
        (folder / f"{i}.jpg").write_bytes(encode(scanned_page(seed=40 + i, sentences=2).image, "jpeg", quality=70))
        capture.receive_file(actor=actor, batch=batch, dossier=martyr_dossier, path=folder / f"{i}.jpg",
                             name=f"{i}.jpg")
    run_worker(until_empty=True)
    martyr_dossier.refresh_from_db()
    assert martyr_dossier.pages.filter(state="done").count() == 2 and martyr_dossier.access_copy.page_count == 2
    return martyr_dossier


def _packed_then_gone(dossier, tmp_path: Path) -> Path:
    """The dossier's package; here the dossier then takes another number, so the package arrives as new."""
    out = tmp_path / "goi.zip"
    export_package(actor=None, number=dossier.number, out=out)
    Dossier.objects.filter(pk=dossier.pk).update(number="QTI/LS-09999/CM")
    return out


def _forge(package: Path, tmp_path: Path, href: str, data: bytes) -> Path:
    """What a forger does: replace data/<href>, then make metadata.json, mets.xml and both manifests agree."""
    work = tmp_path / f"forge-{hashlib.sha256(data).hexdigest()[:8]}"
    with zipfile.ZipFile(package) as zf:
        zf.extractall(work)
    (bag,) = list(work.iterdir())
    target = bag / "data" / href
    old, new = hashlib.sha256(target.read_bytes()).hexdigest(), hashlib.sha256(data).hexdigest()
    target.write_bytes(data)
    meta, mets = bag / "data/metadata.json", bag / "data/mets.xml"
    meta_old = hashlib.sha256(meta.read_bytes()).hexdigest()
    meta.write_text(meta.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    meta_new = hashlib.sha256(meta.read_bytes()).hexdigest()
    mets.write_text(mets.read_text(encoding="utf-8").replace(old, new).replace(meta_old, meta_new), encoding="utf-8")
    bagit.Bag(str(bag)).save(manifests=True)
    out = work.with_suffix(".zip")
    with zipfile.ZipFile(out, "w") as zf:
        for path in sorted(bag.rglob("*")):
            if path.is_file():
                zf.write(path, f"{bag.name}/{path.relative_to(bag).as_posix()}")
    return out


def _active(pdf_bytes: bytes) -> bytes:
    """The PDF with page JavaScript run on opening and a link to a web site (what the probe imported)."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Action, S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('x')")))
        link = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 200, 200],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://evil.example/"))))
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([link]))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def _link_only(pdf_bytes: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        link = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 200, 200],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://evil.example/"))))
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([link]))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def _refused_by_the_command(path: Path, capsys) -> dict:
    """`hoso import_package FILE --json` for a refused package: exit 1, the report on stdout."""
    with pytest.raises(SystemExit) as stop:
        call_command("import_package", str(path), "--json")
    assert stop.value.code == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert set(report) == {"status", "code", "reason", "file"} and report["status"] == "refused"
    assert report["reason"] in captured.err
    return report


def _nothing_registered() -> None:
    assert not Dossier.objects.filter(number="QTI/LS-07956/CM").exists()
    assert not PackageImport.objects.exists()


@pytest.mark.parametrize("href, forge", [
    ("access/pages/page-0001.pdf", _active),
    ("access/pages/page-0002.pdf", _link_only),
    ("access/dossier.pdf", _active),
])
def test_m4_an_access_pdf_with_javascript_or_a_link_is_refused(scanned, tmp_path, capsys, href, forge):
    package = _packed_then_gone(scanned, tmp_path)
    with zipfile.ZipFile(package) as zf:
        original = zf.read(f"QTI-LS-07956-CM/data/{href}")
    forged = _forge(package, tmp_path, href, forge(original))
    report = _refused_by_the_command(forged, capsys)
    assert report["code"] == "active_pdf"
    assert href in report["reason"] and ("JavaScript" in report["reason"] or "liên kết" in report["reason"])
    _nothing_registered()
    refusal = AuditEvent.objects.get(action=AuditAction.REFUSE_PACKAGE)
    assert refusal.after["code"] == "active_pdf"


def test_m4_the_web_upload_applies_the_same_checks(scanned, tmp_path, archivist):
    package = _packed_then_gone(scanned, tmp_path)
    with zipfile.ZipFile(package) as zf:
        original = zf.read("QTI-LS-07956-CM/data/access/pages/page-0001.pdf")
    forged = _forge(package, tmp_path, "access/pages/page-0001.pdf", _active(original))
    with open(forged, "rb") as fh:
        page = _client(archivist).post("/chuyen-ho-so/nhap-goi/", {"package": fh}).content.decode()
    assert "Không nhận gói" in page and "JavaScript" in page and "access/pages/page-0001.pdf" in page
    _nothing_registered()


def test_m4_an_html_file_in_the_thumbnail_slot_is_never_stored(scanned, tmp_path, archivist):
    package = _packed_then_gone(scanned, tmp_path)
    html = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
    forged = _forge(package, tmp_path, "access/thumbnails/page-0001.jpg", html)
    result = import_package(actor=archivist, path=forged)
    assert result.status == "imported"
    store = blob_store()
    assert not store.exists(hashlib.sha256(html).hexdigest())
    page = Dossier.objects.get(number="QTI/LS-07956/CM").pages.get(sequence=1)
    thumb = store.read_bytes(page.thumbnail_sha256)
    assert thumb[:4] == b"RIFF" and thumb[8:12] == b"WEBP"  # made here from the master
    with Image.open(io.BytesIO(thumb)) as image:
        assert image.width == 360


def test_m4_thumbnails_are_made_from_the_masters_not_taken_from_the_package(scanned, tmp_path, archivist):
    package = _packed_then_gone(scanned, tmp_path)
    other = io.BytesIO()
    Image.new("RGB", (360, 500), "red").save(other, "WEBP")
    forged = _forge(package, tmp_path, "access/thumbnails/page-0002.jpg", other.getvalue())
    assert import_package(actor=archivist, path=forged).status == "imported"
    page = Dossier.objects.get(number="QTI/LS-07956/CM").pages.get(sequence=2)
    assert page.thumbnail_sha256 != hashlib.sha256(other.getvalue()).hexdigest()
    assert page.thumbnail_sha256 == scanned.pages.get(sequence=2).thumbnail_sha256  # what the pipeline made


def test_m4_a_master_that_fails_the_upload_checks_is_refused_with_the_reason(scanned, tmp_path, capsys):
    package = _packed_then_gone(scanned, tmp_path)
    forged = _forge(package, tmp_path, "masters/page-0002.jpg", b"<html><body>not a scan</body></html>")
    report = _refused_by_the_command(forged, capsys)
    assert report["code"] == "not_image" and "masters/page-0002.jpg" in report["reason"]
    _nothing_registered()


@contextmanager
def _measured(monkeypatch):
    """Every folder the importer unpacks into is measured (bytes in its files) just before it is removed."""
    sizes: list[int] = []
    real = tempfile.TemporaryDirectory

    class Measured(real):
        def cleanup(self):
            sizes.append(sum(p.stat().st_size for p in Path(self.name).rglob("*") if p.is_file()))
            super().cleanup()

        def __exit__(self, *exc):
            self.cleanup()

    monkeypatch.setattr(package_import.tempfile, "TemporaryDirectory", Measured)
    yield sizes


def _bomb(package: Path, tmp_path: Path, size: int, *, honest_oxum: bool) -> Path:
    """The package with one more master: `size` bytes of zeros, deflated to almost nothing, listed in the manifest
    with its true SHA-256. Payload-Oxum still declares the package's real size, unless `honest_oxum`."""
    chunk = b"\0" * 2**20
    digest = hashlib.sha256()
    for _ in range(size // len(chunk)):
        digest.update(chunk)
    out = tmp_path / "bom.zip"
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith("/manifest-sha256.txt"):
                data += f"{digest.hexdigest()}  data/masters/page-0009.jpg\n".encode()
            if item.filename.endswith("/bag-info.txt") and honest_oxum:
                text = data.decode()
                declared = next(line for line in text.splitlines() if line.startswith("Payload-Oxum"))
                total, count = map(int, declared.split(":")[1].strip().split("."))
                data = text.replace(declared, f"Payload-Oxum: {total + size}.{count + 1}").encode()
            dst.writestr(item.filename, data)
        with dst.open("QTI-LS-07956-CM/data/masters/page-0009.jpg", "w", force_zip64=True) as member:
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return out


BOMB = 256 * 2**20


def test_m4_a_zip_bomb_is_refused_after_writing_at_most_the_declared_size(martyr_dossier, tmp_path, archivist,
                                                                          monkeypatch, capsys):
    package = _packed_then_gone(martyr_dossier, tmp_path)
    with zipfile.ZipFile(package) as zf:
        info = zf.read("QTI-LS-07956-CM/bag-info.txt").decode()
        unpacked = sum(i.file_size for i in zf.infolist())
    declared = int(info.split("Payload-Oxum:")[1].split(".")[0])
    bomb = _bomb(package, tmp_path, BOMB, honest_oxum=False)
    assert bomb.stat().st_size < BOMB / 500
    with _measured(monkeypatch) as written:
        with pytest.raises(PackageError) as refused:
            import_package(actor=archivist, path=bomb)
    assert refused.value.code == "too_large" and "Payload-Oxum" in refused.value.reason
    assert written and max(written) <= unpacked  # at most the declared size (the tag files and payload), not 256 MB
    assert max(written) <= declared + 2**20
    assert _refused_by_the_command(bomb, capsys)["code"] == "too_large"
    with capsys.disabled():
        print(f"\nbomb of {bomb.stat().st_size} bytes unpacking to {BOMB}: {max(written)} bytes written")
    _nothing_registered()


def test_m4_a_zip_bomb_that_declares_its_size_meets_the_ratio_and_the_hard_cap(martyr_dossier, tmp_path, archivist,
                                                                               monkeypatch, settings):
    package = _packed_then_gone(martyr_dossier, tmp_path)
    bomb = _bomb(package, tmp_path, BOMB, honest_oxum=True)
    with _measured(monkeypatch) as written:
        with pytest.raises(PackageError, match="nén quá mức") as refused:
            import_package(actor=archivist, path=bomb)
    assert refused.value.code == "too_large" and max(written) < 2**20
    settings.HOSO_PACKAGE_MAX_RATIO = 10_000  # the ratio allowed: the hard cap still holds
    settings.HOSO_PACKAGE_MAX_BYTES = 64 * 2**20
    with _measured(monkeypatch) as written:
        with pytest.raises(PackageError, match="quá lớn") as refused:
            import_package(actor=archivist, path=bomb)
    assert refused.value.code == "too_large" and max(written) < 2**20
    _nothing_registered()


def test_m4_unpacking_is_bounded_while_it_streams_even_without_the_zip_sizes(martyr_dossier, tmp_path, archivist,
                                                                              monkeypatch):
    """The check of the sizes the .zip declares taken away: the bytes written are still counted, chunk by chunk."""
    package = _packed_then_gone(martyr_dossier, tmp_path)
    with zipfile.ZipFile(package) as zf:
        info = zf.read("QTI-LS-07956-CM/bag-info.txt").decode()
    declared = int(info.split("Payload-Oxum:")[1].split(".")[0])
    bomb = _bomb(package, tmp_path, BOMB, honest_oxum=False)
    monkeypatch.setattr(package_files, "_precheck", lambda *args, **kwargs: None)
    with _measured(monkeypatch) as written:
        with pytest.raises(PackageError, match="Payload-Oxum") as refused:
            import_package(actor=archivist, path=bomb)
    assert refused.value.code == "too_large"
    assert max(written) <= declared + package_files.OXUM_MARGIN + declared // 100 + package_files.TAG_BUDGET
    assert max(written) < 3 * 2**20  # not 256 MB
    _nothing_registered()


def test_h3_importing_a_package_of_a_dossier_out_of_reach_is_no_oracle(actor, archivist, cleared, martyr_dossier,
                                                                        tmp_path):
    """A package whose dossier is already here but "mật" (or another commune's) answers neither "unchanged" nor
    "differs in …" to someone who may not see it: the words of a number that cannot be used."""
    out = tmp_path / "goi.zip"
    export_package(actor=None, number=martyr_dossier.number, out=out)
    records.update_dossier(actor=actor, dossier=martyr_dossier, confidentiality="mat")
    with pytest.raises(PackageError) as refused:
        import_package(actor=archivist, path=out)
    assert refused.value.reason == NUMBER_UNAVAILABLE.format(number=martyr_dossier.number)
    records.update_dossier(actor=actor, dossier=martyr_dossier, title="Tiêu đề khác gói")
    with pytest.raises(PackageError) as refused_again:
        import_package(actor=archivist, path=out)
    assert refused_again.value.reason == refused.value.reason  # the same answer whether the content differs or not
    with pytest.raises(PackageError, match="khác ở"):  # someone who may see it is told what differs
        import_package(actor=cleared, path=out)
