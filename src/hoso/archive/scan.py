"""What a handheld scanner (keyboard wedge) typed: a dossier number (Code 128 on a cover label), a hoso link
to a dossier (the QR code), or a location code (box labels). Pure: no database."""

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from hoso.vntext import InvalidDossierNumber, looks_like_dossier_number, parse_dossier_number

LOCATION_CODE = re.compile(r"K\d{2,}(?:-[GTH]\d{2,}){0,3}")
SEPARATORS = re.compile(r"[\r\n\t;,]+")


@dataclass(frozen=True)
class Scan:
    raw: str
    kind: str  # "dossier", "location" or "unknown"
    value: str  # the canonical dossier number, the location code, or the raw text


def split_scans(text: str) -> list[str]:
    """One scan per line (the scanner ends each with Enter); semicolons, commas and tabs also separate."""
    return [part.strip() for part in SEPARATORS.split(text or "") if part.strip()]


def number_from_link(text: str, *, detail_prefix: str) -> str | None:
    """The dossier number in a pasted or scanned hoso link (http://host/ho-so/QTI/LS-07956/CM/), else None.
    Any host is accepted: only the path is used, and it only ever leads to the dossier page."""
    stripped = text.strip()
    if not (stripped.lower().startswith(("http://", "https://")) or stripped.startswith(detail_prefix)):
        return None
    try:
        path = unquote(urlsplit(stripped).path)
    except ValueError:  # e.g. an unclosed "[" where an IPv6 host would be
        return None
    if not path.startswith(detail_prefix):
        return None
    number = path[len(detail_prefix):].strip("/")
    return number or None


def read_scan(text: str, *, detail_prefix: str, default_province: str,
              known_type_codes: frozenset[str] | None = None) -> Scan:
    """Classify one scan. With `known_type_codes`, free text must look like a dossier number (the search box
    case: "thuong 1934" is a name and a year, not province THU type ONG); without, every line is meant as one."""
    raw = text.strip()
    if LOCATION_CODE.fullmatch(raw.upper()):
        return Scan(raw, "location", raw.upper())
    linked = number_from_link(raw, detail_prefix=detail_prefix)
    candidate = linked if linked is not None else raw
    if linked is None and known_type_codes is not None and not looks_like_dossier_number(
            raw, known_type_codes=known_type_codes):
        return Scan(raw, "unknown", raw)
    try:
        return Scan(raw, "dossier", str(parse_dossier_number(candidate, default_province=default_province)))
    except InvalidDossierNumber:
        return Scan(raw, "unknown", raw)
