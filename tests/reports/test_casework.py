"""Time per step of one-stop procedures (reports/casework.py): cases whose steps took known numbers of working days
(October 2026 has no public holiday: Monday 5/10 to Friday 9/10, Monday 12/10 to Friday 16/10 …), a wait for papers
left out, the mean and the 90th percentile by the nearest rank, cases on "mật" dossiers only for the cleared, and the
same figures in `hoso stats --procedures --json`, on the dashboard (table and chart) and in the Excel download."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from hoso.access.permissions import Role
from hoso.procedures import cases
from hoso.procedures.catalogue import load_catalogue
from hoso.procedures.models import ProcedureKind
from hoso.reports import casework

D = dt.date
KIND = "tro-cap-tho-cung-liet-si"  # 3 steps: commune 5 working days, former district 7, Sở 12 days
OCTOBER = {"since": D(2026, 10, 1), "until": D(2026, 10, 31)}


@pytest.mark.parametrize(("values", "p90"), [
    ([], None), ([5], 5), ([2, 6, 3], 6), (list(range(1, 11)), 9), (list(range(1, 12)), 10), ([7, 0, 1, 0], 7),
    ([1] * 9 + [30], 1), ([1] * 8 + [30, 40], 30)])
def test_the_90th_percentile_is_the_nearest_rank(values, p90):
    """The ⌈0.9 × n⌉-th smallest value: nine in ten took at most that long, and it is a time that occurred."""
    assert casework.nearest_rank(values) == p90


def test_means_and_numbers_are_written_the_vietnamese_way():
    assert [casework.vn_decimal(v) for v in (None, 3.0, 2.5, 3.7, 1234.5)] == ["—", "3", "2,5", "3,7", "1.234,5"]
    assert casework.mean([2, 6, 3]) == 3.7 and casework.mean([]) is None


@pytest.fixture
def people(make_user, actor):
    load_catalogue()
    return {"desk": make_user(Role.POLICY_OFFICER, username="motcua", clearance=True),
            "specialist": make_user(Role.ARCHIVIST, username="chuyenvien", clearance=True),
            "chief": make_user(Role.LEADER, username="giamdoc", clearance=True),
            "leader": make_user(Role.LEADER, username="lanhdao")}


def receive(people, dossier, on):
    papers = ProcedureKind.objects.get(code=KIND).current_version().papers_required
    return cases.receive_case(actor=people["desk"], kind=KIND, dossiers=[dossier], received_on=on,
                              applicant=cases.Applicant(name="Nguyễn Thị Hoa"), papers_received=papers)


@pytest.fixture
def october(people, make_dossier):
    """Three cases received on Monday 5/10/2026 (steps due 12/10, 21/10 and 2/11):
    A: step 1 done Wed 7/10 (2 working days), step 2 Fri 16/10 (7), step 3 Mon 19/10 (1); returned Tue 20/10 (11).
    B: step 1 done Tue 13/10 (6: late), step 2 Thu 15/10 (2), step 3 the same day (0); returned Fri 16/10 (9).
    C: waits for papers from Tue 6/10 to Mon 12/10 (7–12/10 do not count), step 1 done Wed 14/10 (6, 13 and 14/10:
       3, on time: its due date moved to 16/10); still at step 2.
    D: like A but on a "mật" dossier, step 1 taking 4 days (Fri 9/10), then left at step 2."""
    s, c, d = people["specialist"], people["chief"], people["desk"]
    a = receive(people, make_dossier("Lê Văn A"), D(2026, 10, 5))
    cases.start_processing(actor=s, case=a, on=D(2026, 10, 5))
    cases.advance(actor=s, case=a, on=D(2026, 10, 7))
    cases.send(actor=s, case=a, on=D(2026, 10, 16))
    cases.decide(actor=c, case=a, on=D(2026, 10, 19))
    cases.return_result(actor=d, case=a, on=D(2026, 10, 20))
    b = receive(people, make_dossier("Lê Văn B"), D(2026, 10, 5))
    cases.start_processing(actor=s, case=b, on=D(2026, 10, 5))
    cases.advance(actor=s, case=b, on=D(2026, 10, 13))
    cases.send(actor=s, case=b, on=D(2026, 10, 15))
    cases.decide(actor=c, case=b, on=D(2026, 10, 15))
    cases.return_result(actor=d, case=b, on=D(2026, 10, 16))
    waits = receive(people, make_dossier("Lê Văn C"), D(2026, 10, 5))
    cases.start_processing(actor=s, case=waits, on=D(2026, 10, 5))
    cases.request_papers(actor=s, case=waits, missing=["Giấy ủy quyền"], on=D(2026, 10, 6))
    cases.papers_complete(actor=d, case=waits, on=D(2026, 10, 12))
    cases.advance(actor=s, case=waits, on=D(2026, 10, 14))
    secret = receive(people, make_dossier("Lê Văn D", confidentiality="mat"), D(2026, 10, 5))
    cases.start_processing(actor=s, case=secret, on=D(2026, 10, 5))
    cases.advance(actor=s, case=secret, on=D(2026, 10, 9))
    return {"a": a, "b": b, "c": waits, "d": secret}


def steps(times):
    return {s.position: s for s in times.steps if s.kind == KIND}


def test_time_per_step_counts_working_days_without_the_wait_for_papers(october, people):
    times = casework.case_times(actor=people["leader"], **OCTOBER)  # not cleared: D is not seen
    by = steps(times)
    assert sorted(by[1].timing.days) == [2, 3, 6] and (by[1].timing.on_time, by[1].timing.late) == (2, 1)
    assert (by[1].timing.mean, by[1].timing.p90, by[1].timing.mean_text) == (3.7, 6, "3,7")
    assert sorted(by[2].timing.days) == [2, 7] and (by[2].timing.mean, by[2].timing.p90) == (4.5, 7)
    assert sorted(by[3].timing.days) == [0, 1] and (by[3].timing.mean, by[3].timing.p90) == (0.5, 1)
    assert (by[2].open_now, by[2].open_overdue) == (1, 1)  # C is at step 2, past its due date (today is later)
    assert by[1].open_now == 0 and by[1].actor and by[1].limit == "5 ngày làm việc" and by[3].limit == "12 ngày"
    whole = times.kind(KIND)  # A: 5/10 → 20/10 = 11, B: 5/10 → 16/10 = 9 working days; both by 2/11
    assert sorted(whole.days) == [9, 11] and (whole.mean, whole.p90, whole.on_time, whole.late) == (10.0, 11, 2, 0)


def test_the_cleared_see_the_case_of_a_secret_dossier_too(october, people):
    by = steps(casework.case_times(actor=people["chief"], **OCTOBER))
    assert sorted(by[1].timing.days) == [2, 3, 4, 6] and by[1].timing.p90 == 6 and by[2].open_now == 2


def test_only_steps_done_in_the_period_count(october, people):
    by = steps(casework.case_times(actor=people["leader"], since=D(2026, 10, 14), until=D(2026, 10, 31)))
    assert sorted(by[1].timing.days) == [3]  # C's step 1 (14/10); A's and B's were done before
    assert sorted(by[2].timing.days) == [2, 7]


def test_a_user_who_does_not_work_on_cases_gets_none(october, make_user):
    assert casework.case_times(actor=make_user(Role.AUDITOR, username="kiemsoat", scope=None), **OCTOBER) is None


def test_hoso_stats_adds_procedures_beside_the_keys_it_had(october, people):
    out = io.StringIO()
    call_command("stats", "--by", "category", "--procedures", "--since", "2026-10-01", "--until", "2026-10-31",
                 "--as", "lanhdao", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"total", "rows", "procedures"}
    assert all(set(row) == {"category", "count"} for row in data["rows"])
    found = data["procedures"]
    assert (found["since"], found["until"], found["unit"]) == ("2026-10-01", "2026-10-31", "working_days")
    kind = next(k for k in found["kinds"] if k["kind"] == KIND)
    assert (kind["received"], kind["settled_on_time"], kind["settled_late"], kind["mean_days"], kind["p90_days"]) == (
        3, 2, 0, 10.0, 11)
    step1 = next(s for s in found["steps"] if (s["kind"], s["step"]) == (KIND, 1))
    assert (step1["done"], step1["done_on_time"], step1["done_late"], step1["mean_days"], step1["p90_days"]) == (
        3, 2, 1, 3.7, 6)
    plain = io.StringIO()
    call_command("stats", "--as", "lanhdao", "--json", stdout=plain)
    assert set(json.loads(plain.getvalue())) == {"total", "rows"}  # without --procedures: as before
    text = io.StringIO()
    call_command("stats", "--procedures", "--since", "2026-10-01", "--until", "2026-10-31", "--as", "lanhdao",
                 stdout=text)
    assert "Thủ tục một cửa từ 01/10/2026 đến 31/10/2026" in text.getvalue() and "3,7" in text.getvalue()


def test_the_dashboard_shows_time_per_step_with_a_chart_and_an_excel_table(october, people, client):
    client.force_login(people["leader"])
    page = client.get(reverse("reports_dashboard"), {"since": "2026-10-01", "until": "2026-10-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="procedure-steps"' in html and 'class="chart bars durations"' in html and "3,7" in html
    assert "<style" not in html.split("</head>")[-1] and "<script>" not in html
    export = client.get(reverse("reports_export", args=["procedure_steps"]),
                        {"since": "2026-10-01", "until": "2026-10-31"})
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Thủ tục")
    body = [r for r in rows[header + 1:] if r and r[1] == 1]
    assert body and body[0][4:] == (3, 2, 1, 0, 0, 3.7, 6)
    kinds = client.get(reverse("reports_export", args=["procedures"]), {"since": "2026-10-01", "until": "2026-10-31"})
    table = list(load_workbook(io.BytesIO(kinds.content)).active.iter_rows(values_only=True))
    assert any(r[1:] == (3, 2, 0, 1, 10, 11) for r in table if r and len(r) > 6)  # C is open past its due date
