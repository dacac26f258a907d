"""Pages of the work with the people and of the meetings: the meetings of the organization, a
meeting with its attendees and conclusions → tasks, the task list with overdue tasks marked,
and the coverage of a visiting programme with a progress bar and visits per week."""

from __future__ import annotations

from django.shortcuts import render

from tongket.domain.errors import DomainError
from tongket.domain.meetings import STATES as TASK_STATES
from tongket.meetings import selectors as meetings
from tongket.outreach import selectors as outreach
from tongket.web.shell import active_org, actor_of, page


def _day(request):
    from tongket.web.views import _as_of

    return _as_of(request)


@page
def meeting_list(request):
    actor, org = actor_of(request), active_org(request)
    rows = meetings.meetings_of(actor, org)[:200] if org else []
    return render(request, "web/work/meetings.html", {"org": org, "meetings": rows})


@page
def meeting_detail(request, pk: int):
    actor = actor_of(request)
    day, date_error = _day(request)
    detail = meetings.meeting_detail(actor, pk, day)
    context = {"d": detail, "m": detail.meeting, "day": day, "date_error": date_error}
    return render(request, "web/work/meeting.html", context)


@page
def task_list(request):
    actor, org = actor_of(request), active_org(request)
    day, date_error = _day(request)
    state = request.GET.get("state", "")
    states = (state,) if state in TASK_STATES else ()
    rows = meetings.tasks_of(actor, org, day, states) if org else []
    context = {
        "org": org,
        "tasks": rows,
        "day": day,
        "date_error": date_error,
        "state": state if states else "",
        "overdue": sum(1 for r in rows if r.state == "overdue"),
    }
    return render(request, "web/work/tasks.html", context)


CHART_WIDTH, CHART_HEIGHT = 640, 120


def week_chart(weeks: list) -> dict:
    """Bars of visits per week in SVG coordinates (the evaluation dashboard's way)."""
    if not weeks:
        return {"bars": [], "top": 0}
    top = max(n for _w, n in weeks) or 1
    width = CHART_WIDTH / len(weeks)
    bars = []
    for i, (week, n) in enumerate(weeks):
        # An empty week keeps a thin grey stub so that the gap shows.
        height = CHART_HEIGHT * n / top if n else 3
        bars.append(
            {
                "x": round(i * width + 1, 2),
                "y": round(CHART_HEIGHT - height, 2),
                "width": round(max(width - 2, 1), 2),
                "height": round(height, 2),
                "week": week,
                "visits": n,
            }
        )
    return {"bars": bars, "top": top}


@page
def coverage(request):
    actor, org = actor_of(request), active_org(request)
    day, date_error = _day(request)
    programmes = list(
        outreach.programmes_visible(actor).filter(org__path__startswith=org.path) if org else []
    )
    chosen = request.GET.get("programme", "")
    programme = next((p for p in programmes if str(p.pk) == chosen), None)
    programme = programme or (programmes[0] if programmes else None)
    body = request.GET.get("body", "")
    report = None
    if programme:
        try:
            report = outreach.coverage_report(actor, programme, day, body=body or None)
        except DomainError as exc:  # a day before the programme started
            date_error = exc.message
    context = {
        "org": org,
        "programmes": programmes,
        "programme": programme,
        "report": report,
        "day": day,
        "date_error": date_error,
        "body": body,
        "chart": week_chart(report.weeks) if report else None,
        "projects": outreach.project_work(actor, org) if org else [],
    }
    return render(request, "web/work/coverage.html", context)
