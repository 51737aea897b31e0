"""Hot folder: a dossier folder is taken in once the scanner has stopped writing to it, again when pages are
added, never twice for the same pages, and nothing in the folder is moved or changed."""

import io
import json

from django.core.management import call_command

from hoso.capture.hotfolder import HotFolder
from hoso.records.models import Page

from .conftest import make_folder


def test_a_folder_is_taken_only_when_it_has_settled_and_again_when_it_changes(tmp_path, scans):
    root = make_folder(tmp_path / "SCAN", {"QTI-LS-07956-CM": {"1.jpg": scans["small"][0]}})
    hot = HotFolder.open(root, tmp_path / "data", settle=30)
    assert hot.ready(now=0) == []  # first sight: maybe still being written
    assert hot.ready(now=10) == []  # unchanged, but not for 30 s yet
    (root / "QTI-LS-07956-CM" / "2.jpg").write_bytes(scans["typical"][0])  # the scanner writes another page
    assert hot.ready(now=35) == []  # changed: the wait starts again
    assert hot.ready(now=70) == ["QTI-LS-07956-CM"]
    hot.mark_taken(["QTI-LS-07956-CM"])
    assert hot.ready(now=200) == []
    # A restarted watcher remembers what it took.
    again = HotFolder.open(root, tmp_path / "data", settle=30)
    assert again.ready(now=0) == [] and again.ready(now=100) == []
    (root / "QTI-LS-07956-CM" / "3.jpg").write_bytes(scans["small"][0][:-1])
    assert again.ready(now=110) == [] and again.ready(now=150) == ["QTI-LS-07956-CM"]


def test_watching_takes_in_pages_once_and_leaves_the_folder_as_it_was(tmp_path, scans, martyr_dossier, settings):
    settings.DATA_DIR = tmp_path / "data"
    root = make_folder(tmp_path / "SCAN", {"QTI-LS-07956-CM": {"1.jpg": scans["small"][0],
                                                               "2.jpg": scans["typical"][0]}})
    before = sorted((p.name, p.read_bytes()) for p in (root / "QTI-LS-07956-CM").iterdir())
    out = io.StringIO()
    call_command("ingest", str(root), watch=True, settle=0, interval=0, max_polls=4, json=True, no_ocr=True,
                 jobs=1, stdout=out)
    reports = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(reports) == 1 and reports[0]["pages_added"] == 2 and reports[0]["done"] == 2
    assert Page.objects.filter(dossier=martyr_dossier).count() == 2
    assert sorted((p.name, p.read_bytes()) for p in (root / "QTI-LS-07956-CM").iterdir()) == before
    # A page added later is taken; the two already there are not added again.
    (root / "QTI-LS-07956-CM" / "3.jpg").write_bytes(scans["phone"][0])
    out = io.StringIO()
    call_command("ingest", str(root), watch=True, settle=0, interval=0, max_polls=3, json=True, no_ocr=True,
                 jobs=1, stdout=out)
    (report,) = [json.loads(line) for line in out.getvalue().splitlines()]
    assert report["pages_added"] == 1 and report["pages_skipped"] == 2
    assert Page.objects.filter(dossier=martyr_dossier).count() == 3
