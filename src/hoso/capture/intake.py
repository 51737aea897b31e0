"""Reading a scanner folder: one sub-folder per dossier, named by its number, holding its pages in order.

    SCANS/
      QTI-LS-07956-CM/      ← "QTI/LS-07956/CM" (any separator: the number is parsed leniently)
        001.tif  002.jpg  003.pdf …   ← in natural order: 2 before 10
      QTI-AQ-00123-CM/ …

A folder whose number is not in the system is reported, not invented: register the dossier first.
Files outside the sub-folders, nested folders and links pointing out of the folder are refused with the
reason; operating-system clutter (Thumbs.db, desktop.ini, .DS_Store, ._ files) is passed over.
"""

import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError

from hoso.access.models import User
from hoso.core.i18n import in_vietnamese
from hoso.imaging.checks import is_system_file
from hoso.records import selectors as record_selectors
from hoso.records.models import Dossier
from hoso.records.services import canonical_dossier_number

from . import services
from .models import Batch
from .reasons import vietnamese_reason


def natural_key(name: str) -> list:
    """"trang 2.jpg" before "trang 10.jpg"."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


@dataclass
class FolderEntry:
    folder: Path
    files: list[Path]


def dossier_folders(root: Path, names: Collection[str] | None = None) -> Iterator[Path | FolderEntry]:
    """Each sub-folder with its files in order; stray top-level files are yielded as bare paths.
    With `names`, only the sub-folders so named (a hot folder takes the ones the scanner has finished)."""
    for entry in sorted(root.iterdir(), key=lambda p: natural_key(p.name)):
        if is_system_file(entry.name) or (names is not None and entry.name not in names):
            continue
        if entry.is_dir() and not entry.is_symlink():
            files = [p for p in entry.iterdir() if not is_system_file(p.name)]
            yield FolderEntry(entry, sorted(files, key=lambda p: natural_key(p.name)))
        else:
            yield entry


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve(strict=True).relative_to(root.resolve())
        return True
    except (ValueError, OSError):
        return False


def _refuse(actor: User, batch: Batch, source_name: str, code: str, *, dossier=None, original_name: str = "",
            **params) -> None:
    """A folder or file not taken in: the reason written down in Vietnamese, with its code for screens."""
    services.refuse(actor=actor, batch=batch, source_name=source_name, dossier=dossier, original_name=original_name,
                    reason=vietnamese_reason(code, params), code=code, params=params)


def count_files(root: Path) -> int:
    return sum(len(e.files) if isinstance(e, FolderEntry) else 1 for e in dossier_folders(root))


def ingest_folder(*, actor: User, root: Path, batch: Batch, progress: Callable[[int], None] | None = None,
                  names: Collection[str] | None = None) -> Batch:
    """Take in every dossier sub-folder of `root` (or those in `names`) into `batch` (see the module docstring)."""
    root = Path(root)
    for entry in dossier_folders(root, names):
        if not isinstance(entry, FolderEntry):
            _refuse(actor, batch, entry.name, "outside_folder", name=entry.name)
            _tick(progress)
            continue
        label = f"{entry.folder.name}/"
        try:
            number = canonical_dossier_number(entry.folder.name)
        except ValidationError as exc:
            with in_vietnamese():  # records' reason, written down with the item
                why = "; ".join(exc.messages)
            _refuse(actor, batch, label, "not_number", folder=entry.folder.name, error=why, count=len(entry.files))
            _tick(progress, len(entry.files))
            continue
        dossier, others = _find_dossier(actor, number)
        if dossier is None:
            if others:
                _refuse(actor, batch, label, "ambiguous", number=number, others=", ".join(others),
                        count=len(entry.files))
            else:
                _refuse(actor, batch, label, "no_dossier", number=number, count=len(entry.files))
            _tick(progress, len(entry.files))
            continue
        for path in entry.files:
            source = f"{entry.folder.name}/{path.name}"
            if path.is_symlink() and not _inside(path, root):
                _refuse(actor, batch, source, "outside_link", dossier=dossier, original_name=path.name,
                        name=path.name)
            elif path.is_dir():
                _refuse(actor, batch, source + "/", "subfolder", dossier=dossier, name=path.name)
            else:
                services.receive_file(actor=actor, batch=batch, dossier=dossier, path=path, name=path.name,
                                      source_name=source)
            _tick(progress)
    return batch


def _find_dossier(actor: User, number: str) -> tuple[Dossier | None, list[str]]:
    """The visible dossier a folder names. A folder named without the period code (``LS-00012``) takes the one
    dossier of that type and serial; when several periods share them, none is taken and they are listed."""
    visible = record_selectors.visible_dossiers(actor=actor)
    dossier = visible.filter(number=number).first()
    if dossier is not None or number.count("/") != 1:
        return dossier, []
    matches = list(visible.filter(number__startswith=f"{number}/").order_by("number")[:6])
    if len(matches) == 1:
        return matches[0], []
    return None, [d.number for d in matches[:5]]


def _tick(progress: Callable[[int], None] | None, n: int = 1) -> None:
    if progress and n:
        progress(n)
