"""An existing install upgrades in place: a database built by the code of an older commit (its `src/` exported
with `git archive` and run as `python -m hoso` with PYTHONPATH on the export) is migrated by this checkout's code,
and nothing is lost — every row of every table of hoso's models, the audit trail event for event with its hash
chain, every stored file, what `hoso show` prints about a digitised dossier and what `hoso search` finds — and the
upgraded install goes on working (new audited reads extend the chain, which still verifies).

The old install has what a real one has: a synthetic province (`hoso demo`, with three dossiers digitised through
the real pipeline: OCR, PDF/A, thumbnails, access copies), a legacy register import, a document grouping pages,
storage locations with dossiers placed in a box, a loan checked out, a transfer between provinces, an exported
transfer package, audited reads and a complete fixity run. Both codes run with the same environment, as an
upgrade in place would (production shape: HOSO_DEBUG=0 and a secret key), on a fresh data folder and, when the
suite runs on PostgreSQL (DATABASE_URL), on a fresh database of its own beside the configured one.

Skipped when git or the old commit is not available (a shallow clone, an exported tree) — unless CI is set, where
that is a failure.
"""

import io
import json
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

OLD_COMMIT = "fc35935"  # the last commit before the apps were restructured
HERE = Path(__file__).resolve().parent
# Derived data that `migrate` may rebuild when the search index's schema changes: checked by searching instead.
DERIVED_APPS = {"search"}
RESULT = "@@UPGRADE "  # the line of a shell snippet that carries its JSON

# Run by the OLD code only, in one process (each start of Django costs a second): data a real install has beyond
# the demo, made through the old services — a document grouping two pages, a storage tree with dossiers in a box,
# a loan checked out, a transfer, an exported package — then what the old commands print about it.
OLD_USE = """
import io, json, os
from django.core.management import call_command
from django.db.models import Count
from hoso.access.models import User
from hoso.access.services import system_user
from hoso.archive import services as archive
from hoso.archive.transfers import create_transfer
from hoso.capture import services as capture
from hoso.records.models import Dossier
from hoso.vntext import PartialDate
actor = system_user()
scanned = (Dossier.objects.annotate(n=Count("pages")).filter(n__gte=2).order_by("-n", "number")
           .select_related("subject").first())
paper = list(Dossier.objects.filter(pages__isnull=True).order_by("number")[:3])
capture.group_pages(actor=actor, dossier=scanned, page_from=1, page_to=2, doc_type="Giấy báo tử", number="127",
                    symbol="GBT", issued_on=PartialDate(1972, 7, 12), issuer="Trung đoàn 48",
                    summary="Báo tử liệt sĩ")
store = archive.create_location(actor=actor, kind="kho", name="Kho A")
rack = archive.create_location(actor=actor, kind="gia", parent=store)
shelf = archive.create_location(actor=actor, kind="tang", parent=rack)
box = archive.create_location(actor=actor, kind="hop", parent=shelf, capacity=20)
archive.move_dossiers(actor=actor, dossiers=[scanned, *paper], box=box)
loan = archive.request_loan(actor=User.objects.get(username="canbo"), dossier=paper[0],
                            purpose="Trích lục cho thân nhân", paper_reason="Đối chiếu bút tích")
archive.approve_loan(actor=actor, loan=loan)
archive.check_out_dossier(actor=actor, loan=loan)
create_transfer(actor=actor, dossier=paper[1], to_province="Hà Tĩnh", to_province_code="HTH",
                recipient_agency="Sở Nội vụ tỉnh Hà Tĩnh", reason="Chuyển nơi cư trú về quê")

def run(*args, **options):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), json=True, **options)
    return json.loads(out.getvalue())

name = scanned.subject.full_name
used = {"number": scanned.number, "name": name, "pages": scanned.n,
        "package": run("export_package", scanned.number, out=os.environ["UPGRADE_TEST_PACKAGE"]),
        "show": run("show", scanned.number),
        "search": run("search", name, limit=50),
        "search_register": run("search", os.environ["UPGRADE_TEST_QUERY"], limit=50),
        "verify": run("verify", fixity=True, audit=True)}
print("@@UPGRADE " + json.dumps({"used": used}, ensure_ascii=False))
"""

# Run by both codes, so it names no model by its import path: rows per table of every model of hoso's apps (raw
# SQL, and through the model the code maps onto that table), and the audit trail as (id, hash) pairs. The tables
# of the audit trail come from the old code's models and are passed to the new code (PARAMS).
FACTS = """
import json, os
from django.apps import apps
from django.db import connection
params = json.loads(os.environ.get("UPGRADE_TEST_PARAMS") or "{}")
audit_table = params.get("audit_table") or apps.get_model("access", "AuditEvent")._meta.db_table
head_table = params.get("head_table") or apps.get_model("access", "AuditChainHead")._meta.db_table
models = {}
for model in apps.get_models(include_auto_created=True):
    meta = model._meta
    if meta.proxy or not meta.managed or meta.swapped or not meta.app_config.name.startswith("hoso."):
        continue
    models.setdefault(meta.db_table, []).append(model)
quote = connection.ops.quote_name
with connection.cursor() as cursor:
    existing = set(connection.introspection.table_names(cursor))
    rows = {}
    for table in sorted(set(models) | set(params.get("tables", []))):
        if table in existing:
            cursor.execute("SELECT COUNT(*) FROM " + quote(table))
            rows[table] = cursor.fetchone()[0]
        else:
            rows[table] = None
    cursor.execute("SELECT id, hash FROM %s ORDER BY id" % quote(audit_table))
    chain = [[i, h] for i, h in cursor.fetchall()]
    cursor.execute("SELECT last_hash FROM %s" % quote(head_table))
    heads = [h for (h,) in cursor.fetchall()]
print("@@UPGRADE " + json.dumps({"facts": {
    "rows": rows,
    "models": {t: sorted(m._meta.label for m in ms) for t, ms in models.items()},
    "apps": {t: sorted({m._meta.app_label for m in ms}) for t, ms in models.items()},
    "orm_rows": {t: [m._base_manager.count() for m in ms] for t, ms in models.items() if rows.get(t) is not None},
    "audit_table": audit_table, "head_table": head_table, "chain": chain, "heads": heads,
}}))
"""

# Two rows of a legacy register (Unicode CSV): people whose names search must still find after the upgrade.
REGISTER = ("STT,Số hồ sơ,Họ và tên,Bí danh,Năm sinh,Giới tính,Nguyên quán,Loại đối tượng,Ngày hy sinh,Đơn vị,"
            "Tỷ lệ thương tật,Ghi chú\n"
            '1,QTI/LS-00901/CM,Nguyễn Văn Đức,Ba Đức,1950,Nam,"xã Triệu Long, huyện Triệu Phong",Liệt sĩ,5/1972,'
            "Trung đoàn 48,,Hoàng Thị Thuỷ giữ bằng\n"
            "2,QTI/AQ-00902/CM,Trần Thị Hồng Gấm,,12/03/1948,Nữ,Hải Lăng,Thương binh,,,61%,\n")
REGISTER_QUERY, REGISTER_NUMBER = "ba duc 1950", "QTI/LS-00901/CM"


# ----------------------------------------------------------------------------------------------- the old commit
def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str):
    if _in_ci():
        pytest.fail(f"CI is set but the upgrade test cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


def _repo_root() -> Path:
    git = shutil.which("git")
    if git is None:
        _unavailable("git is not installed: cannot export the code before the restructuring")
    found = subprocess.run([git, "-C", str(HERE), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    if found.returncode != 0:
        _unavailable(f"{HERE} is not in a git repository: {found.stderr.strip()}")
    root = Path(found.stdout.strip())
    known = subprocess.run([git, "-C", str(root), "cat-file", "-e", f"{OLD_COMMIT}^{{commit}}"],
                           capture_output=True, text=True)
    if known.returncode != 0:
        _unavailable(f"commit {OLD_COMMIT} (the code before the restructuring) is not in {root} "
                     f"(a shallow clone? fetch the full history)")
    return root


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


class Install:
    """One install (a data folder and, on PostgreSQL, a database) run by the code in `src` (old or new)."""

    def __init__(self, cwd: Path, data: Path, database_url: str | None, secret: str) -> None:
        self.cwd = cwd
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("HOSO_", "DJANGO_")) and k not in ("DATABASE_URL", "PYTHONPATH")}
        self.base = {**base, "HOSO_DATA_DIR": str(data), "HOSO_BLOB_BACKEND": "local",
                     "HOSO_BLOB_DIR": str(data / "blobs"), "DJANGO_SETTINGS_MODULE": "hoso.settings",
                     "HOSO_SECRET_KEY": secret, "HOSO_DEBUG": "0", "HOSO_LOG_LEVEL": "ERROR",
                     "HOSO_FIXITY_RATE_MB": "0", "PYTHONUNBUFFERED": "1"}
        if database_url:
            self.base["DATABASE_URL"] = database_url

    def env(self, src: Path, **extra: str) -> dict[str, str]:
        return {**self.base, "PYTHONPATH": str(src), **extra}

    def run(self, src: Path, *args: str, ok: bool = True, timeout: float = 300, **extra: str):
        proc = subprocess.run([sys.executable, *args], cwd=self.cwd, env=self.env(src, **extra),
                              capture_output=True, text=True, timeout=timeout)
        if ok:
            assert proc.returncode == 0, (f"{' '.join(args)} (code in {src}) exited {proc.returncode}:\n"
                                          f"{proc.stderr[-4000:]}\n{proc.stdout[-2000:]}")
        return proc

    def hoso(self, src: Path, *args: str, **kwargs):
        return self.run(src, "-m", "hoso", *args, **kwargs)

    def json(self, src: Path, *args: str, **kwargs) -> dict:
        proc = self.hoso(src, *args, "--json", **kwargs)
        return json.loads(proc.stdout)

    def shell(self, src: Path, code: str, **extra: str) -> dict:
        out = self.hoso(src, "shell", "--verbosity", "0", "--command", code, **extra).stdout
        merged = {}
        for line in out.splitlines():
            if line.startswith(RESULT):
                merged.update(json.loads(line[len(RESULT):]))
        assert merged, out[-3000:]
        return merged

    def hoso_file(self, src: Path) -> Path:
        return Path(self.run(src, "-c", "import hoso; print(hoso.__file__)").stdout.strip()).resolve()


@pytest.fixture(scope="module")
def database_url():
    """None on SQLite; on PostgreSQL a new, empty database beside the configured one, dropped at the end."""
    configured = os.environ.get("DATABASE_URL", "").strip()
    if not configured:
        yield None
        return
    import psycopg

    name = f"hoso_upgrade_{uuid.uuid4().hex[:10]}"
    admin_url = _with_database(configured, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(configured, name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory, database_url):
    """Builds the install with the old code, records what it holds, then runs the new code's `migrate`.
    Returns what the tests compare: the old code's outputs and the new code's facts right after `migrate`."""
    root = _repo_root()
    work = tmp_path_factory.mktemp("upgrade")
    exported = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", OLD_COMMIT, "src"],
                              capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(exported)) as tar:
        tar.extractall(work / "old", filter="data")
    old, new = work / "old" / "src", root / "src"
    install = Install(work, work / "data", database_url, secret=secrets.token_urlsafe(50))

    # Each code imports its own tree: the export for the old code, this checkout for the new one.
    assert install.hoso_file(old).is_relative_to(old.resolve()), "the old code is not what gets imported"
    assert install.hoso_file(new).is_relative_to(new.resolve()), "the new code is not this checkout's src/"

    # ---- the old code builds an install that has been used
    install.hoso(old, "migrate", "--verbosity", "0")
    install.hoso(old, "demo", "--people", "60", "--no-serve", timeout=900)  # OCR of 7 pages: ~15 s
    register = work / "so-theo-doi.csv"
    register.write_text(REGISTER, encoding="utf-8")
    imported = install.json(old, "import_register", str(register))
    assert imported["created"] == 2 and imported["errors"] == [], imported
    # The rest in one process: more use (loan, transfer, package…), what the old commands print, then the facts
    # (last, so that the audit trail holds every event the old code wrote).
    shown = install.shell(old, OLD_USE + FACTS, UPGRADE_TEST_PACKAGE=str(work / "package.zip"),
                          UPGRADE_TEST_QUERY=REGISTER_QUERY)
    before, facts = shown["used"], shown["facts"]
    before["facts"] = facts
    assert before["pages"] >= 2 and before["package"]["pages"] == before["pages"], before["package"]
    assert before["verify"]["audit"]["ok"] and before["verify"]["fixity"]["ok"], before["verify"]
    assert before["verify"]["fixity"]["checked"] >= 3 * before["pages"], before["verify"]  # master, PDF/A, thumb
    assert len(before["show"]["documents"]) == 1 and len(before["show"]["pages"]) == before["pages"]
    assert before["number"] in _numbers(before["search"])
    assert REGISTER_NUMBER in _numbers(before["search_register"])
    assert facts["rows"][facts["audit_table"]] == len(facts["chain"]) > 0

    # ---- the new code upgrades it in place
    install.hoso(new, "migrate", "--verbosity", "0", "--no-input")
    params = json.dumps({"audit_table": facts["audit_table"], "head_table": facts["head_table"],
                         "tables": sorted(facts["rows"])})
    after = install.shell(new, FACTS, UPGRADE_TEST_PARAMS=params)["facts"]
    return {"install": install, "new": new, "before": before, "after": after}


def _numbers(search: dict) -> list[str]:
    return [hit["dossier_number"] for hit in search["results"]]


def _differences(old, new, path: str = "") -> list[str]:
    """Where `new` does not hold everything `old` held: dicts may gain keys, lists are matched item by item in
    any order (each old item must equal a distinct new one), other values must be equal."""
    if isinstance(old, dict):
        if not isinstance(new, dict):
            return [f"{path or '.'}: {old!r} became {new!r}"]
        out = []
        for key, value in old.items():
            if key not in new:
                out.append(f"{path}.{key}: missing (was {value!r})"[:300])
            else:
                out.extend(_differences(value, new[key], f"{path}.{key}"))
        return out
    if isinstance(old, list):
        if not isinstance(new, list) or len(new) != len(old):
            return [f"{path}: {len(old)} items became {new!r}"[:300]]
        left = list(new)
        out = []
        for index, item in enumerate(old):
            match = next((i for i, cand in enumerate(left) if not _differences(item, cand)), None)
            if match is None:
                out.append(f"{path}[{index}]: no item of the new list holds {item!r}"[:300])
            else:
                left.pop(match)
        return out
    return [] if old == new else [f"{path}: {old!r} became {new!r}"[:300]]


# ----------------------------------------------------------------------------------------------------- the tests
def test_migrate_applies_and_leaves_no_model_change_unmigrated(upgraded):
    install, new = upgraded["install"], upgraded["new"]
    missing = install.hoso(new, "makemigrations", "--check", "--dry-run", ok=False)
    assert missing.returncode == 0, f"models changed without a migration:\n{missing.stdout[-3000:]}"


def test_every_row_of_every_table_is_kept_and_mapped_by_a_model(upgraded):
    before, after = upgraded["before"]["facts"], upgraded["after"]
    assert after["rows"][before["audit_table"]] is not None
    problems = []
    for table, count in sorted(before["rows"].items()):
        if set(before["apps"].get(table, [])) & DERIVED_APPS:
            continue
        now = after["rows"].get(table)
        if now is None:
            problems.append(f"{table} ({', '.join(before['models'][table])}): the table is gone")
        elif now != count:
            problems.append(f"{table} ({', '.join(before['models'][table])}): {count} rows became {now}")
        elif table not in after["models"]:
            problems.append(f"{table} ({', '.join(before['models'][table])}): kept, but no model of the new code "
                            f"uses it (moved without keeping db_table?)")
    # Every model of the new code has its table, and through it the ORM reads every row.
    for table, labels in sorted(after["models"].items()):
        if after["rows"][table] is None:
            problems.append(f"{table} ({', '.join(labels)}): no such table after migrate")
    for table, counts in sorted(after["orm_rows"].items()):
        if any(c != after["rows"][table] for c in counts):
            problems.append(f"{table} ({', '.join(after['models'][table])}): the ORM counts {counts}, "
                            f"the table holds {after['rows'][table]}")
    assert not problems, "\n".join(problems)


def test_audit_trail_is_kept_event_for_event_with_its_chain_head(upgraded):
    before, after = upgraded["before"]["facts"], upgraded["after"]
    assert len(after["chain"]) == len(before["chain"]), "migrate changed the number of audit events"
    assert after["chain"] == before["chain"], "an audit event's id or hash changed"
    last = before["chain"][-1][1]
    assert before["heads"] == [last] and after["heads"] == [last], (before["heads"], after["heads"])


def test_fixity_and_audit_chain_verify_after_the_upgrade(upgraded):
    install, new, old_report = upgraded["install"], upgraded["new"], upgraded["before"]["verify"]
    proc = install.hoso(new, "verify", "--fixity", "--audit", "--json", ok=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    assert report["audit"]["ok"] is True, report["audit"]
    assert report["audit"]["checked"] >= old_report["audit"]["checked"], (report["audit"], old_report["audit"])
    fixity = report["fixity"]
    assert fixity["ok"] is True and fixity["missing"] == [] and fixity["changed"] == [], fixity
    assert fixity["checked"] >= old_report["fixity"]["checked"], (fixity, old_report["fixity"])


def test_the_digitised_dossier_shows_the_same(upgraded):
    install, new, before = upgraded["install"], upgraded["new"], upgraded["before"]
    shown = install.json(new, "show", before["number"])
    differences = _differences(before["show"], shown)
    assert not differences, "\n".join(differences)
    order = [(p["sequence"], p["master_sha256"], p["document_sequence"]) for p in before["show"]["pages"]]
    assert [(p["sequence"], p["master_sha256"], p["document_sequence"]) for p in shown["pages"]] == order


def test_search_finds_the_same_dossiers_and_new_audited_reads_extend_the_chain(upgraded):
    install, new, before = upgraded["install"], upgraded["new"], upgraded["before"]
    for query, old, number in ((before["name"], before["search"], before["number"]),
                               (REGISTER_QUERY, before["search_register"], REGISTER_NUMBER)):
        found = install.json(new, "search", query, "--limit", "50")
        assert number in _numbers(found), (query, found)
        assert set(_numbers(old)) <= set(_numbers(found)), (query, old, found)  # what the old code found, too
    # Each search is an audited read: the new code appended to the old chain, and the chain still holds.
    end = install.json(new, "verify", "--audit")["audit"]
    assert end["ok"], end
    assert end["checked"] >= len(upgraded["after"]["chain"]) + 2, end
