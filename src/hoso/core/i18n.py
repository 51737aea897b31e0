"""What is stored stays in Vietnamese, the source language of every text.

The interface speaks the user's language (User.language): labels of models and choices go through gettext. What is
written down — database rows, the audit trail, exported files, command-line output — must not change with the
language of whoever happened to cause it, so it is built from the Vietnamese source text with these helpers.
"""

from django.utils import translation

SOURCE_LANGUAGE = "vi"


def in_vietnamese() -> translation.override:
    """A context manager (or decorator) under which every gettext text is the Vietnamese source text."""
    return translation.override(SOURCE_LANGUAGE)


def vietnamese(text: object) -> str:
    """A text — a lazy label, a choice's `.label`, a `verbose_name` — in Vietnamese, whatever the active language."""
    with in_vietnamese():
        return str(text)


def vietnamese_display(instance: object, field: str) -> str:
    """`instance.get_<field>_display()` in Vietnamese: the label of the stored choice, whatever the active language."""
    with in_vietnamese():
        return getattr(instance, f"get_{field}_display")()
