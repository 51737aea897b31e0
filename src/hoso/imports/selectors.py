"""Import runs as a user may see them: only those who may import registers see the runs (and their rows)."""

from django.db.models import QuerySet

from hoso.access.models import User
from hoso.imports.models import ImportRun
from hoso.imports.services.runs import can_import


def visible_runs(*, actor: User) -> QuerySet[ImportRun]:
    if not can_import(actor):
        return ImportRun.objects.none()
    return ImportRun.objects.select_related("created_by")
