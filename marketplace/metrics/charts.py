"""Server-side SVG charts for the reports: no script, no external service.

Drawn in a 360-unit-wide ``viewBox`` that scales to the page (100% wide), with 12-unit text,
so they stay readable on a 390-px phone. Every chart has a title and a description for
screen readers, and the figures are also in the table beside it.
"""
from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

from marketplace.formatting import count

WIDTH = 360
COLOURS = ("#c2185b", "#1565c0")


def _nice_max(value: int) -> int:
    """A round axis top at or above ``value`` (1, 2, 5 × 10^n)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def trend_chart(days: list[tuple[date, int, int]], title: str, labels: tuple[str, str], day_label) -> Markup:
    """Two lines (impressions, reads) over the days."""
    height, left, right, top, bottom = 210, 44, 12, 30, 34
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    if not days:
        return Markup("")
    top_value = _nice_max(max(max(d[1], d[2]) for d in days))
    n = len(days)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: int) -> float:
        return top + plot_h - plot_h * v / top_value

    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
             f'aria-labelledby="trend-title trend-desc" xmlns="http://www.w3.org/2000/svg" '
             f'font-family="system-ui, sans-serif" font-size="12">',
             f'<title id="trend-title">{escape(title)}</title>',
             f'<desc id="trend-desc">{escape(labels[0])}: {escape(count(days[-1][1]))}; '
             f'{escape(labels[1])}: {escape(count(days[-1][2]))}</desc>']
    for fraction in (0, 0.5, 1):
        value = int(top_value * fraction)
        parts.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     f'stroke="#ddd" stroke-width="1"/>')
        parts.append(f'<text x="{left - 4}" y="{y(value) + 4:.1f}" text-anchor="end" fill="#555">'
                     f'{escape(_short(value))}</text>')
    for series, colour in zip((1, 2), COLOURS):
        points = " ".join(f"{x(i):.1f},{y(d[series]):.1f}" for i, d in enumerate(days))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{points}"/>')
        if n == 1:
            parts.append(f'<circle cx="{x(0):.1f}" cy="{y(days[0][series]):.1f}" r="3" fill="{colour}"/>')
    parts.append(f'<text x="{left}" y="{height - 12}" fill="#555">{escape(day_label(days[0][0]))}</text>')
    if n > 1:
        parts.append(f'<text x="{WIDTH - right}" y="{height - 12}" text-anchor="end" fill="#555">'
                     f'{escape(day_label(days[-1][0]))}</text>')
    for i, (label, colour) in enumerate(zip(labels, COLOURS)):
        lx = left + i * 150
        parts.append(f'<rect x="{lx}" y="8" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{lx + 16}" y="18" fill="#222">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def creator_chart(rows: list[tuple[str, int, int]], title: str, labels: tuple[str, str]) -> Markup:
    """Horizontal bars per creator: reads and engagement, the handle above each pair."""
    if not rows:
        return Markup("")
    row_h, top = 44, 28
    height = top + row_h * len(rows) + 4
    left, right = 8, 70
    bar_w = WIDTH - left - right
    top_value = max(max(r[1], r[2]) for r in rows) or 1
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
             f'aria-labelledby="creators-title" xmlns="http://www.w3.org/2000/svg" '
             f'font-family="system-ui, sans-serif" font-size="12">',
             f'<title id="creators-title">{escape(title)}</title>']
    for i, (label, colour) in enumerate(zip(labels, COLOURS)):
        lx = left + i * 150
        parts.append(f'<rect x="{lx}" y="6" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{lx + 16}" y="16" fill="#222">{escape(label)}</text>')
    for i, (handle, reads, engagement) in enumerate(rows):
        y0 = top + i * row_h
        parts.append(f'<text x="{left}" y="{y0 + 11}" fill="#222">@{escape(handle)}</text>')
        for j, (value, colour) in enumerate(zip((reads, engagement), COLOURS)):
            w = max(1.0, bar_w * value / top_value)
            yb = y0 + 15 + j * 12
            parts.append(f'<rect x="{left}" y="{yb}" width="{w:.1f}" height="10" fill="{colour}"/>'
                         f'<text x="{left + w + 4:.1f}" y="{yb + 9}" fill="#333">{escape(count(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(value: int) -> str:
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if value >= size:
            whole, part = divmod(value * 10 // size, 10)
            return f"{whole}{'.' + str(part) if part and whole < 10 else ''}{suffix}"
    return str(value)
