"""OCR quality: the character error rate (CER) of recognised text against the text that was on the page.

CER = edit distance (insertions, deletions, substitutions of characters) / length of the truth, after NFC
and with every run of whitespace counted as one space (line breaks are layout, not text).
"""

import unicodedata


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def edit_distance(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def cer(truth: str, recognised: str) -> float:
    """Character error rate of `recognised` against `truth` (0.0 = perfect; can exceed 1.0)."""
    t, r = normalise(truth), normalise(recognised)
    return edit_distance(t, r) / max(1, len(t))
