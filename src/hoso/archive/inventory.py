"""The inventory diff (kiểm kê): what the records say is under a location against what the scanner saw.
Pure Python (only the titles are marked for translation): the service resolves the scans against the database and
calls `diff`. The details of each entry are kept with the check (InventoryCheck.results), so they stay Vietnamese."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

FOUND, MISSING, MISPLACED, UNEXPECTED, ON_LOAN = "found", "missing", "misplaced", "unexpected", "on_loan"
KEYS = (MISSING, MISPLACED, UNEXPECTED, ON_LOAN, FOUND)
TITLES = {MISSING: _("Thiếu (có trong sổ, không thấy)"), MISPLACED: _("Sai vị trí"),
          UNEXPECTED: _("Không có trong sổ của vị trí này"), ON_LOAN: _("Vắng vì đang cho mượn"),
          FOUND: _("Đúng vị trí")}


@dataclass(frozen=True)
class Seen:
    """A dossier the scanner read: the box it was found in (None when no box label was scanned on a shelf),
    the box the records put it in (None: never placed), and whether the records say it is lent out."""

    number: str
    found_in: str | None
    recorded_in: str | None
    on_loan: str = ""  # "" or who holds it since when


@dataclass
class Diff:
    found: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    misplaced: list[dict] = field(default_factory=list)
    unexpected: list[dict] = field(default_factory=list)
    on_loan: list[dict] = field(default_factory=list)
    moves: list[tuple[str, str]] = field(default_factory=list)  # (dossier number, box code found in)

    def as_dict(self) -> dict[str, list[dict]]:
        return {key: getattr(self, key) for key in KEYS}


def within(code: str | None, scope: str) -> bool:
    return code is not None and (code == scope or code.startswith(scope + "-"))


def _entry(number: str, detail: str = "") -> dict:
    return {"number": number, "detail": detail}


def diff(*, scope: str, expected: dict[str, str], seen: list[Seen], unknown: list[tuple[str, str]],
         lent: dict[str, str]) -> Diff:
    """`expected`: number → box code of every dossier the records place under `scope`; `seen`: scanned dossiers
    (once each); `unknown`: (scan, why) for scans that name no dossier; `lent`: number → holder for expected
    dossiers that are checked out."""
    out = Diff()
    scanned: set[str] = set()
    for item in seen:
        if item.number in scanned:
            continue
        scanned.add(item.number)
        where = item.found_in or scope
        if item.on_loan:
            out.unexpected.append(_entry(item.number, f"sổ ghi đang cho mượn ({item.on_loan}) nhưng thấy ở {where}"))
        elif item.recorded_in is None:
            out.unexpected.append(_entry(item.number, f"chưa được xếp vị trí; thấy ở {where}"))
            if item.found_in:
                out.moves.append((item.number, item.found_in))
        elif not within(item.recorded_in, scope) or (item.found_in and item.found_in != item.recorded_in):
            out.misplaced.append(_entry(item.number, f"sổ ghi ở {item.recorded_in}; thấy ở {where}"))
            if item.found_in:
                out.moves.append((item.number, item.found_in))
        else:
            out.found.append(_entry(item.number, item.recorded_in))
    for raw, why in unknown:
        out.unexpected.append(_entry(raw, why))
    for number, box in sorted(expected.items()):
        if number in scanned:
            continue
        if number in lent:
            out.on_loan.append(_entry(number, lent[number]))
        else:
            out.missing.append(_entry(number, f"sổ ghi ở {box}"))
    return out
