"""`hoso demo` does the whole job: the server and, beside it, a task worker, so pages handed in are processed
without anyone starting anything else; the waiting pages say whether a worker runs; Ctrl+C stops both."""

import json
import signal
import socket
import subprocess
import time
import urllib.request

from django.test import Client
from django.utils import timezone

from hoso.capture.models import WorkerBeat
from hoso.imaging.specimen import encode, scanned_page
from hoso.records.models import Page


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _serving(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap/", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_the_demo_runs_a_worker_that_processes_uploads_and_stops_with_the_server(make_install, tmp_path):
    install = make_install("demo-worker")
    port = _free_port()
    demo = install.popen("demo", "--people", "20", "--no-scans", "--addr", f"127.0.0.1:{port}",
                         stdout=subprocess.PIPE)
    try:
        _wait_for(lambda: _serving(port), 180, "the demo server")
        _wait_for(lambda: install.query("SELECT COUNT(*) FROM capture_workerbeat")[0][0] >= 1, 60, "a worker beat")
        number = install.query("SELECT number FROM records_dossier ORDER BY number LIMIT 1")[0][0]
        folder = tmp_path / "in" / number.replace("/", "-")
        folder.mkdir(parents=True)
        page = scanned_page(seed=7, sentences=3)
        (folder / "trang 1.jpg").write_bytes(encode(page.image, "jpeg", quality=70))
        report = json.loads(install.run("ingest", str(tmp_path / "in"), "--enqueue", "--json").stdout)
        assert report["counts"]["queued"] == 1  # handed in only: the demo's worker must do the rest
        _wait_for(lambda: install.show(number)["pages"] and install.show(number)["pages"][0]["state"] == "done",
                  240, "the page to be processed")
    finally:
        demo.send_signal(signal.SIGINT)
        out, err = demo.communicate(timeout=90)
    assert demo.returncode == 0, err.decode()[-2000:]
    assert "Tiến trình xử lý nền" in out.decode()
    for role in ("luutru", "nhaplieu", "kiemtra", "lanhdao", "xa", "canbo", "kiemsoat", "quantri"):
        assert f"tên «{role}»" in out.decode()
    assert install.query("SELECT COUNT(*) FROM capture_workerbeat")[0][0] == 0  # the worker stopped too


def test_waiting_pages_say_whether_a_worker_runs(martyr_dossier, scanner):
    Page.objects.create(dossier=martyr_dossier, sequence=1, state=Page.State.QUEUED)
    client = Client()
    client.force_login(scanner)
    url = f"/so-hoa/ho-so/{martyr_dossier.number}/trang-thai/"
    assert "Không có tiến trình xử lý nền nào đang chạy" in client.get(url).content.decode()
    now = timezone.now()
    WorkerBeat.objects.create(worker_id="may:1:ab", started_at=now, seen_at=now)
    body = client.get(url).content.decode()
    assert "Tiến trình xử lý nền đang chạy (1, từ" in body and "Không có tiến trình" not in body
    WorkerBeat.objects.update(seen_at=now - timezone.timedelta(minutes=5))  # a worker killed: its beat ages out
    assert "Không có tiến trình xử lý nền nào đang chạy" in client.get(url).content.decode()
