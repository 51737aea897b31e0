"""What comes out of a transfer package's .zip before anything is registered: bounded unpacking, and the checks an
upload gets at the door (imaging.checks), applied to every file of the package.

Unpacking is bounded while it streams. Before a byte is written, the bag's own declarations are read (bagit.txt,
bag-info.txt and its Payload-Oxum — the payload's total size and file count —, the payload manifest): the payload
files listed in the manifest may together be no larger than Payload-Oxum declares (plus a small margin, so a file
edited by hand is still refused with its exact BagIt reason rather than as too large); a payload file the manifest
does not list is not unpacked at all (an empty placeholder keeps its name, so the BagIt check names it); the tag
files have a small budget of their own. Over everything: a hard cap (HOSO_PACKAGE_MAX_BYTES, 4 GiB) and a ratio to
the .zip's size (HOSO_PACKAGE_MAX_RATIO, 50×, beyond the first 64 MiB). The sizes the .zip declares are checked
first (nothing is written for a bomb), and the bytes really written are counted chunk by chunk against the same
budget, so even a .zip whose directory lies stops there.

The files: every master passes `inspect_file` (a master an upload would refuse or quarantine refuses the package,
with the reason); every access PDF (per page, and dossier.pdf) passes `inspect_access_pdf` (no JavaScript, no
action run on opening, no link, annotation, form or attachment: a PDF/A made here from a scan has none); thumbnails
are never taken from the package: they are made again here with the pipeline's own function, from the masters (or,
where a master holds several pages, the sender turned the page, or the master is not the page as scanned — a
photographed page, found in the photo and flattened —, from the checked access PDF of the page).
"""

import posixpath
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pikepdf
from django.conf import settings
from PIL import Image

from hoso.imaging.checks import Rejected, inspect_access_pdf, inspect_file
from hoso.imaging.geometry import estimate_skew
from hoso.imaging.limits import vn_number
from hoso.imaging.pipeline import THUMBNAIL_WIDTH, thumbnail
from hoso.imaging.raster import load_page, render_for_screen
from hoso.preservation.services.packages import PackageError

CHUNK = 1024 * 1024
SYMLINK = 0o120000
RATIO_FREE = 64 * 1024**2  # below this, a package may be as compressed as it likes (a dossier without pages)
TAG_BUDGET = 16 * 1024**2  # bagit.txt, bag-info.txt, manifests: a 2,000-page bag's are under 1 MB
OXUM_MARGIN = 1024**2  # plus 1 % of the declared size: a hand-edited file is refused with its BagIt reason
GB = 1024**3
SHAPE_TOLERANCE = 0.02  # the access page's proportions may differ this much from the master's (rounding)
COMPARE_SIDE = 32  # the master and the access page are compared this small, in grey
MAX_DIFFERENCE = 24.0  # mean grey difference (0–255) under which they show the same picture (a scan and its copy)


def max_bytes() -> int:
    return settings.HOSO_PACKAGE_MAX_BYTES


def max_ratio() -> int:
    return settings.HOSO_PACKAGE_MAX_RATIO


def _size(size: int) -> str:
    if size >= GB:
        return f"{size / GB:g}".replace(".", ",") + " GB"
    return f"{size // 1024**2} MB"


# --- unpacking ------------------------------------------------------------------------------------------------


def _unsafe(info: zipfile.ZipInfo) -> str:
    name = info.filename
    parts = PurePosixPath(name).parts
    if name.startswith(("/", "\\")) or "\\" in name or ".." in parts or (parts and ":" in parts[0]) or "\0" in name:
        return f"Gói có đường dẫn không an toàn: «{name[:200]}»."
    if (info.external_attr >> 16) & 0o170000 == SYMLINK:
        return f"Gói có liên kết tượng trưng (symlink): «{name[:200]}»."
    return ""


def _bag_prefix(names: set[str]) -> str:
    """The folder the bag sits in inside the .zip ("" at the top, or one folder down), as _unpack used to find it."""
    if "bagit.txt" in names:
        return ""
    for prefix in sorted({n.split("/", 1)[0] + "/" for n in names if "/" in n}):
        if prefix + "bagit.txt" in names:
            return prefix
    raise PackageError("Gói thiếu tệp bagit.txt: đây không phải gói BagIt.", "not_a_bag")


@dataclass
class _Budget:
    """Bytes that may still be written, and what to say when they run out."""

    left: int
    reason: str
    written: int = 0

    def take(self, size: int) -> None:
        if size > self.left:
            raise PackageError(self.reason, "too_large")
        self.left -= size
        self.written += size


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> bytes:
    chunks = []
    with archive.open(info) as src:
        while chunk := src.read(CHUNK):
            budget.take(len(chunk))
            chunks.append(chunk)
    return b"".join(chunks)


def _oxum(bag_info: bytes) -> tuple[int, int]:
    """Payload-Oxum of bag-info.txt: (bytes, files) of the payload, as the sender declared them."""
    text = bag_info.decode("utf-8", errors="replace")
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "payload-oxum":
            size, _, count = value.strip().partition(".")
            if size.isdigit() and count.isdigit():
                return int(size), int(count)
            break
    raise PackageError("bag-info.txt không khai báo đúng kích thước dữ liệu của gói (Payload-Oxum «byte.số tệp»): "
                       "không giải nén một gói không rõ kích thước.", "no_oxum")


def _listed(manifest: bytes) -> set[str]:
    """The payload paths (data/…) the SHA-256 manifest lists, decoded as bagit does."""
    listed = set()
    for line in manifest.decode("utf-8", errors="replace").splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            name = parts[1].strip().replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
            listed.add(posixpath.normpath(name))
    return listed


def unpack(path: Path, target: Path) -> Path:
    """Unpack a package .zip into `target` within the limits above; returns the bag's folder."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageError(f"Tệp không phải gói .zip đọc được: {exc}", "not_zip") from exc
    with archive:
        infos = archive.infolist()
        for info in infos:
            if problem := _unsafe(info):
                raise PackageError(problem, "unsafe_path")
        prefix = _bag_prefix({i.filename for i in infos})
        mine = [i for i in infos if i.filename.startswith(prefix) and not i.is_dir()]
        tag_budget = _Budget(TAG_BUDGET, "Các tệp mô tả của gói (bagit.txt, bag-info.txt, danh sách kiểm tra) lớn "
                                         f"quá {TAG_BUDGET // 1024**2} MB: không nhận (chống «bom giải nén»).")
        head = {i.filename[len(prefix):]: i for i in mine}
        bag_info = _read_small(archive, head["bag-info.txt"], tag_budget) if "bag-info.txt" in head else b""
        declared, count = _oxum(bag_info)
        manifest = head.get("manifest-sha256.txt")
        listed = _listed(_read_small(archive, manifest, tag_budget)) if manifest is not None else set()
        payload = [i for i in mine if i.filename[len(prefix):].startswith("data/")]
        kept = [i for i in payload if i.filename[len(prefix):] in listed]
        tags = [i for i in mine if not i.filename[len(prefix):].startswith("data/")]
        budgets = _limits(path.stat().st_size, declared, count)
        _precheck(kept, tags, budgets, tag_budget)
        tag_budget = _Budget(TAG_BUDGET, tag_budget.reason)
        for info in mine:
            rel = info.filename[len(prefix):]
            out = target / info.filename
            out.parent.mkdir(parents=True, exist_ok=True)
            if rel.startswith("data/") and rel not in listed:
                out.touch()  # not unpacked: an empty placeholder, so the BagIt check names the stray file
                continue
            _extract(archive, info, out, [tag_budget] if info in tags else budgets)
    root = target / prefix if prefix else target
    return root


def _limits(zip_size: int, declared: int, count: int) -> list[_Budget]:
    cap, ratio = max_bytes(), max_ratio()
    return [
        _Budget(declared + OXUM_MARGIN + declared // 100,
                f"Gói giải nén ra lớn hơn kích thước khai báo trong bag-info.txt (Payload-Oxum: {vn_number(declared)} "
                f"byte, {vn_number(count)} tệp): không nhận (chống «bom giải nén»)."),
        _Budget(cap, f"Gói giải nén ra quá lớn (trên {_size(cap)}): không nhận."),
        _Budget(max(RATIO_FREE, zip_size * ratio),
                f"Gói nén quá mức (giải nén ra gấp hơn {ratio} lần tệp .zip): không nhận (chống «bom giải nén»)."),
    ]


def _precheck(kept: Iterable[zipfile.ZipInfo], tags: Iterable[zipfile.ZipInfo], budgets: list[_Budget],
              tag_budget: _Budget) -> None:
    """The sizes the .zip itself declares, against the budgets, before anything is written."""
    payload = sum(i.file_size for i in kept)
    for budget in budgets:
        if payload > budget.left:
            raise PackageError(budget.reason, "too_large")
    if sum(i.file_size for i in tags) > TAG_BUDGET:
        raise PackageError(tag_budget.reason, "too_large")


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, out: Path, budgets: list[_Budget]) -> None:
    try:
        with archive.open(info) as src, open(out, "wb") as dst:
            while chunk := src.read(CHUNK):
                for budget in budgets:
                    budget.take(len(chunk))
                dst.write(chunk)
    except zipfile.BadZipFile as exc:  # CRC-32 mismatch: the zip itself was changed or damaged
        raise PackageError(f"Tệp {info.filename} trong gói .zip bị hỏng ({exc}): gói đã bị thay đổi hoặc hỏng khi "
                           "truyền.", "zip_damaged") from exc


# --- the files, checked as an upload is ------------------------------------------------------------------------


def _refused(exc: Rejected) -> PackageError:
    return PackageError(exc.reason, exc.code)


@dataclass
class CheckedFiles:
    """What of a package may be stored: the masters and access PDFs the pages and the dossier's access copy refer to
    (href under data/, all checked), and the thumbnails made here, by page sequence."""

    hrefs: list[str]
    thumbnails: dict[int, bytes]


def checked_files(data: Path, pages: list[dict[str, Any]], files: dict[str, dict[str, str]],
                  access_copy: dict[str, Any] | None) -> CheckedFiles:
    """Check every master and access PDF of the package (`data`: its data/ folder, `files`: href → mets entry) as an
    upload is checked; raise PackageError with the reason of the first that fails. Nothing else the package holds
    (its thumbnails, a file no page refers to) is to be stored."""
    by_sha = {entry["sha256"]: href for href, entry in files.items()}
    masters: dict[str, Any] = {}
    hrefs: list[str] = []
    for page in sorted(pages, key=lambda p: p["sequence"]):
        for key in ("master_sha256", "access_sha256"):
            sha = page.get(key)
            if not sha:
                continue
            href = by_sha.get(sha)
            if href is None:
                raise PackageError(f"Trang {page['sequence']}: tệp {sha[:12]}… không có trong gói.", "missing_file")
            try:
                if key == "master_sha256":
                    if href not in masters:
                        masters[href] = inspect_file(data / href, name=href)
                else:
                    inspect_access_pdf(data / href, name=href)
            except Rejected as exc:
                raise _refused(exc) from exc
            hrefs.append(href)
    if access_copy:
        href = by_sha.get(access_copy.get("sha256") or "")
        if href is None:
            raise PackageError("Bản PDF/A của hồ sơ (access/dossier.pdf) không có trong gói.", "missing_file")
        try:
            inspect_access_pdf(data / href, name=href)
        except Rejected as exc:
            raise _refused(exc) from exc
        hrefs.append(href)
    return CheckedFiles(hrefs=list(dict.fromkeys(hrefs)), thumbnails=_thumbnails(data, pages, by_sha, masters))


def _thumbnails(data: Path, pages: list[dict[str, Any]], by_sha: dict[str, str],
                masters: dict[str, Any]) -> dict[int, bytes]:
    """The thumbnail of each page that had one, made here with the pipeline's own function (360 pixels wide, WebP).

    From the master, upright and levelled as the pipeline does, when the master is that one page as scanned. From
    the page's access PDF (already checked) when the master holds several pages (which frame is which page is not
    in the package: pages may have been reordered), when the sender's pipeline turned the page (the access PDF is
    landscape where the master is portrait, or the other way round), or when the access page is not the master's
    picture at all: a photographed page (ảnh chụp), whose access copy is the page found in the photo and
    flattened, where the master is the whole photo with the desk around it (`_same_picture`)."""
    made: dict[int, bytes] = {}
    sharing: dict[str, int] = {}
    for page in pages:
        if page.get("master_sha256"):
            href = by_sha[page["master_sha256"]]
            sharing[href] = sharing.get(href, 0) + 1
    for page in sorted(pages, key=lambda p: p["sequence"]):
        if not page.get("thumbnail_sha256") or not page.get("master_sha256"):
            continue
        href = by_sha[page["master_sha256"]]
        info = masters[href]
        access = data / by_sha[page["access_sha256"]] if page.get("access_sha256") else None
        image, angle = None, 0.0
        if info.pages == 1 and sharing[href] == 1:
            try:
                image = load_page(data / href, kind=info.kind).image
            except Rejected as exc:
                raise _refused(exc) from exc
            if access is not None and (_turned(image, access) or not _same_picture(image, access)):
                image = None
            else:
                angle = estimate_skew(image)
        if image is None:
            if access is None:
                raise PackageError(f"Trang {page['sequence']}: không làm được ảnh thu nhỏ (ảnh gốc {href} có "
                                   f"{info.pages} trang, không có bản PDF của trang).", "bad_master")
            image = render_for_screen(access.read_bytes(), width=THUMBNAIL_WIDTH * 2)
        made[page["sequence"]] = thumbnail(image, angle=angle)
    return made


def _turned(image: Any, access: Path) -> bool:
    """The access PDF's page is landscape where the master is portrait, or the other way round."""
    with pikepdf.open(access) as pdf:
        box = pdf.pages[0].mediabox
        width, height = abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1]))
    return (image.width > image.height) != (width > height) and image.width != image.height


def _same_picture(image: Any, access: Path) -> bool:
    """Does the access PDF's page show the master's picture as it is (a scan, levelled at most)? Its proportions
    must be the master's, and both, reduced to COMPARE_SIDE pixels in grey, must differ little. A photographed
    page's access copy is the page cut out of the photo and flattened: other proportions, or other content (paper
    where the photo shows the desk). When in doubt the access page is used, which always shows the page."""
    with pikepdf.open(access) as pdf:
        box = pdf.pages[0].mediabox
        width, height = abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1]))
    if not width or not height or abs((image.width / image.height) / (width / height) - 1) > SHAPE_TOLERANCE:
        return False
    side = (COMPARE_SIDE, COMPARE_SIDE)
    grey = image.convert("L")
    own = grey.reduce(max(1, min(grey.size) // (4 * COMPARE_SIDE))).resize(side, Image.Resampling.BOX)
    shown = render_for_screen(access.read_bytes(), width=4 * COMPARE_SIDE).convert("L")
    shown = shown.resize(side, Image.Resampling.BOX)
    difference = np.abs(np.asarray(own, dtype=np.float32) - np.asarray(shown, dtype=np.float32)).mean()
    return float(difference) <= MAX_DIFFERENCE
