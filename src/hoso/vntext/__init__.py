"""Pure-Python Vietnamese text handling for hoso: standard library only, no Django.

* :mod:`.normalize` — NFC on the way in, search folding (đ → d), tone-mark placement;
* :mod:`.names` — họ / chữ đệm / tên and Vietnamese collation keys;
* :mod:`.dossier_number` — lenient parsing and the canonical form of số hồ sơ;
* :mod:`.dates` — partial dates ("năm 1947", "tháng 5/1972") in day/month/year order.
"""

from .dates import InvalidPartialDate, PartialDate, is_unknown_date, parse_partial_date
from .dossier_number import (
    PERIOD_CODES,
    TYPE_CODES,
    DossierNumber,
    InvalidDossierNumber,
    looks_like_dossier_number,
    parse_dossier_number,
)
from .legacy import Detection, Encoding
from .legacy import convert as convert_legacy
from .legacy import detect as detect_encoding
from .names import (
    COLLATION_ALPHABET,
    COMPOUND_FAMILY_NAMES,
    PersonName,
    collation_key,
    name_collation_key,
    split_name,
)
from .normalize import fold, nfc, normalize_tones

__all__ = [
    "COLLATION_ALPHABET",
    "COMPOUND_FAMILY_NAMES",
    "PERIOD_CODES",
    "TYPE_CODES",
    "DossierNumber",
    "InvalidDossierNumber",
    "InvalidPartialDate",
    "PartialDate",
    "PersonName",
    "collation_key",
    "fold",
    "looks_like_dossier_number",
    "name_collation_key",
    "nfc",
    "normalize_tones",
    "parse_dossier_number",
    "is_unknown_date",
    "parse_partial_date",
    "split_name",
    "Detection",
    "Encoding",
    "convert_legacy",
    "detect_encoding",
]
