"""API of indicators, targets and actuals: the status of a period (every share, growth rate
and verdict computed from stored figures), and reading and writing targets and actuals of an
organization or a unit. Same error shape and scoping as the rest of the API."""

from __future__ import annotations

from decimal import Decimal

from ninja import Router, Schema, Status

from tongket.api.schemas import Error
from tongket.core.actor import Actor
from tongket.party import selectors as party
from tongket.registry import selectors as registry
from tongket.targets import selectors, services

router = Router(tags=["targets"])
FAIL = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


def _actor(request) -> Actor:
    if not hasattr(request, "_actor"):
        request._actor = Actor.for_user(request.auth, request.operation_id)
    return request._actor


def _number(value: Decimal | None) -> float | None:
    """JSON numbers: figures as they are, ratios to six decimals (0.151193 = 15,12 %)."""
    if value is None:
        return None
    return float(value) if value == value.quantize(Decimal("0.0001")) else round(float(value), 6)


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    direction: str
    over_time: str
    up_tree: str
    companion: str | None


class TargetIn(Schema):
    indicator: str
    kind: str
    span: str
    # A number, or text as typed in Vietnamese ("3.018", "10.793,7").
    value: int | float | str
    source: str = ""
    unit_of_measure: str | None = None
    # The `version` of the target a revision was made on: a revision saved since is refused
    # with 409 instead of overwritten.
    version: int | None = None


class ActualIn(Schema):
    indicator: str
    period: str
    value: int | float | str
    status: str
    source: str = ""
    unit_of_measure: str | None = None
    version: int | None = None  # as in TargetIn


class TargetOut(Schema):
    id: int
    indicator: str
    kind: str
    span: str
    value: float
    source: str
    holder: str
    version: int


class ActualOut(Schema):
    id: int
    indicator: str
    period: str
    value: float
    status: str
    source: str
    holder: str
    version: int


# Creating (201) or revising (200); 409 when the revision was made on an older version.
TARGET_SET = {200: TargetOut, 201: TargetOut, 409: Error, **FAIL}
ACTUAL_SET = {200: ActualOut, 201: ActualOut, 409: Error, **FAIL}


class TargetStatusOut(Schema):
    kind: str
    span: str
    value: float
    compared: float | None
    compared_periods: list[str]
    share: float | None
    share_reason: str
    elapsed: float
    verdict: str
    verdict_text: str
    text: str


class CompanionOut(Schema):
    code: str
    name: str
    unit: str
    value: float
    status: str
    text: str


class IndicatorStatusOut(Schema):
    code: str
    name: str
    unit: str
    holder: str
    actual: float | None
    status: str
    source: str
    previous_period: str
    previous: float | None
    growth_yoy: float | None
    growth_reason: str
    growth_text: str
    target: float | None
    target_kind: str | None
    share_of_target: float | None
    targets: list[TargetStatusOut]
    companion: CompanionOut | None
    sentence: str


class StatusOut(Schema):
    subject: str
    period: str
    as_of: str
    indicators: list[IndicatorStatusOut]


def _target_status(t) -> dict:
    return {
        "kind": t.kind,
        "span": t.span,
        "value": _number(t.value),
        "compared": _number(t.compared),
        "compared_periods": t.compared_periods,
        "share": _number(t.share.value),
        "share_reason": t.share.reason,
        "elapsed": round(float(t.elapsed), 6),
        "verdict": t.verdict.value,
        "verdict_text": t.verdict_label,
        "text": t.phrase,
    }


def _row(r) -> dict:
    from tongket.domain.indicators import growth_phrase

    main = r.main_target
    companion = None
    if r.companion:
        companion = {**r.companion, "value": _number(r.companion["value"])}
    return {
        "code": r.code,
        "name": r.name,
        "unit": r.unit,
        "holder": r.holder,
        "actual": _number(r.actual),
        "status": r.status,
        "source": r.source,
        "previous_period": r.previous_period,
        "previous": _number(r.previous),
        "growth_yoy": _number(r.growth.value),
        "growth_reason": r.growth.reason,
        "growth_text": growth_phrase(r.growth),
        "target": _number(main.value) if main else None,
        "target_kind": main.kind if main else None,
        "share_of_target": _number(main.share.value) if main else None,
        "targets": [_target_status(t) for t in r.targets],
        "companion": companion,
        "sentence": r.sentence,
    }


def _status(request, subject, period: str | None) -> dict:
    from django.utils import timezone

    from tongket.domain.periods import parse_period

    who = _actor(request)
    code = period or selectors.latest_period(who, subject) or str(timezone.localdate().year)
    parsed = parse_period(code)
    rows = selectors.targets_status(who, subject, parsed)
    return {
        "subject": subject.code,
        "period": parsed.code,
        "as_of": parsed.end.isoformat(),
        "indicators": [_row(r) for r in rows],
    }


def _holder(record) -> str:
    return record.subject.code


def _target_out(t) -> dict:
    return {
        "id": t.pk,
        "indicator": t.indicator.code,
        "kind": t.kind,
        "span": t.span,
        "value": _number(t.value),
        "source": t.source,
        "holder": _holder(t),
        "version": t.lock_version,
    }


def _actual_out(a) -> dict:
    return {
        "id": a.pk,
        "indicator": a.indicator.code,
        "period": a.period,
        "value": _number(a.value),
        "status": a.status,
        "source": a.source,
        "holder": _holder(a),
        "version": a.lock_version,
    }


def _org(request, org_id: int):
    return party.org_get(_actor(request), org_id)


def _unit(request, unit_id: int):
    return registry.unit_get(_actor(request), unit_id)


def _keyword(subject) -> dict:
    from tongket.party.models import PartyOrg

    return {"org": subject} if isinstance(subject, PartyOrg) else {"admin_unit": subject}


def _set_target(request, subject, payload: TargetIn):
    who = _actor(request)
    saved = services.target_set(
        actor=who,
        indicator=selectors.indicator_by_code(who, payload.indicator),
        kind=payload.kind,
        span=payload.span,
        value=payload.value,
        source=payload.source,
        unit_of_measure=payload.unit_of_measure,
        expected_version=payload.version,
        **_keyword(subject),
    )
    return Status(201 if saved.created else 200, _target_out(saved.record))


def _set_actual(request, subject, payload: ActualIn):
    who = _actor(request)
    saved = services.actual_set(
        actor=who,
        indicator=selectors.indicator_by_code(who, payload.indicator),
        period=payload.period,
        value=payload.value,
        status=payload.status,
        source=payload.source,
        unit_of_measure=payload.unit_of_measure,
        expected_version=payload.version,
        **_keyword(subject),
    )
    return Status(201 if saved.created else 200, _actual_out(saved.record))


@router.get("/indicators", response={200: list[IndicatorOut], **FAIL})
def indicator_list(request):
    """The shared catalogue of indicators."""
    return [
        {
            "code": i.code,
            "name": i.name,
            "unit": i.unit,
            "direction": i.direction,
            "over_time": i.over_time,
            "up_tree": i.up_tree,
            "companion": i.companion.code if i.companion else None,
        }
        for i in selectors.indicators_visible(_actor(request))
    ]


@router.get("/orgs/{org_id}/targets/status", response={200: StatusOut, **FAIL})
def org_status(request, org_id: int, period: str | None = None):
    """Each indicator of the organization (and of the unit it is attached to) in the period:
    actual, status, targets with share and verdict, growth over the same period a year
    earlier (`growth_reason` says why there is none). `period`: 2024, 2024-H1, 2024-Q3…;
    the latest period with a figure when absent."""
    return _status(request, _org(request, org_id), period)


@router.get("/units/{unit_id}/targets/status", response={200: StatusOut, **FAIL})
def unit_status(request, unit_id: int, period: str | None = None):
    """The same for an administrative unit's own figures."""
    return _status(request, _unit(request, unit_id), period)


@router.get("/orgs/{org_id}/targets", response={200: list[TargetOut], **FAIL})
def org_targets(request, org_id: int):
    return [_target_out(t) for t in selectors.targets_of(_actor(request), _org(request, org_id))]


@router.post("/orgs/{org_id}/targets", response=TARGET_SET)
def org_target_set(request, org_id: int, payload: TargetIn):
    """Creates (201) or revises (200) a target; the earlier value stays in the change log."""
    return _set_target(request, _org(request, org_id), payload)


@router.get("/units/{unit_id}/targets", response={200: list[TargetOut], **FAIL})
def unit_targets(request, unit_id: int):
    rows = selectors.targets_of(_actor(request), _unit(request, unit_id))
    return [_target_out(t) for t in rows]


@router.post("/units/{unit_id}/targets", response=TARGET_SET)
def unit_target_set(request, unit_id: int, payload: TargetIn):
    return _set_target(request, _unit(request, unit_id), payload)


@router.get("/orgs/{org_id}/actuals", response={200: list[ActualOut], **FAIL})
def org_actuals(request, org_id: int):
    return [_actual_out(a) for a in selectors.actuals_of(_actor(request), _org(request, org_id))]


@router.post("/orgs/{org_id}/actuals", response=ACTUAL_SET)
def org_actual_set(request, org_id: int, payload: ActualIn):
    """Records (201) or revises (200) an actual; the earlier value stays in the change log."""
    return _set_actual(request, _org(request, org_id), payload)


@router.get("/units/{unit_id}/actuals", response={200: list[ActualOut], **FAIL})
def unit_actuals(request, unit_id: int):
    rows = selectors.actuals_of(_actor(request), _unit(request, unit_id))
    return [_actual_out(a) for a in rows]


@router.post("/units/{unit_id}/actuals", response=ACTUAL_SET)
def unit_actual_set(request, unit_id: int, payload: ActualIn):
    return _set_actual(request, _unit(request, unit_id), payload)
