"""The one write path of digitisation: batches, received files, pages and their processing, access copies.

Every function is keyword-only, runs in a transaction and writes the audit event there. Pages (records.Page)
are created and updated only here. Masters go into the blob store byte for byte before any processing,
and nothing here ever changes or deletes a stored file.

Processing tasks are enqueued inside the same transaction that creates or re-queues the page: with the
database task backend, the page and its task are committed together or not at all.

Split by concept: intake, processing (with its background tasks), page work, a person's check of a photographed
page's outline, pages restored from a package.
Everything public is importable from here."""

from hoso.capture.services.intake import (
    receive_file,
    refuse,
    requeue_abandoned,
    retry_failed,
    retry_page,
    start_batch,
)
from hoso.capture.services.outline import (
    set_page_outline,
)
from hoso.capture.services.pages import (
    group_pages,
    move_page,
    reorder_pages,
)
from hoso.capture.services.processing import (
    PENDING,
    Claim,
    assemble_dossier,
    claim_page,
    fail_page,
    finish_page,
    process_page,
    record_access_copy,
    text_changed,
    worker_name,
)
from hoso.capture.services.restore import (
    restore_pages,
)

__all__ = [
    "Claim",
    "PENDING",
    "assemble_dossier",
    "claim_page",
    "fail_page",
    "finish_page",
    "group_pages",
    "move_page",
    "process_page",
    "receive_file",
    "record_access_copy",
    "refuse",
    "reorder_pages",
    "requeue_abandoned",
    "restore_pages",
    "retry_failed",
    "retry_page",
    "set_page_outline",
    "start_batch",
    "text_changed",
    "worker_name",
]
