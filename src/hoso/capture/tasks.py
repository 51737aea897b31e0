"""Background tasks of digitisation (Django Tasks API, database backend; run by `hoso worker`).

`process_page` runs the pure pipeline (hoso.imaging.pipeline) on one page and records the outcome;
`assemble_dossier` joins a dossier's processed pages into its access copy once none is waiting.
Both are idempotent: a task that runs twice (a worker killed after finishing the work but before marking
the task done) finds the page settled, or the copy already built from the same pages, and does nothing.
"""

import hashlib
import logging
import tempfile
from contextlib import ExitStack
from pathlib import Path

from django.conf import settings

from hoso.core.blobs import blob_store
from hoso.imaging.checks import Rejected
from hoso.imaging.ocr import OcrFailed
from hoso.imaging.pdfa import assemble
from hoso.imaging.pipeline import process_page as run_pipeline
from hoso.records.models import Dossier, Page

from . import services
from .models import AccessCopy

try:  # Django 6 ships the Tasks API; on 5.2 the django-tasks backport provides it
    from django.tasks import task
except ImportError:
    from django_tasks import task

log = logging.getLogger(__name__)


@task(queue_name="capture")
def process_page(page_id: int) -> str:
    claim = services.claim_page(page_id=page_id)
    if claim is None:
        return "skipped"
    store = blob_store()
    page = claim.page
    try:
        with store.local_path(page.master_sha256) as master:
            result = run_pipeline(master, kind=claim.item.kind, frame=claim.item.frame, run_ocr=claim.run_ocr,
                                  language=settings.HOSO_OCR_LANGUAGE, timeout=settings.HOSO_OCR_TIMEOUT)
    except (Rejected, OcrFailed) as exc:
        services.fail_page(claim=claim, reason=getattr(exc, "reason", None) or str(exc))
        return "failed"
    except Exception as exc:  # anything unexpected: the page says why, the batch goes on
        log.exception("page %s failed", page_id)
        services.fail_page(claim=claim, reason=f"Lỗi xử lý không lường trước: {type(exc).__name__}: {exc}"[:500])
        return "failed"
    access = store.put_bytes(result.pdf)
    thumb = store.put_bytes(result.thumbnail)
    services.finish_page(claim=claim, access_sha256=access.sha256, thumbnail_sha256=thumb.sha256, text=result.text,
                         details={"skew": result.skew, "rotation": result.rotation, "dpi": round(result.dpi),
                                  "warnings": result.warnings or None})
    return "done"


@task(queue_name="capture")
def assemble_dossier(dossier_id: int) -> str:
    dossier = Dossier.objects.filter(pk=dossier_id).first()
    if dossier is None:
        return "gone"
    pending = dossier.pages.filter(state__in=services.PENDING).exists()
    pages = list(dossier.pages.filter(state=Page.State.DONE).exclude(access_sha256="").order_by("sequence")
                 .values_list("access_sha256", flat=True))
    if pending or not pages:
        return "waiting" if pending else "empty"
    digest = hashlib.sha256(" ".join(pages).encode()).hexdigest()
    copy = AccessCopy.objects.filter(dossier=dossier).first()
    if copy is not None and copy.pages_digest == digest:
        return "unchanged"
    services.text_changed(dossier=dossier)
    store = blob_store()
    with tempfile.TemporaryDirectory(prefix="hoso-copy-") as tmp, ExitStack() as stack:
        paths = [stack.enter_context(store.local_path(sha)) for sha in pages]
        out = Path(tmp) / "copy.pdf"
        count = assemble(paths, out, title=f"Hồ sơ {dossier.number}")
        blob = store.put_file(out)
    services.record_access_copy(dossier=dossier, sha256=blob.sha256, size=blob.size, page_count=count,
                                pages_digest=digest)
    return "built"
