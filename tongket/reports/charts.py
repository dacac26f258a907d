"""Bar charts of a report as PNG images, for the DOCX and the PDF made from it.

Drawn with matplotlib's object API (a `Figure` on an Agg canvas, never pyplot) so that charts can
be drawn in several threads at once without sharing pyplot's global figure state. The output is
deterministic: a fixed size, fixed fonts and no software or date stamp in the PNG, so the same
chart always gives the same bytes.
"""

from __future__ import annotations

import io
import textwrap
from decimal import Decimal
from functools import cache

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.ticker import FuncFormatter, MaxNLocator

from tongket.reports.document import Chart
from tongket.reports.facts import printed

# Times New Roman's metric twin first (the body of the report), then fonts that also carry every
# Vietnamese glyph; DejaVu Sans ships inside matplotlib, so a chart never loses its diacritics.
FONT_FAMILIES = ("Liberation Serif", "Times New Roman", "DejaVu Serif", "DejaVu Sans")
SIZE_CM = (16.0, 8.0)  # fits the 16,5 cm text width of an A4 page with 30/15 mm margins
COLOURS = ("#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6")


# Letters a font must draw to be used: the Vietnamese vowels with their tone marks, and đ.
VIETNAMESE_PROBE = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĐƠƯẠẾỘ"


def _covers_vietnamese(path: str) -> bool:
    try:
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError):
        return False
    return all(ord(c) in charmap for c in VIETNAMESE_PROBE)


def _drop_fonts_without_vietnamese() -> None:
    """Forgets the files of FONT_FAMILIES that lack Vietnamese letters.

    Two packages can install one family: Debian's fonts-liberation (1.07, no Vietnamese; a
    dependency of chromium) beside fonts-liberation2 (with it). matplotlib would pick either,
    and a chart would lose its diacritics depending on the order of its font cache.
    """
    manager = font_manager.fontManager
    manager.ttflist = [
        f for f in manager.ttflist if f.name not in FONT_FAMILIES or _covers_vietnamese(f.fname)
    ]
    clear = getattr(manager._findfont_cached, "cache_clear", None)
    if clear is not None:
        clear()


@cache
def _family() -> str:
    """The first of FONT_FAMILIES installed here with every Vietnamese letter (looked up once
    per process)."""
    _drop_fonts_without_vietnamese()
    for family in FONT_FAMILIES:
        try:
            font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            continue
        return family
    return "DejaVu Sans"


def _font(size: float, bold: bool = False) -> font_manager.FontProperties:
    return font_manager.FontProperties(
        family=_family(), size=size, weight="bold" if bold else "normal"
    )


def value_text(value: float, percent: bool) -> str:
    """A bar's label in the report's number form: "1.579", "10.793,7", "15,12%"."""
    return printed(Decimal(str(value)), percent)


def _plain(text: str) -> str:
    # "$" would switch matplotlib to mathtext; a label is always plain text.
    return text.replace("$", r"\$")


def _wrapped(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(_plain(label), width=width)) or " "


def chart_png(chart: Chart, dpi: int = 150, title: bool = False) -> bytes:
    """The chart as PNG bytes: grouped bars, each labelled with its value in the Vietnamese form.

    `title` draws the chart's title in the image; the DOCX prints it as a caption instead, so
    that it is text a reader can search and copy."""
    buffer = io.BytesIO()
    chart_figure(chart, dpi, title).savefig(
        buffer, format="png", dpi=dpi, metadata={"Software": None}
    )
    return buffer.getvalue()


def chart_figure(chart: Chart, dpi: int = 150, title: bool = False) -> Figure:
    """The chart drawn on a matplotlib Figure of its own (no pyplot state)."""
    width_in, height_in = (cm / 2.54 for cm in SIZE_CM)
    figure = Figure(figsize=(width_in, height_in), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    lines = _draw_bars(axes, chart)
    if title and chart.title:
        axes.set_title(_plain(chart.title), fontproperties=_font(11, bold=True))
    # Fixed margins rather than a layout engine: as good for a bar chart, and 40 % faster.
    widest = max((len(t.get_text()) for t in axes.get_yticklabels()), default=1)
    figure.subplots_adjust(
        left=0.04 + 0.011 * widest + (0.03 if axes.get_ylabel() else 0),
        right=0.99,
        bottom=0.05 + 0.055 * lines,
        top=0.9 if title and chart.title else 0.96,
    )
    return figure


def _draw_bars(axes, chart: Chart) -> int:
    """Draws the bars; returns the most lines a label was wrapped to."""
    count = max(len(chart.series), 1)
    group = 0.8  # share of each label's slot taken by its bars
    width = group / count
    positions = range(len(chart.labels))
    values_all = [v for _, values in chart.series for v in values]
    top, bottom = max(values_all + [0]), min(values_all + [0])
    tallest = (top - bottom) or 1
    small = _font(9)
    for n, (name, values) in enumerate(chart.series):
        offset = (n - (count - 1) / 2) * width
        xs = [x + offset for x in positions]
        bars = axes.bar(xs, values, width * 0.92, label=_plain(name), color=COLOURS[n % 6])
        for bar, value in zip(bars, values, strict=False):
            # A negative bar (a fall against last year) is labelled under its end.
            below = value < 0
            axes.text(
                bar.get_x() + bar.get_width() / 2,
                value + (-1 if below else 1) * tallest * 0.01,
                value_text(value, chart.percent),
                ha="center",
                va="top" if below else "bottom",
                fontproperties=small,
            )
    wrap = max(8, 90 // max(len(chart.labels), 1))
    labels = [_wrapped(label, wrap) for label in chart.labels]
    axes.set_xticks(list(positions), labels)
    axes.tick_params(labelsize=10, labelfontfamily=_family())
    if not chart.percent and all(float(v).is_integer() for v in values_all):
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # no "2,5" đảng viên
    axes.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _pos: value_text(round(v, 6), chart.percent))
    )
    axes.set_ylim(bottom - (tallest * 0.12 if bottom < 0 else 0), top + tallest * 0.12)
    if bottom < 0:
        axes.axhline(0, color="#444444", linewidth=0.8)
    if chart.unit and not chart.percent:
        axes.set_ylabel(_plain(chart.unit), fontproperties=_font(9))
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if len(chart.series) > 1:
        axes.legend(prop=_font(9), frameon=False, loc="upper right")
    return max((label.count("\n") + 1 for label in labels), default=1)
