"""Task paths of digitisation queued by versions before December 2026 (`hoso.capture.tasks.…`): the tasks now
live with the writes they make, in capture.services.processing. A task row names its function by path, so
this module keeps those paths working for pages that were queued before an upgrade. Nothing imports it."""

from hoso.capture.services.processing import assemble_dossier, process_page

__all__ = ["assemble_dossier", "process_page"]
