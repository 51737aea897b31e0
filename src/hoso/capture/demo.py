"""Digitised dossiers for `hoso demo`: pages typeset from the dossiers' own facts, aged like old scans,
and taken through the real pipeline (the same intake, tasks and OCR as `hoso ingest`)."""

import random
import tempfile
from pathlib import Path

from hoso.access.models import User
from hoso.imaging.specimen import SENTENCES, age, encode, render_page
from hoso.records.models import Dossier, Page
from hoso.records.services import set_dossier_status

from . import services
from .intake import ingest_folder
from .worker import can_spawn_workers, run_worker, spawn_workers

HEADINGS = {"LS": "GIẤY BÁO TỬ", "AQ": "GIẤY CHỨNG NHẬN BỊ THƯƠNG", "BM": "QUYẾT ĐỊNH TẶNG DANH HIỆU",
            "BB": "BIÊN BẢN GIÁM ĐỊNH Y KHOA", "HH": "BIÊN BẢN GIÁM ĐỊNH Y KHOA"}


def _page_texts(dossier: Dossier, rng: random.Random, pages: int) -> list[str]:
    person = dossier.subject
    facts = [f"Họ và tên: {person.full_name}", f"Số hồ sơ: {dossier.number}"]
    if person.birth_date:
        facts.append(f"Năm sinh: {person.birth_date.year}")
    if person.hometown_text:
        facts.append(f"Quê quán: {person.hometown_text}")
    texts = []
    for i in range(pages):
        heading = HEADINGS.get(dossier.category.code, "BẢN KHAI CÁ NHÂN") if i == 0 else "TRANG TIẾP THEO"
        body = facts if i == 0 else [f"Hồ sơ {dossier.number} — {person.full_name}"]
        texts.append("\n".join([heading, *body, *rng.sample(SENTENCES, 5)]))
    return texts


def write_demo_scans(folder: Path, dossiers: list[Dossier], *, seed: int) -> int:
    """A scanner folder for these dossiers (2–3 pages each, one as a phone photo); returns the page count."""
    rng = random.Random(seed)
    count = 0
    for index, dossier in enumerate(dossiers):
        target = folder / dossier.number.replace("/", "-")
        target.mkdir(parents=True, exist_ok=True)
        for page_no, text in enumerate(_page_texts(dossier, rng, 3 if index == 0 else 2), start=1):
            page, _ = render_page(text)
            image = age(page, seed=seed + count, skew_deg=rng.uniform(-2.5, 2.5), noise=0.003,
                        fade=rng.uniform(0.1, 0.5), blur=0.6)
            if index == 1 and page_no == 2:  # photographed with a phone: sideways pixels, EXIF says so
                data = encode(image.rotate(90, expand=True), "jpeg", quality=80, exif_orientation=6)
                (target / f"trang-{page_no:03d}-anh-chup.jpg").write_bytes(data)
            else:
                (target / f"trang-{page_no:03d}.jpg").write_bytes(encode(image, "jpeg", quality=70))
            count += 1
    return count


def digitise_demo(*, actor: User, seed: int, jobs: int, dossier_count: int = 3) -> int:
    """Scan and process a few demo dossiers (once: skipped when pages exist); returns the pages processed."""
    if Page.objects.exists():
        return 0
    dossiers = []
    for code in ("LS", "AQ", "BM", "BB", "HH"):
        dossier = Dossier.objects.filter(category__code=code).select_related("subject", "category") \
            .order_by("number").first()
        if dossier is not None:
            dossiers.append(dossier)
        if len(dossiers) == dossier_count:
            break
    if not dossiers:
        return 0
    with tempfile.TemporaryDirectory(prefix="hoso-demo-scans-") as tmp:
        root = Path(tmp)
        write_demo_scans(root, dossiers, seed=seed)
        batch = services.start_batch(actor=actor, name="Đợt số hóa mẫu", folder="(hoso demo)")
        ingest_folder(actor=actor, root=root, batch=batch)
    if jobs > 1 and can_spawn_workers():
        def wait(procs) -> None:
            run_worker(until_empty=True)  # this process is one of the workers
            for proc in procs:
                proc.wait()

        errors = spawn_workers(jobs - 1, wait=wait)
        if errors:
            raise RuntimeError("\n".join(errors))
    else:
        run_worker(until_empty=True)
    # Statuses that match the pages: every digitised dossier is scanned, the second one's data entered too, so
    # the data-entry operator and the verifier each find work waiting.
    for index, dossier in enumerate(dossiers):
        dossier.refresh_from_db()
        if not dossier.pages.filter(state=Page.State.DONE).exists():
            continue
        if dossier.status == Dossier.Status.NOT_STARTED:
            set_dossier_status(actor=actor, dossier=dossier, status=Dossier.Status.SCANNED)
        if index == 1 and dossier.status == Dossier.Status.SCANNED:
            set_dossier_status(actor=actor, dossier=dossier, status=Dossier.Status.ENTERED)
    return Page.objects.filter(capture__batch=batch, state=Page.State.DONE).count()
