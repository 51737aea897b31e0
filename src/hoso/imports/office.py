"""Old and open office formats (.doc, .odt, .ods) converted by LibreOffice run headless, when it is installed;
otherwise one message that says how to convert the file by hand."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext, gettext_lazy

from hoso.imports.cells import RegisterFileError

TIMEOUT_S = 180
# kind → (what the file is, the format it is converted to, how the user saves it as that format)
CONVERSIONS = {
    "doc": (gettext_lazy("văn bản Word 97–2003 (.doc)"), "docx", "Word Document (*.docx)"),
    "odt": (gettext_lazy("văn bản OpenDocument (.odt)"), "docx", "Word Document (*.docx)"),
    "ods": (gettext_lazy("bảng tính OpenDocument (.ods)"), "xlsx", "Excel Workbook (*.xlsx)"),
}


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: Path, kind: str, workdir: Path) -> Path:
    """`path` converted to .docx / .xlsx inside `workdir`; RegisterFileError (Vietnamese) when that cannot be."""
    what, target, save_as = CONVERSIONS[kind]
    program = soffice()
    if program is None:
        raise RegisterFileError(gettext(
            "Tệp %(name)s là %(what)s. Máy chủ chưa cài LibreOffice nên không tự chuyển được: hãy mở tệp bằng Word, "
            "Excel hoặc LibreOffice, chọn «Lưu thành» (Save As), kiểu «%(save_as)s», rồi tải tệp mới lên (hoặc nhờ "
            "quản trị viên cài LibreOffice trên máy chủ).") % {"name": path.name, "what": what, "save_as": save_as})
    with tempfile.TemporaryDirectory(prefix="hoso-lo-profile-") as profile:
        try:  # a profile of its own: two conversions at once must not share LibreOffice's lock
            done = subprocess.run(
                [program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                 "--convert-to", target, "--outdir", str(workdir), str(path)],
                capture_output=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RegisterFileError(gettext("LibreOffice chuyển tệp %(name)s quá %(seconds)s giây: hãy tự chuyển sang "
                                            "«%(save_as)s» rồi tải lên.") % {
                "name": path.name, "seconds": TIMEOUT_S, "save_as": save_as}) from exc
    out = workdir / f"{path.stem}.{target}"
    if done.returncode != 0 or not out.is_file():
        raise RegisterFileError(gettext("LibreOffice không chuyển được tệp %(name)s (%(what)s): hãy mở bằng Word, "
                                        "Excel hoặc LibreOffice và lưu thành «%(save_as)s» rồi tải lên.") % {
            "name": path.name, "what": what, "save_as": save_as})
    return out
