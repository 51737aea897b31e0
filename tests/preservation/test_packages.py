"""Transfer packages: export here, import into a second install (its own data folder and database, driven
through the `hoso` command in a subprocess), every field and file byte equal; tampered bags refused with
the reason; a second import changes nothing; mets.xml lists every file; access rules on export."""

import json
import shutil
import uuid
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from hoso.access.permissions import Role
from hoso.capture import services as capture
from hoso.capture.worker import run_worker
from hoso.core.blobs import blob_store
from hoso.core.models import AuditEvent
from hoso.gazetteer.models import AdminUnit
from hoso.imaging.specimen import encode, scanned_page
from hoso.preservation.mets import mets_events, mets_files, mets_page_files
from hoso.preservation.services.packages import PackageError, export_package
from hoso.records import services as records
from hoso.records.as_json import dossier_to_dict
from hoso.records.models import Dossier
from hoso.vntext import PartialDate

pytestmark = pytest.mark.usefixtures("blob_dir")


@pytest.fixture(scope="module")
def second(make_install):
    """Another office's hoso (tests/conftest.py make_install), in Quảng Bình."""
    install = make_install("second-install", HOSO_PROVINCE_CODE="QBH", HOSO_AGENCY_NAME="Sở Nội vụ tỉnh Quảng Bình")
    install.run("migrate", "--no-input")
    return install


@pytest.fixture
def digitised(actor, archivist, scanner, tmp_path):
    """A martyr dossier with relatives (one drawing a survivor allowance), a decision, an assessment-free
    history, two documents and three scanned pages (the first read by OCR), processed by the real pipeline."""
    person = records.create_person(actor=actor, full_name="Hoàng Văn Thụ", sex="nam", birth_date=PartialDate(1949, 3),
                                   death_date=PartialDate(1972, 7, 28), hometown_text="xã Gio Mỹ, huyện Gio Linh",
                                   aliases=["Hai Thụ"], national_id="045049001234", ethnicity="Kinh")
    dossier = records.register_dossier(actor=actor, number="QTI/LS-04321/CM", category_code="LS", subject=person,
                                       fonds_code="P01", catalogue="03/1995", keywords="liệt sĩ; Thành cổ",
                                       start_date=PartialDate(1972, 8), sheet_count=3, annotation="Bìa rách góc")
    records.set_martyr_facts(actor=actor, dossier=dossier, place_of_sacrifice="Thành cổ Quảng Trị",
                             unit="Tiểu đoàn 3, Trung đoàn 48", rank="Trung sĩ", certificate_number="KT-12345",
                             certificate_date=PartialDate(1974, 1, 15), grave_status="da_tim_thay",
                             cemetery="Nghĩa trang liệt sĩ Đường 9", grave_plot="B", grave_row="4", grave_number="12")
    mother = records.create_person(actor=actor, full_name="Lê Thị Lan", sex="nu", birth_date=PartialDate(1925))
    records.link_relative(actor=actor, dossier=dossier, person=mother, relationship="me", receives_benefit=True,
                          keeps_worship=True, note="Ở cùng con gái")
    records.add_decision(actor=actor, dossier=dossier, beneficiary=mother, kind="tuat", number="215/QĐ-LĐTBXH",
                         signed_on=PartialDate(1996, 4, 2), signer="Giám đốc Sở", monthly_amount=2_789_000,
                         starts_on=PartialDate(1996, 5))
    records.add_decision(actor=actor, dossier=dossier, kind="cong_nhan", number="12/QĐ-TTg",
                         signed_on=PartialDate(1973, 12))
    records.add_document(actor=actor, dossier=dossier, sequence=1, doc_type="Giấy báo tử", number="45",
                         symbol="GBT", issued_on=PartialDate(1972, 9, 1), issuer="Trung đoàn 48",
                         summary="Báo tử đồng chí Hoàng Văn Thụ", handwriting="Chữ ký, dấu đỏ")
    records.add_document(actor=actor, dossier=dossier, sequence=2, doc_type="Bằng Tổ quốc ghi công",
                         confidentiality="thuong")
    folder = tmp_path / "scans"
    folder.mkdir()
    pages = [scanned_page(seed=31 + i, sentences=3) for i in range(3)]
    for i, page in enumerate(pages, start=1):
        (folder / f"{i}.jpg").write_bytes(encode(page.image, "jpeg", quality=70))
    for i in range(1, 4):
        batch = capture.start_batch(actor=scanner, name=f"đợt {i}", run_ocr=(i == 1))
        capture.receive_file(actor=scanner, batch=batch, dossier=dossier, path=folder / f"{i}.jpg", name=f"{i}.jpg")
    run_worker(until_empty=True)
    dossier.refresh_from_db()
    first_doc = dossier.documents.get(sequence=1)
    dossier.pages.filter(sequence__in=[1, 2]).update(document=first_doc)  # as the page editor would group them
    assert dossier.pages.filter(state="done").count() == 3
    assert dossier.access_copy.page_count == 3
    return dossier


def _normalised(data: dict) -> dict:
    """show --json with install-local ids (a decision's beneficiary) left out."""
    data = json.loads(json.dumps(data, default=str))
    for decision in data["decisions"]:
        decision.pop("beneficiary", None)
    return data


def _export(number: str, out: Path, actor=None) -> dict:
    return export_package(actor=actor, number=number, out=out).as_dict()


def _retouch(package: Path, tmp_path: Path, change) -> Path:
    """Unzip, let `change` alter the bag folder, zip again (what someone editing a package would do)."""
    work = tmp_path / f"work-{uuid.uuid4().hex[:6]}"
    with zipfile.ZipFile(package) as zf:
        zf.extractall(work)
    (bag,) = list(work.iterdir())
    change(bag)
    out = tmp_path / f"{uuid.uuid4().hex[:6]}.zip"
    with zipfile.ZipFile(out, "w") as zf:
        for path in sorted(bag.rglob("*")):
            if path.is_file():
                zf.write(path, f"{bag.name}/{path.relative_to(bag).as_posix()}")
    return out


def test_round_trip_into_a_second_install_keeps_every_field_and_byte(digitised, second, tmp_path, archivist):
    out = tmp_path / "goi.zip"
    report = _export(digitised.number, out, actor=archivist)
    assert report["pages"] == 3 and report["size"] == out.stat().st_size
    assert AuditEvent.objects.filter(action="export", object_id=str(digitised.pk), actor=archivist).exists()

    proc = second.run("import_package", str(out), "--json")
    result = json.loads(proc.stdout)
    assert result["status"] == "imported", result
    assert result["dossier_number"] == "QTI/LS-04321/CM" and result["pages"] == 3

    here = _normalised(dossier_to_dict(Dossier.objects.get(pk=digitised.pk)))
    there = _normalised(second.show(digitised.number))
    assert there == here
    assert there["pages"][0]["ocr_text"]  # the OCR text travelled
    assert {d["number"] for d in there["decisions"]} == {"215/QĐ-LĐTBXH", "12/QĐ-TTg"}
    # Every file, byte for byte, in the second install's own store.
    store = blob_store()
    digitised.refresh_from_db()
    digests = [digitised.access_copy.sha256]
    for page in digitised.pages.all():
        digests += [page.master_sha256, page.access_sha256, page.thumbnail_sha256]
    for digest in digests:
        assert second.blobs.read_bytes(digest) == store.read_bytes(digest)
    # The beneficiary of the survivor allowance is the mother there too, and provenance is recorded.
    rows = second.query("SELECT p.full_name FROM records_benefitdecision d JOIN records_person p "
                        "ON p.id = d.beneficiary_id WHERE d.number = '215/QĐ-LĐTBXH'")
    assert rows == [("Lê Thị Lan",)]
    provenance = second.query("SELECT source_province, source_agency, bag_sha256 FROM archive_packageimport")
    assert provenance == [("Quảng Trị", "Sở Nội vụ tỉnh Quảng Trị", report["bag_sha256"])]

    # It is found by search there, and every stored file and the audit chain check out.
    found = json.loads(second.run("search", "hoang van thu 1949", "--json").stdout)
    assert found["results"][0]["dossier_number"] == digitised.number
    checked = json.loads(second.run("verify", "--fixity", "--audit", "--json").stdout)
    assert checked["audit"]["ok"] and checked["fixity"]["ok"] and checked["fixity"]["checked"] >= 10

    # Importing the same bag again changes nothing and says so.
    counts = second.query("SELECT (SELECT COUNT(*) FROM records_person), (SELECT COUNT(*) FROM records_page), "
                          "(SELECT COUNT(*) FROM archive_packageimport)")
    again = second.run("import_package", str(out), "--json")
    assert json.loads(again.stdout)["status"] == "already_imported"
    plain = second.run("import_package", str(out))
    assert "đã được nhập" in plain.stdout and "không thay đổi gì" in plain.stdout
    assert second.query("SELECT (SELECT COUNT(*) FROM records_person), (SELECT COUNT(*) FROM records_page), "
                        "(SELECT COUNT(*) FROM archive_packageimport)") == counts
    # A new export of the same dossier (another bag, same content) is recognised as already here.
    newer = tmp_path / "goi-2.zip"
    _export(digitised.number, newer)
    assert json.loads(second.run("import_package", str(newer), "--json").stdout)["status"] == "unchanged"

    # Exported again from the second install, the history of the first comes along.
    back = second.data / "ve.zip"
    second.run("export_package", digitised.number, "--out", str(back))
    with zipfile.ZipFile(back) as zf:
        mets = zf.read("QTI-LS-04321-CM/data/mets.xml")
    kinds = [e["type"] for e in mets_events(mets)]
    assert {"capture", "ocr", "packing", "accession", "unpacking"} <= set(kinds)


def test_a_dossier_number_here_with_other_content_is_refused_not_overwritten(digitised, second, tmp_path):
    out = tmp_path / "goi.zip"
    _export(digitised.number, out)
    second.run("import_package", str(out), check=False)
    records.update_dossier(actor=None, dossier=digitised, annotation="Đã bổ sung giấy xác nhận")
    changed = tmp_path / "goi-sua.zip"
    _export(digitised.number, changed)
    proc = second.run("import_package", str(changed), check=False)
    assert proc.returncode == 1
    assert "đã có trong hệ thống với nội dung khác" in proc.stderr and "không ghi đè" in proc.stderr
    assert "metadata" in proc.stderr
    assert second.show(digitised.number)["metadata"]["annotation"] == "Bìa rách góc"


@pytest.mark.parametrize("tamper, reason", [
    ("flip", "Tệp data/masters/page-0002.jpg đã bị thay đổi: SHA-256 ghi trong gói là"),
    ("missing", "Thiếu tệp data/masters/page-0003.jpg"),
    ("metadata", "Tệp data/metadata.json đã bị thay đổi"),
    ("extra", "Tệp data/masters/page-0004.jpg không có trong danh sách kiểm tra của gói"),
    ("manifest", "Tệp manifest-sha256.txt đã bị thay đổi"),
    ("rebuilt", "Tệp metadata.json: SHA-256 trong mets.xml khác trong manifest"),
])
def test_a_tampered_or_incomplete_bag_is_refused_with_the_reason(digitised, second, tmp_path, tamper, reason):
    out = tmp_path / "goi.zip"
    _export(digitised.number, out)

    def change(bag: Path) -> None:
        data = bag / "data"
        if tamper == "flip":
            raw = bytearray((data / "masters/page-0002.jpg").read_bytes())
            raw[len(raw) // 2] ^= 0x01
            (data / "masters/page-0002.jpg").write_bytes(bytes(raw))
        elif tamper == "missing":
            (data / "masters/page-0003.jpg").unlink()
        elif tamper == "metadata":
            meta = json.loads((data / "metadata.json").read_text())
            meta["dossier"]["person"]["full_name"] = "Hoàng Văn Thú"
            (data / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False))
        elif tamper == "extra":
            shutil.copy(data / "masters/page-0001.jpg", data / "masters/page-0004.jpg")
        elif tamper == "manifest":  # the edit covered up in the payload manifest: the tag manifest still tells
            meta = json.loads((data / "metadata.json").read_text())
            meta["dossier"]["person"]["full_name"] = "Hoàng Văn Thú"
            (data / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False))
            import hashlib

            digest = hashlib.sha256((data / "metadata.json").read_bytes()).hexdigest()
            lines = [(f"{digest}  data/metadata.json" if line.endswith(" data/metadata.json") else line)
                     for line in (bag / "manifest-sha256.txt").read_text().splitlines()]
            (bag / "manifest-sha256.txt").write_text("\n".join(lines) + "\n")
        elif tamper == "rebuilt":  # both manifests made again around the edit: mets.xml still disagrees
            import bagit

            meta = json.loads((data / "metadata.json").read_text())
            meta["dossier"]["person"]["full_name"] = "Hoàng Văn Thú"
            (data / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False))
            bagit.Bag(str(bag)).save(manifests=True)

    proc = second.run("import_package", str(_retouch(out, tmp_path, change)), "--json", check=False)
    assert proc.returncode == 1
    assert reason in proc.stderr
    report = json.loads(proc.stdout)
    assert report["status"] == "refused" and reason in report["reason"]
    assert second.query("SELECT COUNT(*) FROM records_dossier WHERE number = 'QTI/LS-04321/CM'") in ([(0,)], [(1,)])


def test_a_bag_rebuilt_around_edited_files_is_refused_by_the_checksum_on_the_slip(digitised, second, tmp_path):
    out = tmp_path / "goi.zip"
    report = _export(digitised.number, out)

    def rebuild(bag: Path) -> None:
        import bagit

        (bag / "data/text/page-0001.txt").write_text("chữ khác", encoding="utf-8")
        bagit.Bag(str(bag)).save(manifests=True)

    forged = _retouch(out, tmp_path, rebuild)
    proc = second.run("import_package", str(forged), "--checksum", report["bag_sha256"], check=False)
    assert proc.returncode == 1 and "khác mã ghi trên phiếu" in proc.stderr


def test_a_byte_flipped_inside_the_zip_itself_is_refused(digitised, second, tmp_path):
    out = tmp_path / "goi.zip"
    _export(digitised.number, out)
    with zipfile.ZipFile(out) as zf:
        info = zf.getinfo("QTI-LS-04321-CM/data/masters/page-0001.jpg")
    raw = bytearray(out.read_bytes())
    raw[info.header_offset + 200] ^= 0xFF  # inside the stored (uncompressed) image bytes
    broken = tmp_path / "hong.zip"
    broken.write_bytes(bytes(raw))
    proc = second.run("import_package", str(broken), check=False)
    assert proc.returncode == 1
    assert "page-0001.jpg" in proc.stderr and "bị hỏng" in proc.stderr


def test_mets_lists_every_page_file_and_the_structure(digitised, tmp_path):
    out = tmp_path / "goi.zip"
    _export(digitised.number, out)
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        mets = zf.read("QTI-LS-04321-CM/data/mets.xml")
        manifest = zf.read("QTI-LS-04321-CM/manifest-sha256.txt").decode()
    files = mets_files(mets)
    for seq in (1, 2, 3):
        for href in (f"masters/page-{seq:04d}.jpg", f"access/pages/page-{seq:04d}.pdf",
                     f"access/thumbnails/page-{seq:04d}.jpg", f"text/page-{seq:04d}.txt"):
            assert href in files and f"QTI-LS-04321-CM/data/{href}" in names
            assert f"{files[href]['sha256']}  data/{href}" in manifest
    assert "access/dossier.pdf" in files and files["access/dossier.pdf"]["group"] == "DOSSIER_PDF"
    assert mets_page_files(mets)[2] == ["M0002", "A0002", "TH0002", "T0002"]
    page = digitised.pages.get(sequence=1)
    assert files["masters/page-0001.jpg"]["sha256"] == page.master_sha256
    assert {"QTI-LS-04321-CM/bagit.txt", "QTI-LS-04321-CM/bag-info.txt",
            "QTI-LS-04321-CM/tagmanifest-sha256.txt", "QTI-LS-04321-CM/data/metadata.json"} <= names


def test_export_needs_the_archive_permission_and_access_to_the_dossier(digitised, tmp_path, actor, make_user):
    old = AdminUnit.objects.create(code="19372", name="Xã Gio Mỹ", name_folded="xa gio my", level="commune")
    other = AdminUnit.objects.create(code="19999", name="Xã Vĩnh Quang", name_folded="xa vinh quang",
                                     level="commune")
    records.update_person(actor=actor, person=digitised.subject, residence_unit=old)
    commune = make_user(Role.COMMUNE_OFFICER, username="canboxa", full_name="Cán bộ xã", scope=other)
    with pytest.raises(PermissionDenied):
        _export(digitised.number, tmp_path / "a.zip", actor=commune)
    # An archivist whose scope is another commune does not find it either.
    scoped = make_user(Role.ARCHIVIST, username="luutruxa", full_name="Lưu trữ xã", scope=other)
    with pytest.raises(PackageError, match="Không tìm thấy hồ sơ QTI/LS-04321/CM"):
        _export(digitised.number, tmp_path / "b.zip", actor=scoped)
    assert not (tmp_path / "a.zip").exists() and not (tmp_path / "b.zip").exists()
    own = make_user(Role.ARCHIVIST, username="luutrugiomy", full_name="Lưu trữ Gio Mỹ", scope=old)
    assert _export(digitised.number, tmp_path / "c.zip", actor=own)["pages"] == 3


def test_pages_still_processing_are_not_packed(martyr_dossier, tmp_path, actor):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "1.jpg").write_bytes(encode(scanned_page(seed=5, sentences=2).image, "jpeg", quality=70))
    batch = capture.start_batch(actor=actor, name="x", run_ocr=False)
    capture.receive_file(actor=actor, batch=batch, dossier=martyr_dossier, path=folder / "1.jpg", name="1.jpg")
    with pytest.raises(PackageError, match="còn 1 trang đang chờ xử lý"):
        _export(martyr_dossier.number, tmp_path / "x.zip")


def test_the_cli_reports_json_and_errors_on_stderr(martyr_dossier, tmp_path, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = tmp_path / "ls.zip"
    call_command("export_package", martyr_dossier.number, "--out", str(out), "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["dossier_number"] == "QTI/LS-07956/CM" and report["pages"] == 0 and out.exists()
    with pytest.raises(CommandError, match="Không tìm thấy hồ sơ QTI/LS-99999/CM"):
        call_command("export_package", "QTI/LS-99999/CM", "--out", str(tmp_path / "no.zip"))
    assert connection.vendor in {"sqlite", "postgresql"}


def test_places_unknown_to_the_receiving_install_are_kept_as_written_with_a_warning(actor, second, tmp_path):
    commune = AdminUnit.objects.create(code="19270", name="Xã Triệu Long", name_folded="xa trieu long",
                                       level="commune")
    person = records.create_person(actor=actor, full_name="Trần Thị Hoa", residence_text="thôn An Lợi, Triệu Long",
                                   residence_unit=commune)
    dossier = records.register_dossier(actor=actor, number="QTI/BM-00042/CM", category_code="BM", subject=person)
    out = tmp_path / "bm.zip"
    _export(dossier.number, out)
    result = json.loads(second.run("import_package", str(out), "--json").stdout)
    assert result["status"] == "imported"
    assert result["warnings"] == ["Đơn vị hành chính Xã Triệu Long (19270) chưa có trong danh mục ở đây: giữ địa chỉ "
                                  "như ghi trong hồ sơ."]
    person_there = second.show(dossier.number)["person"]
    assert person_there["residence"] == "thôn An Lợi, Triệu Long" and person_there["residence_unit"] is None
