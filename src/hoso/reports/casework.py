"""How long one-stop procedures take (thời gian giải quyết thủ tục): by procedure and by step, through the cases'
own visibility rule (procedures/cases.py `visible_cases`), read from the cases' steps and history only.

The unit is the **working day** of the one calendar (core/calendar.py: weekends, public holidays, the
administrator's days): the unit in which the procedures' legal times are written and in which an officer thinks
("bước xã mất 3 ngày làm việc"). Hours cannot be measured: a step's end is recorded as a day (`CaseStep.done_on`,
`CaseEvent.on`), not a time.

- A step starts on the day the step before it was done (`CaseStep.done_on`), the first step on the day the case
  was received (its legal time counts from there too), and ends on its own `done_on`. Its time is the working days
  after the start up to and including the end, leaving out the days the case waited for papers (the clock stopped:
  the days after the request up to and including the day the papers were complete, as the due dates do). A step
  done on the day it started took 0 days.
- A whole case runs from the day of receipt to the day it was settled (`closed_on`: result returned, or refused),
  the same way.
- Counted: steps done (cases settled) between `since` and `until`. A step is on time when it was done by its due date
  (`CaseStep.due_on`, the date the case shows, moved by pauses); a case when it was settled by its due date.
- Mean: the sum over the count, to one decimal. 90th percentile by the **nearest rank**: the values sorted
  ascending, the ⌈0.9 × n⌉-th one — "nine in ten were done within this many working days"; always a value that
  occurred (for 1 value: that value; for 10 values: the 9th; for 11: the 10th).
"""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from hoso.access.models import User
from hoso.core import calendar
from hoso.procedures.cases import may_work_on_cases, visible_cases
from hoso.procedures.models import Case, CaseEvent, CaseStep, ProcedureStep, ProcedureVersion

UNIT = "working_days"
UNIT_LABEL = "ngày làm việc"
PERCENTILE = 90
SETTLED = (Case.State.RETURNED, Case.State.REFUSED)
ONE_DAY = dt.timedelta(days=1)


def nearest_rank(values: Sequence[int], p: int = PERCENTILE) -> int | None:
    """The p-th percentile by the nearest rank: the ⌈p/100 × n⌉-th smallest value; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p * len(ordered) / 100)) - 1]


def mean(values: Sequence[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def vn_decimal(value: float | None) -> str:
    """2.5 → "2,5"; 3.0 → "3"; None → "—" (Vietnamese decimal comma)."""
    if value is None:
        return "—"
    text = f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text[:-2] if text.endswith(",0") else text


@dataclass
class Timing:
    """Durations (working days) of done steps or settled cases, with how many were on time."""

    days: list[int] = field(default_factory=list)
    on_time: int = 0
    late: int = 0

    def add(self, days: int, *, on_time: bool) -> None:
        self.days.append(days)
        if on_time:
            self.on_time += 1
        else:
            self.late += 1

    @property
    def count(self) -> int:
        return len(self.days)

    @property
    def mean(self) -> float | None:
        return mean(self.days)

    @property
    def p90(self) -> int | None:
        return nearest_rank(self.days)

    @property
    def mean_text(self) -> str:
        """The mean as written in Vietnamese ("2,5"), "—" when nothing was counted."""
        return vn_decimal(self.mean)


@dataclass
class StepRow:
    """One step of one procedure: who acts, its legal time, steps done in the period and how long they took, and the
    cases at that step now."""

    kind: str
    kind_name: str
    position: int
    actor: str
    limit: str
    timing: Timing = field(default_factory=Timing)
    open_now: int = 0
    open_overdue: int = 0

    @property
    def label(self) -> str:
        return gettext("Bước %(number)s: %(actor)s") % {"number": self.position, "actor": self.actor}

    def as_json(self) -> dict[str, Any]:
        t = self.timing
        return {"kind": self.kind, "step": self.position, "actor": self.actor, "limit": self.limit, "done": t.count,
                "done_on_time": t.on_time, "done_late": t.late, "open": self.open_now,
                "open_overdue": self.open_overdue, "mean_days": t.mean, "p90_days": t.p90}


@dataclass
class CaseTimes:
    """Per procedure (code → timing of the cases settled in the period) and per step."""

    since: dt.date
    until: dt.date
    kinds: dict[str, Timing]
    steps: list[StepRow]

    def kind(self, code: str) -> Timing:
        return self.kinds.get(code) or Timing()


def _paused_days(events: Iterable[tuple[str, dt.date]], *, on: dt.date) -> set[dt.date]:
    """Days the clock stood still, from a case's history in order (as procedures/cases.py `pauses` reads it): the days
    after papers were requested up to and including the day they were complete (or `on`, still waiting)."""
    days: set[dt.date] = set()
    stopped = None
    spans = []
    for state, day in events:
        if state == Case.State.WAITING_PAPERS and stopped is None:
            stopped = day
        elif state != Case.State.WAITING_PAPERS and stopped is not None:
            spans.append((stopped, day))
            stopped = None
    if stopped is not None:
        spans.append((stopped, max(on, stopped)))
    for start, end in spans:
        day = start + ONE_DAY
        while day <= end:
            days.add(day)
            day += ONE_DAY
    return days


def working_days(cal: calendar.Calendar, start: dt.date, end: dt.date, paused: set[dt.date]) -> int:
    """Working days after `start` up to and including `end`, not counting paused days (0 when `end` ≤ `start`)."""
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        if day not in paused and cal.is_working_day(day):
            count += 1
    return count


def _names() -> tuple[dict[str, str], dict[tuple[str, int], tuple[str, str]]]:
    """Each procedure's name and each of its steps' actor and legal time, as its newest version says."""
    names: dict[str, str] = {}
    for version in ProcedureVersion.objects.select_related("kind").order_by("kind__sort_order", "kind__code",
                                                                            "number"):
        names[version.kind.code] = version.name
    steps: dict[tuple[str, int], tuple[str, str]] = {}
    for step in (ProcedureStep.objects.select_related("version__kind")
                 .only("position", "actor", "duration", "unit", "version__number", "version__kind__code")
                 .order_by("version__kind_id", "version__number", "position")):
        steps[(step.version.kind.code, step.position)] = (step.actor, step.duration_text)
    return names, steps


def case_times(*, actor: User | None, since: dt.date, until: dt.date) -> CaseTimes | None:
    """Time taken by cases settled and steps done from `since` to `until`, and cases at each step now, by procedure
    and step, for the cases the actor sees. None for a user who does not work on cases."""
    if not may_work_on_cases(actor):
        return None
    today = timezone.localdate()
    cases = visible_cases(actor=actor).order_by()
    # The cases the figures are about: a step done or the case settled in the period, or open now.
    wanted = (Q(steps__done_on__gte=since, steps__done_on__lte=until)
              | Q(state__in=SETTLED, closed_on__gte=since, closed_on__lte=until) | Q(state__in=Case.OPEN))
    rows = {pk: (code, received, state, step, closed, due) for pk, code, received, state, step, closed, due in
            cases.filter(wanted).distinct().values_list("pk", "kind__code", "received_on", "state", "step",
                                                        "closed_on", "due_on")}
    steps_of: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
    history: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    ids = sorted(rows)
    for start in range(0, len(ids), 900):  # SQLite's limit on query parameters
        chunk = ids[start:start + 900]
        for case_id, position, due, done in (CaseStep.objects.filter(case_id__in=chunk).order_by("case_id", "position")
                                             .values_list("case_id", "position", "due_on", "done_on")):
            steps_of[case_id].append((position, due, done))
        waited = set(CaseEvent.objects.filter(case_id__in=chunk, state=Case.State.WAITING_PAPERS)
                     .values_list("case_id", flat=True).distinct())
        for case_id, state, on in (CaseEvent.objects.filter(case_id__in=sorted(waited)).order_by("case_id", "id")
                                   .values_list("case_id", "state", "on")):
            history[case_id].append((state, on))
    cal = calendar.current()
    names, step_names = _names()
    kinds: dict[str, Timing] = defaultdict(Timing)
    by_step: dict[tuple[str, int], StepRow] = {}

    def row_for(code: str, position: int) -> StepRow:
        key = (code, position)
        if key not in by_step:
            who, limit = step_names.get(key, ("", ""))
            by_step[key] = StepRow(kind=code, kind_name=names.get(code, code), position=position, actor=who,
                                   limit=limit)
        return by_step[key]

    for case_id, (code, received, state, current, closed, due) in rows.items():
        paused = _paused_days(history.get(case_id, ()), on=min(today, until)) if case_id in history else set()
        start = received
        for position, step_due, done in steps_of.get(case_id, ()):
            if done is None:
                continue
            if since <= done <= until:
                row_for(code, position).timing.add(working_days(cal, start, done, paused), on_time=done <= step_due)
            start = max(start, done)
        if state in SETTLED and closed is not None and since <= closed <= until:
            kinds[code].add(working_days(cal, received, closed, paused), on_time=closed <= due)
        if state in Case.OPEN and current:
            row = row_for(code, current)
            row.open_now += 1
            step_due = next((d for p, d, _ in steps_of.get(case_id, ()) if p == current), None)
            if state in Case.RUNNING and step_due is not None and step_due < today:
                row.open_overdue += 1
    kind_order = {code: i for i, code in enumerate(names)}
    ordered = sorted(by_step.values(), key=lambda r: (kind_order.get(r.kind, 999), r.kind, r.position))
    return CaseTimes(since=since, until=until, kinds=dict(kinds), steps=ordered)


def as_json(times: CaseTimes | None, kinds: Iterable[Any] = ()) -> dict[str, Any] | None:
    """What `hoso stats --procedures --json` adds under "procedures" (None for a user who does not work on cases).
    `kinds`: the rows of figures.procedures (received, settled on time / late, open overdue, by procedure)."""
    if times is None:
        return None
    found = []
    for row in kinds:
        t = times.kind(row.code)
        found.append({"kind": row.code, "name": row.name, "received": row.received,
                      "settled_on_time": row.settled_on_time, "settled_late": row.settled_late,
                      "open_overdue": row.open_overdue, "mean_days": t.mean, "p90_days": t.p90})
    return {"since": times.since.isoformat(), "until": times.until.isoformat(), "unit": UNIT,
            "percentile": "p90, nearest rank", "kinds": found, "steps": [s.as_json() for s in times.steps]}
