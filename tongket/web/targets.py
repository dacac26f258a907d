"""Targets pages: pick an organization or a unit, then its results for a period, with a
progress bar against each target and a trend chart by period (server-rendered SVG)."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import render

from tongket.domain.errors import DomainError
from tongket.domain.indicators import Verdict, format_value, growth_phrase
from tongket.domain.periods import parse_period
from tongket.domain.vnformat import format_percent
from tongket.party import selectors as party
from tongket.registry import selectors as registry
from tongket.targets import selectors
from tongket.web.shell import actor_of, page

VERDICT_COLOURS = {
    Verdict.MET: "#2e7d32",
    Verdict.ON_TRACK: "#558b2f",
    Verdict.AT_RISK: "#e0802c",
    Verdict.BEHIND: "#b3141b",
    Verdict.NOT_MET: "#b3141b",
    Verdict.UNKNOWN: "#999",
}
BAR_WIDTH = 400  # SVG units of a progress bar at 100 % of the target
TREND_HEIGHT = 120


@page
def index(request):
    actor = actor_of(request)
    context = {
        "orgs": party.orgs_visible(actor).filter(kind="party_committee").order_by("path")[:100],
        "units": registry.units_visible(actor)
        .filter(level__in=("province", "district", "ward"))
        .order_by("path")[:200],
    }
    return render(request, "web/targets/index.html", context)


@page
def org_status(request, pk: int):
    actor = actor_of(request)
    return _status_page(request, actor, party.org_get(actor, pk))


@page
def unit_status(request, pk: int):
    actor = actor_of(request)
    return _status_page(request, actor, registry.unit_get(actor, pk))


def _status_page(request, actor, subject):
    asked = request.GET.get("period", "").strip()
    code = asked or selectors.latest_period(actor, subject) or str(_today().year)
    error, rows, period = "", [], None
    try:
        period = parse_period(code)
        rows = selectors.targets_status(actor, subject, period)
    except DomainError as exc:
        error = exc.message
    context = {
        "subject": subject,
        "period": period,
        "asked": code,
        "error": error,
        "rows": [_view_row(actor, subject, r, period) for r in rows],
    }
    return render(request, "web/targets/status.html", context)


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _view_row(actor, subject, row, period) -> dict:
    indicator = selectors.indicator_by_code(actor, row.code)
    trend = selectors.indicator_trend(actor, subject, indicator, period.kind, period)
    history = []
    if row.record_id:
        history = selectors.figure_history(actor, selectors.actual_get(actor, row.record_id))
    return {
        "row": row,
        "actual_text": format_value(row.actual, row.unit) if row.actual is not None else "—",
        "bars": [_bar(t, row.unit) for t in row.targets],
        "trend": _trend(trend, row.unit),
        "growth_text": growth_phrase(row.growth),
        "history": [_revision(h, row.unit) for h in history] if len(history) > 1 else [],
    }


def _revision(h, unit) -> dict:
    from tongket.targets.models import Actual

    status = Actual.Status(h.status).label if h.status in Actual.Status.values else h.status
    value = format_value(Decimal(h.value), unit) if h.value else "—"
    return {"at": h.at, "user": h.user, "value": value, "status": status, "source": h.source}


def _bar(target, unit) -> dict:
    """A progress bar: the share reached (capped at 120 % of the bar's scale), and a tick at
    the elapsed share of the target's time."""
    share = target.share.value
    width = float(min(share, Decimal("1.2"))) * BAR_WIDTH if share is not None else 0
    return {
        "t": target,
        "width": round(width, 1),
        "tick": round(float(target.elapsed) * BAR_WIDTH, 1),
        "colour": VERDICT_COLOURS[target.verdict],
        "value_text": format_value(target.value, unit),
        "share_text": format_percent(share) if share is not None else "—",
    }


def _trend(points, unit) -> dict:
    """Bars of the actual per period, scaled to the largest value."""
    top = max((p.value for p in points), default=Decimal(0))
    step = 70
    bars = []
    for i, p in enumerate(points):
        height = float(p.value / top) * (TREND_HEIGHT - 30) if top > 0 else 0
        bars.append(
            {
                "x": 10 + i * step,
                "y": round(TREND_HEIGHT - 20 - height, 1),
                "height": round(height, 1),
                "label": p.period,
                "text": format_value(p.value, unit),
                "estimate": p.status == "estimate",
            }
        )
    return {"bars": bars, "width": 20 + step * max(len(points), 1), "height": TREND_HEIGHT}
