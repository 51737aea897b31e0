"""Dossier numbers (số hồ sơ) of người có công: ``<province>/<type><serial>/<period>``.

Written on the cover, top right, e.g. ``QTI/LS-07956/CM`` (Nghị định 131/2021, Điều 127; scheme of the
former Thông tư 05/2013, annex I–II). Dossiers made by the provincial police are prefixed ``CA-``.
Old files write the separators in many ways, so :func:`parse_dossier_number` is lenient and
``str(number)`` gives the one canonical form to store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import fold

__all__ = [
    "CANONICAL_EXAMPLE",
    "PERIOD_CODES",
    "TYPE_CODES",
    "DossierNumber",
    "InvalidDossierNumber",
    "looks_like_dossier_number",
    "parse_dossier_number",
]

#: Period codes (mã thời kỳ) and the period each covers.
PERIOD_CODES: dict[str, str] = {
    "TCM": "Trước 8/1945",
    "CP": "8/1945 – 20/7/1954",
    "CM": "21/7/1954 – 30/4/1975",
    "BV": "Sau 30/4/1975",
}

#: Known type codes (mã loại hồ sơ). Data, not a closed list: the parser accepts any 2–3 letters.
TYPE_CODES: dict[str, str] = {
    "LT": "Người hoạt động cách mạng trước 01/01/1945",
    "TKN": "Người hoạt động cách mạng từ 01/01/1945 đến Tổng khởi nghĩa 19/8/1945",
    "LS": "Liệt sĩ",
    "BM": "Bà mẹ Việt Nam anh hùng",
    "AH": "Anh hùng lực lượng vũ trang nhân dân, Anh hùng Lao động trong thời kỳ kháng chiến",
    "AQ": "Thương binh",
    "BQ": "Thương binh loại B",
    "CK": "Người hưởng chính sách như thương binh",
    "BB": "Bệnh binh",
    "BT": "Người hoạt động cách mạng, kháng chiến bị địch bắt tù, đày",
    "KC": "Người hoạt động kháng chiến giải phóng dân tộc, bảo vệ Tổ quốc, làm nghĩa vụ quốc tế",
    "CC": "Người có công giúp đỡ cách mạng",
    "HH": "Người hoạt động kháng chiến bị nhiễm chất độc hóa học",
    "TT": "Tuất từ trần",
}

#: Shown in error messages.
CANONICAL_EXAMPLE = "QTI/LS-07956/CM"

MAX_LENGTH = 40
MAX_SERIAL_DIGITS = 8
_SERIAL_WIDTH = 5
_PROVINCE = re.compile(r"[A-Z]{3}")
_TYPE = re.compile(r"[A-Z]{2,3}")
_SERIAL = re.compile(r"[0-9]+")
_TAIL = r" ?([0-9]+)(?: ?([A-Z]+))?"
# Tried in order on the folded, upper-cased text whose separators are single spaces (or absent).
_FORMS = (
    (True, True, re.compile(r"CA ?([A-Z]{3}) ?([A-Z]{2,3})" + _TAIL)),
    (False, True, re.compile(r"([A-Z]{3}) ?([A-Z]{2,3})" + _TAIL)),
    (True, False, re.compile(r"CA ?([A-Z]{2,3})" + _TAIL)),
    (False, False, re.compile(r"([A-Z]{2,3})" + _TAIL)),
)


class InvalidDossierNumber(ValueError):
    """The text is not a dossier number. The message (``str()``) is Vietnamese, for the command line and stored
    texts; ``code`` and ``params`` say the same for a layer that words it in the reader's language.

    Codes: "form" (not of the form), "empty", "too_long" (max), "no_province", "serial_too_long" (max), "period"
    (period, periods), "no_serial", "province" / "type_code" (a field of :class:`DossierNumber` built by hand),
    "serial" (max). ``params["text"]`` is the rejected text as shown (cut at ``MAX_LENGTH``), ``params["example"]``
    the canonical example."""

    def __init__(self, text: str, reason: str = "", *, code: str = "", **params: object) -> None:
        """Build the message from the rejected ``text`` and an optional ``reason`` sentence."""
        shown = text if len(text) <= MAX_LENGTH else text[:MAX_LENGTH] + "…"
        message = f"Số hồ sơ không hợp lệ: «{shown}». "
        if reason:
            message += reason + ". "
        super().__init__(message + f"Dạng đúng: {CANONICAL_EXAMPLE}")
        self.text = text
        self.reason = reason
        self.code = code
        self.params = {"text": shown, "example": CANONICAL_EXAMPLE, **params}


@dataclass(frozen=True)
class DossierNumber:
    """A parsed dossier number. ``str()`` gives the canonical form, e.g. ``CA-QTI/LS-07956/CM``.

    ``serial`` keeps its digits as written (``"7956"``); the canonical form pads it to at least five
    digits (``07956``), so compare numbers by ``str()`` or :attr:`canonical`, not by ``==``.
    """

    province: str
    type_code: str
    serial: str
    period: str | None = None
    police: bool = False

    def __post_init__(self) -> None:
        """Reject fields that could not come out of :func:`parse_dossier_number`."""
        if not _PROVINCE.fullmatch(self.province):
            raise InvalidDossierNumber(self.province, "Mã tỉnh phải gồm đúng 3 chữ cái in hoa", code="province")
        if not _TYPE.fullmatch(self.type_code):
            raise InvalidDossierNumber(self.type_code, "Mã loại hồ sơ phải gồm 2–3 chữ cái in hoa", code="type_code")
        if not _SERIAL.fullmatch(self.serial) or len(self.serial) > MAX_SERIAL_DIGITS:
            raise InvalidDossierNumber(self.serial, f"Số thứ tự phải gồm 1–{MAX_SERIAL_DIGITS} chữ số", code="serial",
                                       max=MAX_SERIAL_DIGITS)
        if self.period is not None and self.period not in PERIOD_CODES:
            raise InvalidDossierNumber(self.period, _period_reason(self.period), **_period_error(self.period))

    @property
    def canonical(self) -> str:
        """The canonical form, the same as ``str(self)``."""
        prefix = "CA-" if self.police else ""
        suffix = f"/{self.period}" if self.period else ""
        return f"{prefix}{self.province}/{self.type_code}-{self.serial.zfill(_SERIAL_WIDTH)}{suffix}"

    def __str__(self) -> str:
        """The canonical form: ``QTI/LS-07956/CM``, ``CA-QTI/LS-07956/CM`` or ``QTI/LS-07956``."""
        return self.canonical


def _period_reason(period: str) -> str:
    return f"Mã thời kỳ «{period}» không đúng (chỉ nhận {', '.join(PERIOD_CODES)})"


def _period_error(period: str) -> dict[str, str]:
    return {"code": "period", "period": period, "periods": ", ".join(PERIOD_CODES)}


def _prepare(text: str) -> str:
    """Fold accents and case, and turn every separator (/ - _ . space …) into one space."""
    return fold(text).upper()


def parse_dossier_number(text: str, *, default_province: str | None = None) -> DossierNumber:
    """Parse a dossier number written in any of the ways found in old files.

    Case, accents and separators (``/ - _ .``, spaces or none) do not matter: ``"qti ls 7956 cm"``,
    ``"QTI/LS07956/CM"`` and ``"QTI-LS-07956-CM"`` all give ``QTI/LS-07956/CM``. Without a province code
    (``"LS-07956"``) ``default_province`` is used. The type code may be any 2–3 letters; the period code,
    when present, must be one of :data:`PERIOD_CODES`. Raises :class:`InvalidDossierNumber` (Vietnamese
    message) for anything else, including empty text, more than 40 characters, or a missing serial or
    one longer than 8 digits.
    """
    stripped = text.strip()
    if not stripped:
        raise InvalidDossierNumber(text, "Chưa nhập số hồ sơ", code="empty")
    if len(stripped) > MAX_LENGTH:
        raise InvalidDossierNumber(stripped, f"Dài quá {MAX_LENGTH} ký tự", code="too_long", max=MAX_LENGTH)
    prepared = _prepare(stripped)
    for police, has_province, pattern in _FORMS:
        match = pattern.fullmatch(prepared)
        if match is None:
            continue
        groups = match.groups()
        if has_province:
            province, type_code, serial, period = groups
        else:
            type_code, serial, period = groups
            if default_province is None:
                raise InvalidDossierNumber(stripped, "Thiếu mã tỉnh (3 chữ cái, ví dụ QTI)", code="no_province")
            province = default_province.strip().upper()
            if not _PROVINCE.fullmatch(province):
                raise ValueError(f"default_province must be 3 letters, got {default_province!r}")
        if len(serial) > MAX_SERIAL_DIGITS:
            raise InvalidDossierNumber(stripped, f"Số thứ tự dài quá {MAX_SERIAL_DIGITS} chữ số",
                                       code="serial_too_long", max=MAX_SERIAL_DIGITS)
        if period is not None and period not in PERIOD_CODES:
            raise InvalidDossierNumber(stripped, _period_reason(period), **_period_error(period))
        return DossierNumber(province, type_code, serial, period, police)
    if not re.search(r"[0-9]", prepared):
        raise InvalidDossierNumber(stripped, "Thiếu số thứ tự", code="no_serial")
    raise InvalidDossierNumber(stripped, code="form")


def looks_like_dossier_number(text: str, *, known_type_codes: frozenset[str]) -> bool:
    """Tell whether ``text`` contains a dossier number: a known type code followed by digits.

    Used to route a search query: ``"qti ls 7956"`` and ``"LS-07956"`` are True, ``"thuong 1934"`` is
    False (no known code as a word or after a 3-letter province). The type code must start a word,
    optionally after a 3-letter province code; the serial may have 1–8 digits.
    """
    codes = sorted({code.strip().upper() for code in known_type_codes if code.strip()}, key=len, reverse=True)
    if not codes:
        return False
    alternatives = "|".join(re.escape(code) for code in codes)
    pattern = rf"(?<![A-Z0-9])(?:[A-Z]{{3}} ?)?(?:{alternatives}) ?[0-9]{{1,{MAX_SERIAL_DIGITS}}}(?![0-9])"
    return re.search(pattern, _prepare(text)) is not None
