"""House rule 2: one module decides who sees what. Nothing outside records/visibility.py reads a user's area scope,
"mật" clearance or the health permission to decide access; the places allowed to name them are the ones that
define them (access: the user model, roles, rules, user administration) or make data (the demo)."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "hoso"
ACCESS_WORDS = re.compile(r"secret_clearance|scope_all|scope_units|scope_unit_ids|VIEW_HEALTH|Confidentiality\.SECRET"
                          r"|[\"']mat[\"']")
ALLOWED = {
    "records/visibility.py",  # the rule
    "records/models.py",  # defines the levels
    "records/demo.py",  # synthetic data
    "access/models.py", "access/permissions.py", "access/rules.py", "access/services.py",  # users, roles, scopes
    "web/views_access.py", "web/templates/access/user_form.html", "web/templates/access/user_list.html",  # admin
    "web/management/commands/demo.py",  # the demo's users
    "access/management/commands/create_admin.py",  # the first administrator (user administration at the console)
    "search/_query.py",  # the Vietnamese word "mất" (died) in desk queries, not a confidentiality level
}


def offending_lines(root: Path = SRC) -> list[str]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in {".py", ".html"} or "migrations" in path.parts:
            continue
        name = path.relative_to(root).as_posix()
        if name in ALLOWED:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if ACCESS_WORDS.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    return found


def test_no_module_but_visibility_decides_on_scope_clearance_or_health():
    assert offending_lines() == []


def test_the_check_finds_a_second_copy_of_the_rule(tmp_path):
    planted = tmp_path / "web" / "views_new.py"
    planted.parent.mkdir()
    planted.write_text("def f(user, d):\n    return d.confidentiality != 'mat' or user.secret_clearance\n")
    (tmp_path / "web" / "ok.py").write_text("from hoso.records.visibility import document_visible\n")
    assert offending_lines(tmp_path) == [
        "web/views_new.py:2: return d.confidentiality != 'mat' or user.secret_clearance"]


TAG_IMPORT = re.compile(r"^\s*(?:from|import)\s+hoso\.(?!core\.events\b|vntext\b)[\w.]+.*$", re.MULTILINE)


def tags_reading_data(root: Path = SRC) -> list[str]:
    """Template tags only format what the view passed: a tag importing models, selectors or services would read
    the database behind the view's back (and the visibility rule's)."""
    return [f"{path.name}: {m.group(0).strip()}" for path in sorted((root / "web" / "templatetags").glob("*.py"))
            for m in TAG_IMPORT.finditer(path.read_text())]


def test_template_tags_do_not_read_the_database():
    assert tags_reading_data() == []


def test_the_tag_check_finds_a_tag_that_queries(tmp_path):
    tags = tmp_path / "web" / "templatetags"
    tags.mkdir(parents=True)
    (tags / "panel.py").write_text("from hoso.archive import selectors\nfrom hoso.core.events import label\n")
    assert tags_reading_data(tmp_path) == ["panel.py: from hoso.archive import selectors"]
