"""Small typed readers of environment variables (settings come from the environment).

Each reader returns the default when the variable is unset or blank, and refuses a value it cannot read with
ImproperlyConfigured naming the variable — a typo (`HOSO_DEBUG=ture`) stops the program instead of silently
meaning something else.
"""

import ipaddress
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def refuse(name: str, raw: str, expected_vi: str, expected_en: str) -> ImproperlyConfigured:
    """The error for a malformed variable, in Vietnamese and English, naming the variable and its value."""
    return ImproperlyConfigured(
        f"Biến môi trường {name}={raw!r} không hợp lệ: cần {expected_vi}. "
        f"(Environment variable {name}={raw!r} is invalid: expected {expected_en}.)"
    )


def _raw(name: str) -> str | None:
    """The stripped value of the variable, or None when it is unset or blank."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return None
    return raw.strip()


def get_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def get_bool(name: str, default: bool) -> bool:
    """1/0, true/false, yes/no, on/off (any case); anything else is refused."""
    raw = _raw(name)
    if raw is None:
        return default
    word = raw.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise refuse(name, raw, "1/0, true/false, yes/no hoặc on/off", "1/0, true/false, yes/no or on/off")


def is_set_false(name: str) -> bool:
    """True only when the variable is set to a false word (`HOSO_DEBUG=0`); unset or blank is not "false"."""
    return _raw(name) is not None and not get_bool(name, True)


def get_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """A whole number (optionally at least `minimum`); anything else is refused."""
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise refuse(name, raw, "một số nguyên", "a whole number") from None
    if minimum is not None and value < minimum:
        raise refuse(name, raw, f"một số nguyên từ {minimum} trở lên", f"a whole number of at least {minimum}")
    return value


def get_float(name: str, default: float, *, minimum: float | None = None) -> float:
    """A decimal number with a point (`2.5`, optionally at least `minimum`); anything else is refused."""
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise refuse(name, raw, "một số (dấu chấm thập phân, ví dụ 2.5)", "a number (e.g. 2.5)") from None
    if value != value or value in (float("inf"), float("-inf")):  # nan, inf
        raise refuse(name, raw, "một số hữu hạn", "a finite number")
    if minimum is not None and value < minimum:
        raise refuse(name, raw, f"một số từ {minimum:g} trở lên", f"a number of at least {minimum:g}")
    return value


def get_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (any case; returned in lower case); anything else is refused."""
    raw = _raw(name)
    if raw is None:
        return default
    if raw.lower() not in choices:
        listed = ", ".join(choices)
        raise refuse(name, raw, f"một trong các giá trị {listed}", f"one of {listed}")
    return raw.lower()


def get_list(name: str, default: list[str]) -> list[str]:
    """Comma-separated values, blanks dropped."""
    raw = _raw(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def get_addresses(name: str, default: list[str]) -> list[str]:
    """Comma-separated IP addresses (`127.0.0.1,10.0.0.5`); a name or a typo is refused."""
    values = get_list(name, default)
    for value in values:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise refuse(name, ",".join(values), "các địa chỉ IP cách nhau bằng dấu phẩy",
                         "IP addresses separated by commas") from None
    return values


def get_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).expanduser().resolve() if raw else default.resolve()
