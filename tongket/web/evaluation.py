"""Evaluation pages: the rounds, a round's dashboard (progress, validation report, tallies with
a chart, awards), the entry grid of a branch, and the badges due."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongket.core.errors import NotFoundError, PermissionDeniedError
from tongket.domain.errors import DomainError
from tongket.domain.evaluation import Level
from tongket.domain.evaluation.awards import DEFAULT_CATEGORIES, awarding_bodies_either_side
from tongket.domain.evaluation.awards import category as award_category
from tongket.evaluation import selectors as ev
from tongket.evaluation import services
from tongket.party import selectors as party
from tongket.web.shell import actor_of, page

LEVEL_CHOICES = [(level.value, level.label) for level in Level]


@page
def rounds(request):
    actor = actor_of(request)
    context = {
        "rounds": ev.rounds_visible(actor)[:200],
        "committees": _committees(actor),
        "this_year": timezone.localdate().year,
    }
    return render(request, "web/evaluation/rounds.html", context)


def _committees(actor):
    return party.orgs_visible(actor).filter(kind="party_committee").order_by("path")[:100]


@require_POST
@page
def round_new(request):
    """Opens a round for a committee and a year, or a quarter (Q1–Q3 where the rule has
    quarters); the rule's refusals come back as a message."""
    actor = actor_of(request)
    try:
        committee = party.org_get(actor, _int(request.POST.get("committee"), _("Cấp ủy")))
        quarter = request.POST.get("quarter", "").strip()
        rnd = services.round_open(
            actor=actor,
            committee=committee,
            year=_int(request.POST.get("year"), _("Năm")),
            quarter=_int(quarter, _("Quý")) if quarter else None,
            submit_by=_optional_date(request.POST.get("submit_by")),
        )
    except DomainError as exc:
        _reraise_access(exc)
        messages.error(request, exc.message)
        return redirect("evaluation_rounds")
    messages.success(request, _("Đã mở đợt đánh giá %(r)s.") % {"r": rnd})
    return redirect("evaluation_round", pk=rnd.pk)


def _reraise_access(exc: DomainError) -> None:
    # Objects outside the user's scope are a 404/403 page, as on every other page, not a
    # message that would tell that they exist.
    if isinstance(exc, NotFoundError | PermissionDeniedError):
        raise exc


def _int(text, what: str) -> int:
    try:
        return int((text or "").strip())
    except ValueError:
        raise DomainError(
            "web.number", _("%(w)s không hợp lệ: “%(v)s”.") % {"w": what, "v": text or ""}
        ) from None


def _optional_date(text):
    from tongket.domain.vnformat import parse_date

    return parse_date(text.strip()) if (text or "").strip() else None


@page
def round_detail(request, pk: int):
    actor = actor_of(request)
    rnd = ev.round_by_id(actor, pk)
    context = {
        "round": rnd,
        "progress": ev.round_progress(actor, rnd, timezone.localdate()),
        "report": ev.validation_report(actor, rnd),
        "settings": services.quota_settings(rnd),
    }
    if not rnd.quarter:  # tallies, streaks and awards are the year's, not a quarter's
        tally = ev.evaluation_tally(actor, rnd.committee, rnd.year)
        context |= {
            "tally": tally,
            "chart": _chart(tally),
            "awards": ev.award_counts(actor, rnd.committee, rnd.year),
            "streak": ev.streaks(actor, rnd.committee, rnd.year, 5),
            "categories": DEFAULT_CATEGORIES,
        }
    return render(request, "web/evaluation/round.html", context)


# The chart's geometry in SVG units (viewBox 640 × 112): labels on the left, bars after them.
CHART_LABEL, CHART_BAR, CHART_ROW = 200.0, 420.0, 36


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
    for row, (label, counts) in enumerate(
        (
            (_("Chi, đảng bộ cơ sở"), tally.grassroots),
            (_("Chi bộ trực thuộc"), tally.sub_branches),
            (_("Đảng viên"), tally.members),
        )
    ):
        x, parts = CHART_LABEL, []
        for key, colour in colours.items():
            value = getattr(counts, key)
            width = CHART_BAR * value / counts.total if counts.total else 0
            if width:
                parts.append({"x": x, "width": width, "colour": colour, "value": value, "key": key})
            x += width
        y = 4 + row * CHART_ROW
        bars.append({"label": label, "parts": parts, "total": counts.total, "y": y})
    return bars


@page
def branch_entry(request, pk: int, org_pk: int):
    """The entry grid of one branch: every member with a level to choose, saved at once."""
    actor = actor_of(request)
    rnd = ev.round_by_id(actor, pk)
    org = party.org_get(actor, org_pk)
    rows = ev.branch_results(actor, rnd, org)
    typed = {}
    if request.method == "POST":
        try:
            _save_grid(request, actor, rnd, rows)
            messages.success(request, _("Đã lưu kết quả xếp loại."))
            return redirect("evaluation_branch", pk=rnd.pk, org_pk=org.pk)
        except DomainError as exc:
            _reraise_access(exc)
            messages.error(request, exc.message)
            # Refused: the grid shows what the user typed, not the stored results, and keeps
            # the results it was opened on (a refusal for a newer save stays until reloaded).
            rows = [(member, _typed_result(request.POST, member.pk)) for member, _e in rows]
            typed = request.POST
    context = {"round": rnd, "org": org, "rows": rows, "levels": LEVEL_CHOICES, "typed": typed}
    return render(request, "web/evaluation/branch.html", context)


def _typed_result(data, member_pk: int) -> SimpleNamespace:
    """A member's row of the grid as posted, shaped as the stored result the grid shows."""
    seen = data.get(f"seen-{member_pk}", "")
    flags = {"tasks_on_time": data.get(f"ontime-{member_pk}") == "on"}
    if share := data.get(f"share-{member_pk}", "").strip():
        flags["share_exceeded"] = share
    return SimpleNamespace(
        pk=int(seen) if seen.isdigit() else None,
        level=data.get(f"level-{member_pk}", ""),
        flags=flags,
        unclassified="",
    )


def _seen(data, results) -> dict[int, int | None] | None:
    """The result the grid showed for each member being saved (the hidden seen-<id> field), or
    None when the form did not say (a client of before optimistic locking)."""
    found = {}
    for row in results:
        value = data.get(f"seen-{row.member.pk}")
        if value is None:
            return None
        found[row.member.pk] = int(value) if value.isdigit() else None
    return found


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
    seen = _seen(request.POST, results)
    services.results_record(actor=actor, rnd=rnd, rows=results, seen=seen)


@require_POST
@page
def branch_submit(request, pk: int, org_pk: int):
    actor = actor_of(request)
    rnd = ev.round_by_id(actor, pk)
    try:
        services.results_submit(actor=actor, rnd=rnd, org=party.org_get(actor, org_pk))
        messages.success(request, _("Đã gửi kết quả lên cấp trên."))
    except DomainError as exc:
        _reraise_access(exc)
        messages.error(request, exc.message)
    return redirect("evaluation_branch", pk=rnd.pk, org_pk=org_pk)


@require_POST
@page
def branch_approve(request, pk: int, org_pk: int):
    """The committee directly above approves an organization's submitted results."""
    actor = actor_of(request)
    rnd = ev.round_by_id(actor, pk)
    try:
        services.results_approve(actor=actor, rnd=rnd, org=party.org_get(actor, org_pk))
        messages.success(request, _("Đã phê duyệt kết quả."))
    except DomainError as exc:
        _reraise_access(exc)
        messages.error(request, exc.message)
    return redirect("evaluation_round", pk=rnd.pk)


@require_POST
@page
def round_lock(request, pk: int):
    """Locks the round once every organization is approved; reopening needs a reason."""
    actor = actor_of(request)
    rnd = ev.round_by_id(actor, pk)
    try:
        if request.POST.get("action") == "reopen":
            services.round_reopen(actor=actor, rnd=rnd, reason=request.POST.get("reason", ""))
            messages.success(request, _("Đã mở lại đợt đánh giá."))
        else:
            services.round_lock(actor=actor, rnd=rnd)
            messages.success(request, _("Đã khóa đợt đánh giá."))
    except DomainError as exc:
        _reraise_access(exc)
        messages.error(request, exc.message)
    return redirect("evaluation_round", pk=rnd.pk)


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
        "award_day": due[0].award_day if due else None,
        "orgs": _committees(actor),
    }
    return render(request, "web/evaluation/badges.html", context)


@require_POST
@page
def badges_award(request):
    """Awards the ticked badges of the due list on one date, all or nothing."""
    from tongket.domain.vnformat import parse_date

    actor = actor_of(request)
    org_pk = request.POST.get("org", "")
    query = urlencode({"org": org_pk, "as_of": request.POST.get("as_of", "")})
    back = redirect(f"{reverse('evaluation_badges')}?{query}")
    try:
        awarded_on = parse_date(request.POST.get("awarded_on", "").strip())
        awards = [_member_milestone(actor, value) for value in request.POST.getlist("award")]
        done = services.badges_award_bulk(actor=actor, awards=awards, awarded_on=awarded_on)
    except DomainError as exc:
        _reraise_access(exc)
        messages.error(request, exc.message)
        return back
    messages.success(request, _("Đã trao %(n)d huy hiệu Đảng.") % {"n": len(done)})
    return redirect(f"{reverse('evaluation_badges_awarded')}?{urlencode({'org': org_pk})}")


def _member_milestone(actor, value: str):
    member_pk, _sep, milestone = value.partition(":")
    if not (member_pk.isdigit() and milestone.isdigit()):
        raise DomainError("badge.milestone", _("Lựa chọn không hợp lệ: “%(v)s”.") % {"v": value})
    return party.member_get(actor, int(member_pk), purpose="trao huy hiệu"), int(milestone)


@page
def badges_awarded(request):
    """The badges awarded to members of a committee."""
    actor = actor_of(request)
    org_pk = request.GET.get("org", "")
    org = party.org_get(actor, int(org_pk)) if org_pk.isdigit() else None
    rows = list(ev.badges_awarded(actor, org)[:500]) if org else []
    if org:
        party.log_member_list(actor, f"badges awarded {org.code}", len(rows))
    context = {"org": org, "rows": rows, "orgs": _committees(actor)}
    return render(request, "web/evaluation/badges_awarded.html", context)


@page
def award_new(request, pk: int):
    """Confirms an eligibility list into an award decision: the eligible names come ticked,
    the office sets the number and the date; the issuing body follows from the date."""
    actor = actor_of(request)
    rnd = ev.round_by_id(actor, pk)
    if rnd.quarter:
        raise NotFoundError("khen thưởng của đợt đánh giá theo quý")
    code = request.POST.get("category") or request.GET.get("category") or "excellent_5_years"
    try:
        spec = award_category(code)
    except DomainError:
        raise NotFoundError("danh mục khen thưởng") from None
    eligible = ev.award_eligible(actor, rnd.committee, spec.code, rnd.year)
    party.log_member_list(actor, f"award eligible {rnd.committee.code}", len(eligible.members))
    if request.method == "POST":
        try:
            decision = _decide(request, actor, rnd, spec, eligible)
            messages.success(
                request,
                _("Đã ghi quyết định %(n)s của %(b)s.")
                % {"n": decision.number, "b": decision.issuing_body},
            )
            return redirect("evaluation_round", pk=rnd.pk)
        except DomainError as exc:
            _reraise_access(exc)
            messages.error(request, exc.message)
    context = {
        "round": rnd,
        "spec": spec,
        "eligible": eligible,
        "bodies": _bodies(spec),
        "categories": DEFAULT_CATEGORIES,
        "posted": request.method == "POST",
        "ticked_orgs": set(request.POST.getlist("org")),
        "ticked_members": set(request.POST.getlist("member")),
    }
    return render(request, "web/evaluation/award_new.html", context)


def _bodies(spec) -> list[tuple[str, str]]:
    """The issuing body on each side of 1/7/2025 (§9 item 15), to show before a date is set."""
    from tongket.domain.vnformat import format_date_short

    if not spec.body_kind:
        return []
    (last, before), (first, after) = awarding_bodies_either_side(spec.body_kind)
    return [
        (_("đến %(d)s") % {"d": format_date_short(last)}, before),
        (_("từ %(d)s") % {"d": format_date_short(first)}, after),
    ]


def _decide(request, actor, rnd, spec, eligible):
    from tongket.domain.vnformat import parse_date

    org_ids = {int(v) for v in request.POST.getlist("org") if v.isdigit()}
    member_ids = {int(v) for v in request.POST.getlist("member") if v.isdigit()}
    listed_orgs = {pk for pk, _name in eligible.orgs}
    listed_members = {pk for pk, *_rest in eligible.members}
    return services.award_decide(
        actor=actor,
        committee=rnd.committee,
        category_code=spec.code,
        year=rnd.year,
        number=request.POST.get("number", ""),
        decided_on=parse_date(request.POST.get("decided_on", "").strip()),
        orgs=[party.org_get(actor, o) for o in sorted(org_ids & listed_orgs)],
        members=[
            party.member_get(actor, m, purpose="khen thưởng")
            for m in sorted(member_ids & listed_members)
        ],
        issuing_body=request.POST.get("issuing_body", ""),
    )
