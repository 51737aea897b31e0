"""Old and open office formats (.doc, .odt, .ods) converted by LibreOffice run headless, when it is installed;
otherwise one message that says how to convert the file by hand."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from hoso.imports.cells import RegisterFileError

TIMEOUT_S = 180
# kind → (what the file is, the format it is converted to, how the user saves it as that format)
CONVERSIONS = {
    "doc": ("văn bản Word 97–2003 (.doc)", "docx", "Word Document (*.docx)"),
    "odt": ("văn bản OpenDocument (.odt)", "docx", "Word Document (*.docx)"),
    "ods": ("bảng tính OpenDocument (.ods)", "xlsx", "Excel Workbook (*.xlsx)"),
}


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: Path, kind: str, workdir: Path) -> Path:
    """`path` converted to .docx / .xlsx inside `workdir`; RegisterFileError (Vietnamese) when that cannot be."""
    what, target, save_as = CONVERSIONS[kind]
    program = soffice()
    if program is None:
        raise RegisterFileError(
            f"Tệp {path.name} là {what}. Máy chủ chưa cài LibreOffice nên không tự chuyển được: hãy mở tệp bằng "
            f"Word, Excel hoặc LibreOffice, chọn «Lưu thành» (Save As), kiểu «{save_as}», rồi tải tệp mới lên "
            "(hoặc nhờ quản trị viên cài LibreOffice trên máy chủ).")
    with tempfile.TemporaryDirectory(prefix="hoso-lo-profile-") as profile:
        try:  # a profile of its own: two conversions at once must not share LibreOffice's lock
            done = subprocess.run(
                [program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                 "--convert-to", target, "--outdir", str(workdir), str(path)],
                capture_output=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RegisterFileError(f"LibreOffice chuyển tệp {path.name} quá {TIMEOUT_S} giây: hãy tự chuyển sang "
                                    f"«{save_as}» rồi tải lên.") from exc
    out = workdir / f"{path.stem}.{target}"
    if done.returncode != 0 or not out.is_file():
        raise RegisterFileError(f"LibreOffice không chuyển được tệp {path.name} ({what}): hãy mở bằng Word, Excel "
                                f"hoặc LibreOffice và lưu thành «{save_as}» rồi tải lên.")
    return out
