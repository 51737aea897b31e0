"""The layers contract of architecture.md (rule 5) holds, and it would catch an upward import or Django in a
pure core: the same contracts, run on a copy of the tree with one violation planted, fail and name it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
        "sys.argv = ['lint-imports', *sys.argv[1:]]; lint_imports_command()"]


def _lint(src: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([*LINT, "--config", str(ROOT / "pyproject.toml"), "--no-cache"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def _copy(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "hoso", src / "hoso", ignore=shutil.ignore_patterns("__pycache__", "static"))
    return src


def test_the_tree_keeps_its_layers(tmp_path):
    result = _lint(ROOT / "src", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "planted", "contract", "names"), [
    ("core/events.py", "from hoso.records import models as _records  # noqa", "Apps import downward only",
     "hoso.core is not allowed to import hoso.records"),
    ("records/models.py", "from hoso.capture import models as _capture  # noqa", "Apps import downward only",
     "hoso.records is not allowed to import hoso.capture"),
    ("archive/selectors.py", "from hoso.capture import selectors as _capture  # noqa", "Apps import downward only",
     "hoso.archive is not allowed to import hoso.capture"),
    ("vntext/normalize.py", "import django.db  # noqa", "Pure cores import neither Django nor the web stack",
     "hoso.vntext is not allowed to import django"),
])
def test_a_planted_violation_breaks_the_contract(tmp_path, module, planted, contract, names):
    src = _copy(tmp_path)
    target = src / "hoso" / module
    target.write_text(target.read_text() + f"\n{planted}\n")
    result = _lint(src, tmp_path)
    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout
    assert names in result.stdout
