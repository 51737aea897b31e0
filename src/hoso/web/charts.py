"""Charts drawn on the server as SVG: the geometry of bars, rendered by templates/reports/_bars.html and
_columns.html. No script, no inline style (the Content-Security-Policy forbids both): shapes carry SVG presentation
attributes and classes styled by static/hoso/reports.css. Every bar is a link to the list of dossiers it counts."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy


def vn_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    url: str
    x: float
    y: float
    width: float
    height: float
    kind: str = ""  # a class for the bar's colour (e.g. "late")
    short: str = ""  # the label cut to the room it has
    caption: str = ""  # the value as written beside the bar, when not a whole count ("2,5 · 90%: 4")
    mark: float | None = None  # x of a tick across the bar (the 90th percentile of a duration)

    @property
    def shown(self) -> str:
        return self.short or self.label

    @property
    def text(self) -> str:
        return self.caption or vn_number(self.value)

    # Coordinates as text with a dot (a template would write a float the Vietnamese way, with a comma).
    @property
    def svg(self) -> dict[str, str]:
        return {"x": _n(self.x), "y": _n(self.y), "width": _n(self.width), "height": _n(self.height),
                "mid_y": _n(self.y + self.height / 2 + 4), "end_x": _n(self.x + self.width + 6),
                "centre_x": _n(self.x + self.width / 2), "top_y": _n(self.y - 4),
                "mark_x": _n(self.mark if self.mark is not None else 0), "mark_top": _n(self.y - 2),
                "mark_bottom": _n(self.y + self.height + 2),
                "text_x": _n(max(self.x + self.width, self.mark or 0) + 6)}


def _n(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    label_width: int = 0
    ticks: tuple[tuple[float, str], ...] = ()
    title: str = ""
    unit: str = gettext_lazy("hồ sơ")  # what a value counts, in the bars' titles

    @property
    def empty(self) -> bool:
        return not any(b.value for b in self.bars)

    @property
    def label_x(self) -> str:
        return _n(self.label_width - 8)

    @property
    def base_y(self) -> str:
        return _n(self.height - 20)

    @property
    def caption_y(self) -> str:
        return _n(self.height - 6)


def bars(items: list[tuple[str, int, str]], *, title: str = "", width: int = 720, label_width: int = 260,
         row: int = 22) -> Chart:
    """Horizontal bars, one per (label, value, url), longest scaled to the width left after the labels."""
    top = max((v for _, v, _ in items), default=0) or 1
    room = width - label_width - 70
    fits = max(8, (label_width - 10) // 7)  # characters of 13 px type in the label column
    drawn = [Bar(label=label, value=value, url=url, x=label_width, y=i * row + 3, height=row - 6,
                 width=max(1.0, value / top * room) if value else 0.0,
                 short=label if len(label) <= fits else label[:fits - 1] + "…")
             for i, (label, value, url) in enumerate(items)]
    return Chart(width=width, height=max(row, len(items) * row), bars=drawn, label_width=label_width, title=title)


def columns(items: list[tuple[str, int, str]], *, title: str = "", width: int = 720, height: int = 200,
            kind: str = "") -> Chart:
    """Vertical columns over time or an ordered scale, labelled below; the tallest reaches the top."""
    top = max((v for _, v, _ in items), default=0) or 1
    plot = height - 40
    step = (width - 20) / max(1, len(items))
    drawn = []
    for i, (label, value, url) in enumerate(items):
        h = value / top * plot if value else 0.0
        drawn.append(Bar(label=label, value=value, url=url, x=10 + i * step + step * 0.15, y=20 + plot - h,
                         width=max(1.0, step * 0.7), height=h, kind=kind))
    ticks = ((20.0, vn_number(top)), (20.0 + plot, "0"))
    return Chart(width=width, height=height, bars=drawn, ticks=ticks, title=title)


def duration_bars(items: list[tuple[str, float, int, str]], *, title: str = "", width: int = 1000,
                  label_width: int = 330, row: int = 24, unit: str = gettext_lazy("ngày làm việc")) -> Chart:
    """One bar per (label, mean, 90th percentile, caption): the bar is as long as the mean, a tick marks the 90th
    percentile; both on one scale, the longest percentile reaching the width left after labels and captions."""
    top = max((max(m, p) for _, m, p, _ in items), default=0) or 1
    room = width - label_width - 150
    fits = max(8, (label_width - 10) // 7)
    drawn = [Bar(label=label, value=1, url="", x=label_width, y=i * row + 3, height=row - 6,
                 width=max(1.0, mean / top * room) if mean else 0.0, caption=caption,
                 mark=label_width + p90 / top * room,
                 short=label if len(label) <= fits else label[:fits - 1] + "…")
             for i, (label, mean, p90, caption) in enumerate(items)]
    return Chart(width=width, height=max(row, len(items) * row), bars=drawn, label_width=label_width, title=title,
                 unit=unit)
