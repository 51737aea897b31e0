"""Import runs as a user may see them. A run's report holds the rows of a register (names, birth dates, the
dossiers they touched), so: only those who may import see runs at all, and a user who is not cleared for "mật"
dossiers sees only the runs they started themselves (another's run may have touched "mật" dossiers)."""

from django.db.models import QuerySet

from hoso.access.models import User
from hoso.imports.models import ImportRun
from hoso.imports.services.runs import can_import
from hoso.records.visibility import cleared_for_secret


def visible_runs(*, actor: User) -> QuerySet[ImportRun]:
    if not can_import(actor):
        return ImportRun.objects.none()
    runs = ImportRun.objects.select_related("created_by")
    return runs if cleared_for_secret(actor) else runs.filter(created_by=actor)
