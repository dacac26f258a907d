"""The API object and its routes. Each operation: parse, build the actor, one selector or
service, return. Rules live in the domain and services, never here."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from ninja import Field, File, NinjaAPI, Query, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from tongket.accounts import services as account_services
from tongket.accounts.models import ApiToken, Grant
from tongket.accounts.selectors import tokens_of
from tongket.api import errors
from tongket.api.auth import AUTH
from tongket.api.parser import NulRefusingParser
from tongket.api.reports import router as reports_router
from tongket.api.schemas import (
    AwardCountOut,
    AwardDecisionIn,
    AwardDecisionOut,
    BadgeAwardIn,
    BadgeDueOut,
    BadgeOut,
    ChangeOut,
    CountsOut,
    EligibleOut,
    Error,
    EvaluationTallyOut,
    ImportOut,
    MemberIn,
    MemberOut,
    MemberPatch,
    MemberRow,
    MembershipOut,
    MeOut,
    OrgOut,
    OrgStructureOut,
    RoundIn,
    RoundOut,
    RoundReopenIn,
    RoundStateOut,
    RoundStepIn,
    StreakOut,
    TokenCreated,
    TokenIn,
    TokenOut,
    TransferIn,
    UnitLineageOut,
    UnitOut,
    UnitVersionOut,
    ViolationOut,
    YearPath,
    YearQuery,
)
from tongket.api.targets import router as targets_router
from tongket.api.work import router as work_router
from tongket.core.actor import Actor
from tongket.core.errors import PermissionDeniedError
from tongket.core.selectors import audit_filter, audit_visible, history_of
from tongket.party import selectors as party
from tongket.party import services as party_services
from tongket.registry import selectors as registry

api = NinjaAPI(
    title="tongket API",
    version="1",
    description="Tổng kết: sổ sách, quy định và báo cáo. Mọi danh sách đều theo phạm vi quyền.",
    auth=AUTH,
    parser=NulRefusingParser(),
    urls_namespace="api",
    docs_url="/docs",
)
errors.install(api)
api.add_router("/", work_router)  # meetings, tasks, outreach
api.add_router("/", targets_router)  # indicators, targets, actuals
api.add_router("/", reports_router)  # review figures

FAIL = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


class Paged(PageNumberPagination):
    """Pages of settings.API_PAGE_SIZE items: {"items": [...], "count": N}, ?page=N."""

    class Input(Schema):
        # Bounded so that the row offset fits the database's 64-bit integers (a page number
        # of 10^36 was a 500): out of range is the usual 422.
        page: int = Field(1, ge=1, le=10**9)
        page_size: int | None = Field(None, ge=1, le=100)

    def __init__(self, **kwargs):
        kwargs.setdefault("page_size", settings.API_PAGE_SIZE)
        super().__init__(**kwargs)


def actor(request) -> Actor:
    if not hasattr(request, "_actor"):
        request._actor = Actor.for_user(request.auth, request.operation_id)
    return request._actor


@api.get("/me", response={200: MeOut, **FAIL}, tags=["accounts"])
def me(request):
    user = request.auth
    grants = Grant.objects.filter(user=user).select_related("org", "unit")
    return {
        "username": user.username,
        "full_name": user.full_name,
        "language": user.language,
        "grants": [
            {
                "role": g.get_role_display(),
                "scope_kind": "org" if g.org_id else "unit",
                "scope_code": g.scope.code,
                "scope_name": g.scope.name,
                "valid_from": g.valid_from,
                "valid_to": g.valid_to,
            }
            for g in grants
        ],
    }


@api.get("/orgs", response={200: list[OrgOut], **FAIL}, tags=["registry"])
@paginate(Paged)
def org_list(request):
    return party.orgs_visible(actor(request)).order_by("path")


@api.get("/orgs/{org_id}", response={200: OrgOut, **FAIL}, tags=["registry"])
def org_detail(request, org_id: int):
    return party.org_get(actor(request), org_id)


@api.get("/orgs/{org_id}/history", response={200: list[ChangeOut], **FAIL}, tags=["audit"])
@paginate(Paged)
def org_history(request, org_id: int):
    return history_of(party.org_get(actor(request), org_id))


@api.get("/units", response={200: list[UnitOut], **FAIL}, tags=["registry"])
@paginate(Paged)
def unit_list(request):
    return registry.units_visible(actor(request)).order_by("path")


@api.get("/units/{unit_id}", response={200: UnitOut, **FAIL}, tags=["registry"])
def unit_detail(request, unit_id: int):
    return registry.unit_get(actor(request), unit_id)


def _day(text: str | None):
    from django.utils import timezone

    from tongket.domain.vnformat import parse_date

    return parse_date(text) if text else timezone.localdate()


@api.get(
    "/units/{unit_id}/versions", response={200: list[UnitVersionOut], **FAIL}, tags=["registry"]
)
def unit_versions(request, unit_id: int):
    who = actor(request)
    return registry.unit_versions(who, registry.unit_get(who, unit_id))


@api.get("/units/{unit_id}/lineage", response={200: UnitLineageOut, **FAIL}, tags=["registry"])
def unit_lineage(request, unit_id: int, on: str | None = None):
    """What the unit was formed from, what it became, and who holds its area on `on`."""
    who = actor(request)
    unit = registry.unit_get(who, unit_id)
    origins, outcomes = registry.unit_lineage(who, unit.code)
    return {
        "formed_from": [vars(s) for s in origins],
        "became": [vars(s) for s in outcomes],
        "held_today_by": registry.unit_holders(who, unit.code, _day(on)),
    }


@api.get("/units/{unit_id}/counts", response={200: CountsOut, **FAIL}, tags=["registry"])
def unit_counts(request, unit_id: int, as_of: str | None = None):
    """How many units of each level lie under the unit on the day (`as_of`: dd/mm/yyyy or
    yyyy-mm-dd; today when absent)."""
    who = actor(request)
    unit, day = registry.unit_get(who, unit_id), _day(as_of)
    return {
        "root": unit.code,
        "as_of": day,
        "counts": dict(registry.unit_counts_on(who, unit, day)),
    }


@api.get(
    "/orgs/{org_id}/structure", response={200: list[OrgStructureOut], **FAIL}, tags=["registry"]
)
def org_structure(request, org_id: int, as_of: str | None = None):
    """Each organization under this one on the day, with member counts and structural flags."""
    who = actor(request)
    rows = party.org_structure(who, party.org_get(who, org_id), _day(as_of))
    return [{**vars(r), "flags": [f.message for f in r.flags]} for r in rows]


@api.get("/orgs/{org_id}/members", response={200: list[MemberRow], **FAIL}, tags=["members"])
@paginate(Paged)
def org_members(request, org_id: int, as_of: str | None = None):
    """The members of the organization's subtree on the day, as the tree stood then."""
    who = actor(request)
    rows = party.members_on(who, party.org_get(who, org_id), _day(as_of))
    party.log_member_list(who, f"org {org_id}", rows.count())
    return rows


@api.get(
    "/members/{member_id}/memberships",
    response={200: list[MembershipOut], **FAIL},
    tags=["members"],
)
def member_memberships(request, member_id: int):
    return party.member_record(actor(request), member_id, purpose="API").memberships


@api.post("/members/{member_id}/transfer", response={201: MembershipOut, **FAIL}, tags=["members"])
def member_transfer(request, member_id: int, payload: TransferIn):
    """Moves the member's official membership (or adds a temporary one) from `on`."""
    who = actor(request)
    member = party.member_get(who, member_id, purpose="API: chuyển sinh hoạt")
    target = party.org_get(who, payload.to_org_id)
    moved = party_services.member_transfer(
        actor=who, member=member, to_org=target, on=payload.on, kind=payload.kind, note=payload.note
    )
    return Status(201, moved)


@api.get("/members", response={200: list[MemberRow], **FAIL}, tags=["members"])
@paginate(Paged)
def member_list(request, q: str = ""):
    rows = party.members_search(actor(request), q[:100])
    party.log_member_list(actor(request), q[:100], rows.count())
    return rows


@api.get("/members/{member_id}", response={200: MemberOut, **FAIL}, tags=["members"])
def member_detail(request, member_id: int):
    return party.member_get(actor(request), member_id, purpose="API")


@api.post("/members", response={201: MemberOut, **FAIL}, tags=["members"])
def member_create(request, payload: MemberIn):
    who = actor(request)
    org = party.org_get(who, payload.org_id)
    data = payload.dict(exclude={"org_id"})
    return Status(201, party_services.member_create(actor=who, org=org, **data))


@api.patch("/members/{member_id}", response={200: MemberOut, 409: Error, **FAIL}, tags=["members"])
def member_rename(request, member_id: int, payload: MemberPatch):
    """Corrects the member's name. With `version` (the one GET gave), a change saved in
    between is refused with 409 instead of overwritten."""
    who = actor(request)
    member = party.member_get(who, member_id, purpose="API: sửa")
    return party_services.member_rename(
        actor=who, member=member, full_name=payload.full_name, expected_version=payload.version
    )


class AuditQuery(Schema):
    user: str = ""
    action: str = ""
    object_type: str = ""


@api.get("/audit", response={200: list[ChangeOut], **FAIL}, tags=["audit"])
@paginate(Paged)
def audit_list(request, filters: Query[AuditQuery]):
    who = actor(request)
    if not (who.system or who.usable("audit")):
        raise PermissionDeniedError()
    return audit_filter(audit_visible(who), **filters.dict())


@api.get("/tokens", response={200: list[TokenOut], **FAIL}, tags=["accounts"])
def token_list(request):
    return tokens_of(request.auth)


@api.post("/tokens", response={201: TokenCreated, **FAIL}, tags=["accounts"])
def token_create(request, payload: TokenIn):
    token, raw = account_services.token_create(
        actor=actor(request), user=request.auth, name=payload.name, expires_at=payload.expires_at
    )
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": raw})


@api.delete("/tokens/{token_id}", response={204: None, **FAIL}, tags=["accounts"])
def token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.auth)
    account_services.token_revoke(actor=actor(request), token=token)
    return Status(204, None)


def _tally(t) -> dict:
    return {
        k: getattr(t, k)
        for k in ("total", "excellent", "good", "completed", "not_completed", "unclassified")
    }


@api.get(
    "/orgs/{org_id}/evaluation/{year}/tally",
    response={200: EvaluationTallyOut, **FAIL},
    tags=["evaluation"],
)
def evaluation_tally(request, org_id: int, year: YearPath):
    """Counts by level on the organization's tree as it stood at the end of the year."""
    from tongket.evaluation.selectors import evaluation_tally as tally_of

    who = actor(request)
    org = party.org_get(who, org_id)
    t = tally_of(who, org, year)
    previous = None
    if t.previous:
        previous = {
            k: _tally(getattr(t.previous, k)) for k in ("grassroots", "sub_branches", "members")
        }
    return {
        "org": org.code,
        "year": year,
        "as_of": f"{year}-12-31",
        "grassroots": _tally(t.grassroots),
        "sub_branches": _tally(t.sub_branches),
        "members": _tally(t.members),
        "missing": t.missing,
        "previous": previous,
    }


@api.get(
    "/orgs/{org_id}/evaluation/{year}/validation",
    response={200: list[ViolationOut], **FAIL},
    tags=["evaluation"],
)
def evaluation_validation(request, org_id: int, year: YearPath):
    """Every rule broken in the organization's round of the year, with the rule named."""
    from tongket.evaluation.selectors import round_get, validation_report

    who = actor(request)
    found = validation_report(who, round_get(who, party.org_get(who, org_id), year))
    return [
        {
            "rule": v.rule,
            "code": v.code,
            "message": v.message,
            "severity": v.severity,
            "group": v.group,
        }
        for v in found
    ]


@api.get(
    "/orgs/{org_id}/evaluation/{year}/streaks",
    response={200: StreakOut, **FAIL},
    tags=["evaluation"],
)
def evaluation_streaks(request, org_id: int, year: YearPath, years: int = 5):
    """Organizations and members rated excellent in each of `years` years ending in `year`."""
    from tongket.domain.evaluation.awards import check_streak_years
    from tongket.evaluation.selectors import streaks

    who = actor(request)
    check_streak_years(years)
    found = streaks(who, party.org_get(who, org_id), year, years)
    party.log_member_list(who, f"streak {org_id} {year}", len(found.members))
    return {
        "years": years,
        "end_year": year,
        "orgs": [{"id": pk, "name": name} for pk, name in found.orgs],
        "members": [
            {"id": pk, "card_number": card, "full_name": name} for pk, card, name in found.members
        ],
    }


@api.get(
    "/orgs/{org_id}/awards/{year}", response={200: list[AwardCountOut], **FAIL}, tags=["evaluation"]
)
def award_counts(request, org_id: int, year: YearPath):
    from tongket.evaluation.selectors import award_counts as counts_of

    who = actor(request)
    return counts_of(who, party.org_get(who, org_id), year)


@api.get(
    "/orgs/{org_id}/badges/due", response={200: list[BadgeDueOut], **FAIL}, tags=["evaluation"]
)
def badges_due(request, org_id: int, on: str | None = None):
    """Members due a party badge at the next award day after `on` (today when absent)."""
    from tongket.evaluation.selectors import badges_due_list

    who = actor(request)
    due = badges_due_list(who, party.org_get(who, org_id), _day(on))
    party.log_member_list(who, f"badges {org_id}", len(due))
    return [vars(d) for d in due]


@api.post("/orgs/{org_id}/evaluation/rounds", response={201: RoundOut, **FAIL}, tags=["evaluation"])
def evaluation_round_open(request, org_id: int, payload: RoundIn):
    """Opens the committee's round for a year under the year's rule (another rule needs an
    `override_note`), or for a quarter (1–3) where the year's rule evaluates leaders
    quarterly (QĐ 366 from 2025; Q4 is the year-end round)."""
    from tongket.evaluation.services import round_open

    who = actor(request)
    rnd = round_open(
        actor=who,
        committee=party.org_get(who, org_id),
        year=payload.year,
        quarter=payload.quarter,
        rule_code=payload.rule_version,
        override_note=payload.override_note,
        plan=payload.plan,
        submit_by=payload.submit_by,
        approve_by=payload.approve_by,
    )
    return Status(201, rnd)


@api.get(
    "/orgs/{org_id}/awards/{year}/eligible",
    response={200: EligibleOut, **FAIL},
    tags=["evaluation"],
)
def award_eligible(request, org_id: int, year: YearPath, category: str = "excellent_5_years"):
    """Who may be named in a decision of the category for the year (a streak ending in the
    year, less those already awarded), and the issuing body on each side of 1/7/2025."""
    from tongket.domain.evaluation.awards import awarding_bodies_either_side
    from tongket.domain.evaluation.awards import category as award_category
    from tongket.evaluation.selectors import award_eligible as eligible_of

    who = actor(request)
    found = eligible_of(who, party.org_get(who, org_id), category, year)
    party.log_member_list(who, f"award eligible {org_id} {year}", len(found.members))
    kind = award_category(category).body_kind
    (_last, before), (_first, after) = (
        awarding_bodies_either_side(kind) if kind else ((None, None), (None, None))
    )
    return {
        "category": found.code,
        "name": found.name,
        "year": year,
        "streak_years": found.streak_years,
        "issuing_body_until_2025_06_30": before,
        "issuing_body_from_2025_07_01": after,
        "orgs": [{"id": pk, "name": name} for pk, name in found.orgs],
        "members": [
            {"id": pk, "card_number": card, "full_name": name} for pk, card, name in found.members
        ],
    }


@api.post("/orgs/{org_id}/awards", response={201: AwardDecisionOut, **FAIL}, tags=["evaluation"])
def award_decide(request, org_id: int, payload: AwardDecisionIn):
    """Confirms an award decision: its number and date, the organizations and members it
    names; the issuing body follows from the category and the date when the rules fix it."""
    from tongket.evaluation.services import award_decide as decide

    who = actor(request)
    decision = decide(
        actor=who,
        committee=party.org_get(who, org_id),
        category_code=payload.category,
        year=payload.year,
        number=payload.number,
        decided_on=payload.decided_on,
        orgs=[party.org_get(who, pk) for pk in dict.fromkeys(payload.org_ids)],
        members=[
            party.member_get(who, pk, purpose="API: khen thưởng")
            for pk in dict.fromkeys(payload.member_ids)
        ],
        issuing_body=payload.issuing_body,
    )
    recipients = list(decision.recipients.values_list("org_id", "member_id"))
    return Status(
        201,
        {
            "id": decision.pk,
            "category": decision.category.code,
            "year": decision.year,
            "number": decision.number,
            "decided_on": decision.decided_on,
            "issuing_body": decision.issuing_body,
            "orgs": [o for o, _m in recipients if o],
            "members": [m for _o, m in recipients if m],
        },
    )


def _badge(b) -> dict:
    return {
        "id": b.pk,
        "member_id": b.member_id,
        "card_number": b.member.card_number,
        "full_name": b.member.full_name,
        "milestone": b.milestone,
        "awarded_on": b.awarded_on,
        "early": b.early,
        "posthumous": b.posthumous,
    }


@api.post("/members/{member_id}/badges", response={201: BadgeOut, **FAIL}, tags=["evaluation"])
def badge_award(request, member_id: int, payload: BadgeAwardIn):
    """Awards a party badge: the milestone reached on `awarded_on`, or early when the member
    is `seriously_ill` (12 months, 24 for 70–90 years) or the award is `posthumous`."""
    from tongket.evaluation.services import badge_award as award

    who = actor(request)
    member = party.member_get(who, member_id, purpose="API: trao huy hiệu")
    return Status(201, _badge(award(actor=who, member=member, **payload.dict())))


@api.get("/orgs/{org_id}/badges", response={200: list[BadgeOut], **FAIL}, tags=["evaluation"])
def badges_awarded(request, org_id: int, year: YearQuery = None):
    """The badges awarded to the members of the organization's tree, newest first."""
    from tongket.evaluation.selectors import badges_awarded as awarded

    who = actor(request)
    rows = list(awarded(who, party.org_get(who, org_id), year)[:2000])
    party.log_member_list(who, f"badges awarded {org_id}", len(rows))
    return [_badge(b) for b in rows]


def _round_of(who, committee_id: int, year: int, quarter: int | None):
    from tongket.evaluation.selectors import round_get

    return round_get(who, party.org_get(who, committee_id), year, quarter)


@api.post(
    "/orgs/{org_id}/evaluation/{year}/submit",
    response={200: RoundStateOut, **FAIL},
    tags=["evaluation"],
)
def evaluation_submit(request, org_id: int, year: YearPath, payload: RoundStepIn):
    """The organization sends its results of the committee's round up (draft → submitted)."""
    from tongket.evaluation.services import results_submit

    who = actor(request)
    org = party.org_get(who, org_id)
    rnd = _round_of(who, payload.committee_id, year, payload.quarter)
    return results_submit(actor=who, rnd=rnd, org=org)


@api.post(
    "/orgs/{org_id}/evaluation/{year}/approve",
    response={200: RoundStateOut, **FAIL},
    tags=["evaluation"],
)
def evaluation_approve(request, org_id: int, year: YearPath, payload: RoundStepIn):
    """The committee directly above approves the organization's submitted results; refused
    while an organization under it has not submitted or the validation report has errors."""
    from tongket.evaluation.services import results_approve

    who = actor(request)
    org = party.org_get(who, org_id)
    rnd = _round_of(who, payload.committee_id, year, payload.quarter)
    return results_approve(actor=who, rnd=rnd, org=org)


@api.post(
    "/orgs/{org_id}/evaluation/{year}/lock", response={200: RoundOut, **FAIL}, tags=["evaluation"]
)
def evaluation_lock(request, org_id: int, year: YearPath, quarter: int | None = None):
    """Locks the committee's round once every organization in it is approved."""
    from tongket.evaluation.services import round_lock

    who = actor(request)
    return round_lock(actor=who, rnd=_round_of(who, org_id, year, quarter))


@api.post(
    "/orgs/{org_id}/evaluation/{year}/reopen",
    response={200: RoundOut, **FAIL},
    tags=["evaluation"],
)
def evaluation_reopen(request, org_id: int, year: YearPath, payload: RoundReopenIn):
    """Reopens a locked round; the reason is kept on every organization's state and logged."""
    from tongket.evaluation.services import round_reopen

    who = actor(request)
    rnd = _round_of(who, org_id, year, payload.quarter)
    return round_reopen(actor=who, rnd=rnd, reason=payload.reason)


@api.post("/imports/{kind}", response={200: ImportOut, **FAIL}, tags=["imports"])
def import_file(request, kind: str, file: File[UploadedFile], dry_run: bool = False):
    """Imports a spreadsheet (all or nothing). With `dry_run` nothing is written; the answer
    has the same counts and errors."""
    from tongket.imports.apply import apply_import, plan_import
    from tongket.imports.jobs import stored_upload

    who = actor(request)
    with stored_upload(kind, file) as path:
        plan = plan_import(kind, path, who)
        result = apply_import(plan, who, dry_run=dry_run or bool(plan.errors))
    errors = result.errors
    return {
        "kind": kind,
        "dry_run": dry_run,
        "written": result.written,
        "counts": result.counts,
        "warnings": list(result.warnings),
        "error_count": len(errors),
        "errors": [
            {
                "sheet": e.sheet,
                "row": e.row,
                "column": e.column,
                "value": "" if e.value is None else str(e.value),
                "message": e.message,
            }
            for e in errors[:200]
        ],
    }


def not_found(request):
    """Any path under /api/ that no operation serves."""
    from django.utils.translation import gettext as _

    return errors.error_response(
        api,
        request,
        404,
        "not_found",
        _("Không có địa chỉ API này: %(path)s") % {"path": request.path},
    )
