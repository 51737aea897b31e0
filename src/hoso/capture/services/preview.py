"""A quick look at a photographed page before it is taken in (the tablet capture page: accept or retake): the
shot found and flattened on a reduced copy, nothing stored, nothing recorded — the page itself is processed from
its master once it is added."""

import base64
import io
from pathlib import Path
from typing import Any

from hoso.access.models import User
from hoso.access.permissions import CAPTURE
from hoso.access.rules import require
from hoso.capture.reasons import photo_reason
from hoso.imaging.checks import Rejected, inspect_file
from hoso.imaging.photo import flatten_photo
from hoso.imaging.raster import load_page

PREVIEW_SIDE = 1600  # the shot is looked at this big (enough to find the page; fast on a tablet's 12 MP)
SHOWN_WIDTH = 600


def photo_preview(*, actor: User, path: Path, name: str) -> dict[str, Any]:
    """{"found", "reason", "preview" (a data: URL of a JPEG), "corners" (as shares of the shot's width and
    height)} for one shot; raises Rejected when the file is not a readable image."""
    require(actor, CAPTURE)
    info = inspect_file(path, name=name)
    if info.kind == "pdf":
        raise Rejected("not_photo", "Ảnh chụp phải là tệp ảnh (JPEG, PNG…), không phải PDF.")  # worded: reasons.py
    image = load_page(path, kind=info.kind).image
    image.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
    flat = flatten_photo(image, dpi=72)
    shown = flat.image.copy()
    shown.thumbnail((SHOWN_WIDTH, SHOWN_WIDTH * 2))
    out = io.BytesIO()
    shown.convert("RGB").save(out, "JPEG", quality=70)
    corners = [[round(x / image.width, 4), round(y / image.height, 4)] for x, y in flat.corners or []]
    return {"found": flat.found, "reason": photo_reason(flat.code, flat.reason) or None, "corners": corners or None,
            "preview": "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")}
