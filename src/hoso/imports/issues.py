"""The issues of an import run (refused rows, warnings) as the review page shows them, in the reader's language.

They are kept with the run in Vietnamese (ImportRun.errors / warnings: what is written down); an issue worded by the
import itself also keeps its template (the Vietnamese msgid) and parameters, so it is worded again here through the
catalogue — a date or dossier number vntext could not read too (core/text_errors.py). An issue without one (a refusal
from records services) is shown as it was written, in Vietnamese.
"""

from typing import Any

from django.utils.translation import gettext

from .columns import FIELD_LABELS

LABELS = frozenset(FIELD_LABELS.values())


def for_reader(issue: dict[str, Any]) -> dict[str, Any]:
    """One stored issue ({"row", "column", "value", "message"[, "template", "params"]}) worded for the reader."""
    shown = dict(issue)
    column = issue.get("column") or ""
    if column in LABELS:
        shown["column"] = gettext(column)
    template = issue.get("template")
    if template:
        params = issue.get("params") or {}
        try:
            shown["message"] = gettext(template) % params if params else gettext(template)
        except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder: the stored words
            shown["message"] = issue.get("message", "")
    return shown


def for_reader_all(issues) -> list[dict[str, Any]]:
    return [for_reader(issue) for issue in issues]
