"""Backups that restore: `hoso backup` → a new, empty install → `hoso restore` → everything back and intact.

The commands run as separate processes on databases of their own (fresh SQLite files, or fresh PostgreSQL
databases beside the configured one when the suite runs on PostgreSQL): the restore goes into another data
folder and another database, while the original install is moved out of the way.
"""

import functools
import json
import os
import subprocess

import pytest

from ..helpers import Install

SETUP = """
import sys, tempfile
from pathlib import Path
from hoso.access.services import system_user
from hoso.capture import services as capture
from hoso.imaging.specimen import encode, scanned_page
from hoso.records import services
actor = system_user()
person = services.create_person(actor=actor, full_name="Nguyễn Văn Đức")
services.register_dossier(actor=actor, number="QTI/LS-07956/CM", category_code="LS", subject=person)
person = services.create_person(actor=actor, full_name="Lê Thị Hoa")
services.register_dossier(actor=actor, number="QTI/BM-00012/CM", category_code="BM", subject=person)
"""

ADD_PAGES = """
import sys, tempfile
from pathlib import Path
from hoso.access.services import system_user
from hoso.capture import services as capture
from hoso.imaging.specimen import encode, scanned_page
from hoso.records.models import Dossier
actor = system_user()
number, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
dossier = Dossier.objects.get(number=number)
batch = capture.start_batch(actor=actor, name="thử sao lưu", run_ocr=False)
folder = Path(tempfile.mkdtemp())
for seed in range(first, first + count):
    path = folder / f"trang-{seed}.jpg"
    path.write_bytes(encode(scanned_page(seed=seed, sentences=2).image, "jpeg", quality=70))
    capture.receive_file(actor=actor, batch=batch, dossier=dossier, path=path, name=path.name)
"""


@pytest.fixture(scope="module")
def installs(make_install):
    """Empty installs (tests/conftest.py make_install) whose fixity checks run at full speed."""
    return functools.partial(make_install, HOSO_FIXITY_RATE_MB="0")


@pytest.fixture(scope="module")
def original(installs):
    """Two dossiers, three processed pages (master, access PDF/A, thumbnail) and the dossier's access copy."""
    install = installs("original")
    install.run("migrate", "--verbosity", "0")
    install.run("shell", "-c", SETUP)
    install.run("shell", "-c", ADD_PAGES.replace("sys.argv[1], int(sys.argv[2]), int(sys.argv[3])",
                                                 '"QTI/LS-07956/CM", 1, 3'))
    install.run("worker", "--until-empty")
    return install


def _blob_columns(install: Install) -> set[str]:
    rows = install.query("SELECT master_sha256 FROM records_page UNION SELECT access_sha256 FROM records_page "
                         "UNION SELECT thumbnail_sha256 FROM records_page UNION SELECT screen_sha256 FROM records_page "
                         "UNION SELECT sha256 FROM capture_accesscopy")
    return {value for (value,) in rows if value}


def _show(install: Install, number: str) -> dict:
    shown = install.json("show", number)
    return {"pages": shown["pages"], "person": shown.get("person"), "number": shown.get("number")}


def test_backup_wipe_restore_brings_back_every_dossier_page_file_and_audit_event(original, installs, tmp_path):
    assert original.query("SELECT COUNT(*) FROM records_page WHERE state = 'done'") == [(3,)], original.query(
        "SELECT sequence, state, error FROM records_page")
    events = original.query("SELECT id, hash FROM access_auditevent ORDER BY id")
    report = original.json("backup", "--to", str(tmp_path / "a"), "--to", str(tmp_path / "b"))
    first, second = report["sets"]
    assert first["kind"] == second["kind"] == "full" and first["id"] == second["id"]
    referenced = _blob_columns(original)
    assert len(referenced) == 3 * 4 + 1 and first["blobs"] == 13  # 3 pages x 4 files + the dossier's PDF
    assert first["counts"] == {"dossiers": 2, "pages": 3, "audit_events": len(events)}
    # Each destination's backup is itself audited (after the snapshot).
    assert original.query("SELECT COUNT(*) FROM access_auditevent WHERE action = 'backup'") == [(2,)]
    before = _show(original, "QTI/LS-07956/CM")
    assert len(before["pages"]) == 3 and all(p["state"] == "done" for p in before["pages"])

    # The original install goes away (its folder renamed), then a new, empty install is restored from "b".
    moved = original.data.with_name(original.data.name + "-gone")
    original.data.rename(moved)
    try:
        target = installs("restored")
        restored = target.json("restore", str(tmp_path / "b"))
    finally:
        moved.rename(original.data)
    assert restored["ok"] and restored["chain"] == [first["id"]]
    assert restored["counts"] == first["counts"] and restored["blobs"] == 13
    assert _blob_columns(target) == referenced
    assert target.query("SELECT id, hash FROM access_auditevent ORDER BY id")[:-1] == events
    assert target.query("SELECT action FROM access_auditevent ORDER BY id DESC LIMIT 1") == [("restore",)]
    target.run("migrate", "--verbosity", "0")  # nothing to apply, and it must not fail
    check = target.json("verify", "--fixity", "--audit")
    assert check["audit"]["ok"] and check["fixity"]["ok"]
    assert check["fixity"]["checked"] == 13 and check["fixity"]["missing"] == check["fixity"]["changed"] == []
    assert _show(target, "QTI/LS-07956/CM") == before
    assert target.query("SELECT COUNT(*) FROM records_dossier") == [(2,)]

    # Restoring again into the (now full) install is refused, and nothing changes.
    again = target.run("restore", str(tmp_path / "b"), check=False)
    assert again.returncode != 0 and "không trống" in again.stderr
    assert target.query("SELECT COUNT(*) FROM records_dossier") == [(2,)]


def test_incremental_holds_only_the_new_page_and_a_new_snapshot_and_restores_the_chain(original, installs,
                                                                                       tmp_path):
    destination = tmp_path / "nightly"
    full = original.json("backup", "--to", str(destination))["sets"][0]
    assert full["kind"] == "full"
    nothing = original.json("backup", "--to", str(destination))["sets"][0]
    assert nothing["kind"] == "incremental" and nothing["blobs"] == 0 and nothing["parent"] == full["id"]

    known = _blob_columns(original)
    original.run("shell", "-c", ADD_PAGES.replace("sys.argv[1], int(sys.argv[2]), int(sys.argv[3])",
                                                  '"QTI/BM-00012/CM", 50, 1'))
    original.run("worker", "--until-empty")
    new = _blob_columns(original) - known
    assert len(new) == 5  # the page's master, access copy, thumbnail and screen image, and its dossier's new PDF
    incremental = original.json("backup", "--to", str(destination))["sets"][0]
    assert incremental["kind"] == "incremental" and incremental["parent"] == nothing["id"]
    manifest = json.loads((destination / incremental["id"] / "manifest.json").read_text())
    assert {b["sha256"] for b in manifest["blobs"]} == new
    assert manifest["counts"]["pages"] == full["counts"]["pages"] + 1
    assert (destination / incremental["id"] / manifest["database"]["file"]).stat().st_size > 0
    stored = {p.name for p in (destination / incremental["id"] / "blobs").glob("*/*/*")}
    assert stored == new

    verify = original.json("backup", "--verify", str(destination))
    assert verify["ok"] and len(verify["sets"]) == 3

    target = installs("chain")
    restored = target.json("restore", str(destination))
    assert restored["ok"] and restored["chain"] == [incremental["id"], nothing["id"], full["id"]]
    assert target.query("SELECT COUNT(*) FROM records_page") == [(full["counts"]["pages"] + 1,)]
    check = target.json("verify", "--fixity")
    assert check["fixity"]["ok"] and check["fixity"]["checked"] == len(known | new)

    # A chosen (older) set restores that moment: the full set alone.
    older = installs("older")
    assert older.json("restore", str(destination / full["id"]))["chain"] == [full["id"]]
    assert older.query("SELECT COUNT(*) FROM records_page") == [(full["counts"]["pages"],)]


def test_backup_verify_names_a_flipped_byte_in_a_backup_set(original, tmp_path):
    destination = tmp_path / "copy"
    full = original.json("backup", "--to", str(destination), "--full")["sets"][0]
    assert original.json("backup", "--verify", str(destination))["ok"]
    victim = sorted((destination / full["id"] / "blobs").glob("*/*/*"))[0]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    result = original.run("backup", "--verify", str(destination), "--json", check=False)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert not report["ok"] and report["sets"][0]["problems"] == [f"tệp {victim.name} bị thay đổi"]
    assert victim.name in result.stderr

    database = destination / full["id"] / json.loads((destination / full["id"] / "manifest.json").read_text())[
        "database"]["file"]
    with open(database, "r+b") as fh:
        fh.seek(200)
        byte = fh.read(1)
        fh.seek(200)
        fh.write(bytes([byte[0] ^ 0x80]))
    report = original.json("backup", "--verify", str(destination), check=False)
    assert any("cơ sở dữ liệu" in p for p in report["sets"][0]["problems"])


def test_a_broken_chain_is_reported_and_not_restored(original, installs, tmp_path):
    destination = tmp_path / "broken"
    full = original.json("backup", "--to", str(destination))["sets"][0]
    incremental = original.json("backup", "--to", str(destination))["sets"][0]
    manifest = destination / full["id"] / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"kind": "full"', '"kind": "full" '))
    report = original.json("backup", "--verify", str(destination), check=False)
    assert not report["ok"]
    assert any("đã bị thay đổi" in p for s in report["sets"] if s["id"] == incremental["id"] for p in s["problems"])
    target = installs("refused")
    refused = target.run("restore", str(destination), check=False)
    assert refused.returncode != 0 and "Không phục hồi" in refused.stderr


def test_restore_refuses_an_install_whose_store_already_has_files(original, installs, tmp_path):
    destination = tmp_path / "one"
    original.run("backup", "--to", str(destination))
    target = installs("storefull")
    digest = "ab" * 32
    (target.data / "blobs" / "ab" / "ab").mkdir(parents=True)
    (target.data / "blobs" / "ab" / "ab" / digest).write_bytes(b"x")
    refused = target.run("restore", str(destination), check=False)
    assert refused.returncode != 0 and "kho lưu tệp đã có tệp" in refused.stderr
    assert target.query("SELECT COUNT(*) FROM sqlite_master" if not target.database_url else
                        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'") == [(0,)]


def test_fixity_killed_with_sigkill_resumes_at_once_from_its_checkpoint(original):
    import signal
    import time

    proc = original.popen("verify", "--fixity", "--rate", "0.5", "--restart", stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            rows = original.query("SELECT id, checked, position FROM capture_fixityrun WHERE status = 'running'")
            if rows and rows[0][1] > 0:
                break
            assert time.monotonic() < deadline and proc.poll() is None, "no checkpoint written"
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)  # no chance to save anything more
    finally:
        proc.kill()
        proc.wait()
    run_id, checked, position = rows[0]
    assert 0 < checked < 13 and position
    result = original.json("verify", "--fixity", "--rate", "0")["fixity"]
    assert result["resumed"] and result["run"] == run_id and result["ok"]
    assert result["checked"] == len(_blob_columns(original))


def test_a_stored_file_that_no_longer_matches_is_left_out_of_the_backup_and_named(original, tmp_path):
    """Last in this module: it damages the original install's store (and mends it afterwards)."""
    destination = tmp_path / "damaged"
    full = original.json("backup", "--to", str(destination))["sets"][0]
    assert original.json("backup", "--verify", str(destination / full["id"]))["ok"]  # one set's folder
    victim = sorted((original.data / "blobs").glob("??/??/*"))[0]
    kept = victim.read_bytes()
    os.chmod(victim, 0o644)
    victim.write_bytes(kept[:-1] + bytes([kept[-1] ^ 0xFF]))
    try:
        result = original.run("backup", "--to", str(destination), "--full", "--json", check=False)
        assert result.returncode == 1 and victim.name in result.stderr
        report = json.loads(result.stdout)["sets"][0]
        assert report["unreadable"] == [{"sha256": victim.name, "reason": "changed"}]
        manifest = json.loads((destination / report["id"] / "manifest.json").read_text())
        assert victim.name not in {b["sha256"] for b in manifest["blobs"]}
        assert report["blobs"] == full["blobs"] - 1
    finally:
        victim.write_bytes(kept)
