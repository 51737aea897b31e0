"""Page work benchmark: reordering, grouping into documents, the viewer and the per-file upload of the web UI on
one dossier of N pages (a thick martyr dossier has a few hundred).

    .venv/bin/python bench/pages.py                 # 300 pages (SQLite in a temporary HOSO_DATA_DIR)
    .venv/bin/python bench/pages.py --pages 40      # smoke size

Pages are small distinct PNGs taken in through capture.services.receive_file (no processing: the numbers are
the web and database work, not OCR). Viewer and upload timings go through Django's test client (no network).
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _png(shade: int, mark: int) -> bytes:
    from PIL import Image

    image = Image.new("L", (320, 420), shade % 256)
    image.putpixel((mark % 320, (mark // 320) % 420), (shade + 128) % 256)  # distinct bytes per page
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _timed(fn, repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="hoso-bench-pages-")
    os.environ.setdefault("HOSO_DATA_DIR", data)
    os.environ.setdefault("HOSO_BLOB_BACKEND", "local")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["*"]
    from hoso.access.permissions import Role
    from hoso.access.services import create_user
    from hoso.capture import services
    from hoso.records import services as records

    operator = create_user(actor=None, username="bench-pages", password="mat-khau-rat-dai-2025",
                           role=Role.DATA_ENTRY, scope_all=True)
    person = records.create_person(actor=None, full_name="Nguyễn Văn Thử")
    dossier = records.register_dossier(actor=None, number="QTI/LS-90001/CM", category_code="LS", subject=person)
    batch = services.start_batch(actor=operator, name="bench", run_ocr=False)
    n = args.pages
    work = Path(data) / "in"
    work.mkdir()
    started = time.perf_counter()
    for i in range(n):
        path = work / f"{i:04d}.png"
        path.write_bytes(_png(i, i))
        services.receive_file(actor=operator, batch=batch, dossier=dossier, path=path, name=path.name)
    intake_ms = (time.perf_counter() - started) * 1000 / n

    ids = list(dossier.pages.order_by("sequence").values_list("pk", flat=True))
    reverse_ms = _timed(lambda: services.reorder_pages(actor=operator, dossier=dossier, page_ids=ids[::-1]))[0]
    first = dossier.pages.order_by("sequence").first()
    move_ms = _timed(lambda: services.move_page(actor=operator, page=first, to=n), repeat=1)[0]
    docs = max(1, n // 5)
    group_started = time.perf_counter()
    for d in range(docs):
        services.group_pages(actor=operator, dossier=dossier, page_from=d * 5 + 1, page_to=min(n, d * 5 + 5),
                             doc_type="Giấy xác nhận", number=str(d + 1))
    group_ms = (time.perf_counter() - group_started) * 1000 / docs
    # With documents in place, a reorder also moves their page ranges.
    ids = list(dossier.pages.order_by("sequence").values_list("pk", flat=True))
    reverse_docs_ms = _timed(lambda: services.reorder_pages(actor=operator, dossier=dossier, page_ids=ids[::-1]))[0]

    client = Client()
    client.force_login(operator)
    url = f"/so-hoa/ho-so/{dossier.number}/"
    client.get(url)  # warm up templates
    viewer = _timed(lambda: client.get(url + f"?p={n // 2}"), repeat=15)
    strip = _timed(lambda: client.get(url + "trang-thai/"), repeat=15)
    uploads = []
    for i in range(15):
        upload = SimpleUploadedFile(f"u{i}.png", _png(i, 100_000 + i))
        uploads += _timed(lambda u=upload: client.post(url + "tai-len/", {"files": u, "paths": u.name},
                                                       HTTP_ACCEPT="application/json"))

    def p95(values: list[float]) -> float:
        return sorted(values)[max(0, int(len(values) * 0.95) - 1)]

    print(f"Page work on one dossier of {n} pages ({settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})")
    print(f"{'step':<48}{'ms':>10}")
    rows = [
        ("receive_file, per page (store + queue)", intake_ms),
        (f"reorder_pages, reverse all {n}", reverse_ms),
        ("move_page, first to last", move_ms),
        (f"group_pages, per document ({docs} of 5 pages)", group_ms),
        (f"reorder_pages, reverse all, {docs} documents follow", reverse_docs_ms),
        ("viewer page (GET), p50", statistics.median(viewer)),
        ("viewer page (GET), p95", p95(viewer)),
        ("thumbnail strip poll (GET), p50", statistics.median(strip)),
        ("upload one file (XHR POST, JSON), p50", statistics.median(uploads)),
    ]
    for label, ms in rows:
        print(f"{label:<48}{ms:>10.1f}")


if __name__ == "__main__":
    main()
