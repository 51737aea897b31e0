"""The layers contract of architecture.md (rule 5) holds, and it would catch an upward import or Django in a
pure core: the same contracts, run on a copy of the tree with one violation planted, fail and name it. No module
of hoso takes part in an import cycle (within an app either), and none imports another of hoso inside a function
to dodge one."""

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


# Prints the import cycles of the package `hoso` found on PYTHONPATH (strongly connected modules), one per line.
CYCLES = """
import sys, grimp
g = grimp.build_graph("hoso", cache_dir=None)
index, low, stack, on, out = {}, {}, [], set(), []
sys.setrecursionlimit(10000)
def visit(v):
    index[v] = low[v] = len(index); stack.append(v); on.add(v)
    for w in g.find_modules_directly_imported_by(v):
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        part = []
        while True:
            w = stack.pop(); on.discard(w); part.append(w)
            if w == v:
                break
        if len(part) > 1:
            out.append(" ".join(sorted(part)))
for m in sorted(g.modules):
    if m not in index:
        visit(m)
print("\\n".join(out))
"""


def _cycles(src: Path, cwd: Path) -> list[str]:
    result = subprocess.run([sys.executable, "-c", CYCLES], cwd=cwd, env={**os.environ, "PYTHONPATH": str(src)},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line.strip()]


def test_no_module_takes_part_in_an_import_cycle(tmp_path):
    assert _cycles(ROOT / "src", tmp_path) == []


def test_a_planted_cycle_is_found(tmp_path):
    src = _copy(tmp_path)
    target = src / "hoso" / "capture" / "services" / "processing.py"
    target.write_text(target.read_text() + "\nfrom hoso.capture.services import intake as _intake  # noqa\n")
    cycles = _cycles(src, tmp_path)
    assert any("hoso.capture.services.intake" in c and "hoso.capture.services.processing" in c for c in cycles)


def test_no_import_of_hoso_hidden_in_a_function():
    """Imports inside functions are allowed only where Django needs them (AppConfig.ready, settings) and for a
    heavy optional dependency, marked `# lazy:` with the reason."""
    hidden = []
    for path in (ROOT / "src" / "hoso").rglob("*.py"):
        if "migrations" in path.parts or path.name == "apps.py" or "settings" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            stripped = line.lstrip()
            if line != stripped and (stripped.startswith("from hoso") or stripped.startswith("import hoso")
                                     or stripped.startswith("from .")) and "# lazy:" not in line:
                hidden.append(f"{path.relative_to(ROOT)}:{number}: {stripped}")
    assert hidden == []
