"""Evaluation pages: the rounds, a round's dashboard (progress, validation report, tallies with
a chart, awards), the entry grid of a branch, and the badges due."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongket.domain.errors import DomainError
from tongket.domain.evaluation import Level
from tongket.evaluation import selectors as ev
from tongket.evaluation import services
from tongket.party import selectors as party
from tongket.web.shell import actor_of, page

LEVEL_CHOICES = [(level.value, level.label) for level in Level]


@page
def rounds(request):
    return render(
        request,
        "web/evaluation/rounds.html",
        {"rounds": ev.rounds_visible(actor_of(request))[:200]},
    )


@page
def round_detail(request, pk: int):
    actor = actor_of(request)
    rnd = ev.round_by_id(actor, pk)
    tally = ev.evaluation_tally(actor, rnd.committee, rnd.year)
    context = {
        "round": rnd,
        "progress": ev.round_progress(actor, rnd, timezone.localdate()),
        "report": ev.validation_report(actor, rnd),
        "tally": tally,
        "chart": _chart(tally),
        "awards": ev.award_counts(actor, rnd.committee, rnd.year),
        "streak": ev.streaks(actor, rnd.committee, rnd.year, 5),
        "settings": services.quota_settings(rnd),
    }
    return render(request, "web/evaluation/round.html", context)


def _chart(tally) -> list[dict]:
    """Stacked bars, one per group, as shares of the group's total, in SVG coordinates."""
    colours = {
        "excellent": "#b3141b",
        "good": "#e0802c",
        "completed": "#e8c547",
        "not_completed": "#555",
        "unclassified": "#bbb",
    }
    bars = []
    for label, counts in (
        (_("Chi, đảng bộ cơ sở"), tally.grassroots),
        (_("Chi bộ trực thuộc"), tally.sub_branches),
        (_("Đảng viên"), tally.members),
    ):
        x, parts = 0.0, []
        for key, colour in colours.items():
            value = getattr(counts, key)
            width = 100.0 * value / counts.total if counts.total else 0
            if width:
                parts.append({"x": x, "width": width, "colour": colour, "value": value, "key": key})
            x += width
        bars.append({"label": label, "parts": parts, "total": counts.total})
    return bars


@page
def branch_entry(request, pk: int, org_pk: int):
    """The entry grid of one branch: every member with a level to choose, saved at once."""
    actor = actor_of(request)
    rnd = ev.round_by_id(actor, pk)
    org = party.org_get(actor, org_pk)
    rows = ev.branch_results(actor, rnd, org)
    if request.method == "POST":
        try:
            _save_grid(request, actor, rnd, rows)
            messages.success(request, _("Đã lưu kết quả xếp loại."))
            return redirect("evaluation_branch", pk=rnd.pk, org_pk=org.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    context = {"round": rnd, "org": org, "rows": rows, "levels": LEVEL_CHOICES}
    return render(request, "web/evaluation/branch.html", context)


def _save_grid(request, actor, rnd, rows) -> None:
    from tongket.domain.vnformat import parse_date

    body = request.POST.get("deciding_body", "").strip()
    reviewed = request.POST.get("reviewed_on", "").strip()
    if not reviewed:
        raise DomainError("evaluation.review", _("Cần ghi ngày kiểm điểm (§9 mục 13)."))
    reviewed_on = parse_date(reviewed)
    results = []
    for member, _existing in rows:
        level = request.POST.get(f"level-{member.pk}", "")
        if not level:
            continue
        # Only what the user typed: the rule itself refuses an excellent level without the
        # share of targets exceeded, rather than the page guessing one.
        share = request.POST.get(f"share-{member.pk}", "").strip().replace(",", ".")
        flags = {
            "tasks_on_time": request.POST.get(f"ontime-{member.pk}") == "on",
            **({"share_exceeded": share} if share else {}),
        }
        results.append(
            services.ResultRow(
                level=level,
                member=member,
                flags=flags,
                deciding_body=body,
                reviewed_on=reviewed_on,
            )
        )
    services.results_record(actor=actor, rnd=rnd, rows=results)


@require_POST
@page
def branch_submit(request, pk: int, org_pk: int):
    actor = actor_of(request)
    rnd = ev.round_by_id(actor, pk)
    try:
        services.results_submit(actor=actor, rnd=rnd, org=party.org_get(actor, org_pk))
        messages.success(request, _("Đã gửi kết quả lên cấp trên."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("evaluation_branch", pk=rnd.pk, org_pk=org_pk)


@page
def badges(request):
    from tongket.web.views import _as_of

    actor, day = actor_of(request), _as_of(request)[0]
    org = (
        party.org_get(actor, int(request.GET["org"]))
        if request.GET.get("org", "").isdigit()
        else None
    )
    due = ev.badges_due_list(actor, org, day) if org else []
    if org:
        party.log_member_list(actor, f"badges {org.code}", len(due))
    context = {
        "due": due,
        "org": org,
        "day": day,
        "orgs": party.orgs_visible(actor).filter(kind="party_committee")[:100],
    }
    return render(request, "web/evaluation/badges.html", context)
