"""A report chart as inline SVG, for the web page and the standalone HTML file.

Horizontal grouped bars: one row per label, one bar per series, the value printed at the end
of each bar in its Vietnamese form. Horizontal, because the labels of a report ("Chi bộ trực
thuộc đảng bộ cơ sở") are long and would not fit under vertical bars.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from tongket.reports.document import Chart
from tongket.reports.facts import printed

COLOURS = ("#b3141b", "#e0802c", "#e8c547", "#558b2f", "#2e6db4", "#555")
WIDTH = 640
LABEL_WIDTH = 190  # the label column, left of the bars
VALUE_WIDTH = 70  # room for the printed value right of the longest bar
BAR = 16
GAP = 10  # between rows
LINE = 14  # label text line height
WRAP = 28  # characters per label line


def _wrap(text: str, width: int = WRAP) -> list[str]:
    """Word-wraps a label into lines of at most `width` characters (a long word stays whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def value_text(value: float, chart: Chart) -> str:
    """The printed form of one value: "1.579", "15,12%", "10.793,7"."""
    number = Decimal(str(value))
    return printed(number, percent=chart.percent) + (
        f" {chart.unit}" if chart.unit and not chart.percent else ""
    )


def chart_svg(chart: Chart) -> str:
    """The chart as an <svg> element (escaped text; safe to insert as is)."""
    values = [v for _legend, series in chart.series for v in series]
    low, high = min([0.0, *values]), max([0.0, *values])
    span = (high - low) or 1.0
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    zero = LABEL_WIDTH + plot * (-low / span)
    parts, y = [], 6
    for i, label in enumerate(chart.labels):
        lines = _wrap(label)
        bars_height = max(len(chart.series), 1) * BAR
        row_height = max(bars_height, len(lines) * LINE)
        text_y = y + (row_height - len(lines) * LINE) / 2 + LINE - 3
        tspans = "".join(
            f'<tspan x="0" dy="{0 if n == 0 else LINE}">{escape(t)}</tspan>'
            for n, t in enumerate(lines)
        )
        parts.append(f'<text x="0" y="{text_y:.1f}" font-size="12">{tspans}</text>')
        bar_y = y + (row_height - bars_height) / 2
        for s, (legend, series) in enumerate(chart.series):
            value = series[i] if i < len(series) else 0.0
            parts.append(_bar(chart, legend, label, value, zero, plot / span, bar_y + s * BAR, s))
        y += row_height + GAP
    height = y + 4
    parts.append(f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="0" y2="{height - 4}" stroke="#333"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(chart.title)}" class="report-chart">'
        f"<title>{escape(chart.title)}</title>{''.join(parts)}</svg>"
    )


def _bar(chart, legend, label, value, zero, scale, y, s) -> str:
    width = abs(value) * scale
    x = zero - width if value < 0 else zero
    text = value_text(value, chart)
    end = x + width + 4 if value >= 0 else zero + 4
    colour = COLOURS[s % len(COLOURS)]
    tip = escape(f"{label} — {legend}: {text}" if legend else f"{label}: {text}")
    return (
        f'<rect x="{x:.1f}" y="{y + 1:.1f}" width="{max(width, 1):.1f}" height="{BAR - 2}" '
        f'fill="{colour}"><title>{tip}</title></rect>'
        f'<text x="{end:.1f}" y="{y + BAR - 4:.1f}" font-size="11">{escape(text)}</text>'
    )


def legend(chart: Chart) -> list[tuple[str, str]]:
    """(colour, legend) of each named series, for the caption under the chart."""
    return [
        (COLOURS[s % len(COLOURS)], name) for s, (name, _values) in enumerate(chart.series) if name
    ]
