"""API schemas: what each object looks like on the wire."""

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Path, Query, Schema

from tongket.domain.periods import MAX_YEAR, MIN_YEAR

# A year in a path or a query: 1930 (the Party's founding) to 2100, as everywhere else; outside
# that a 422 (was a 500: a date of year 100 000 cannot exist).
YearPath = Annotated[int, Path(ge=MIN_YEAR, le=MAX_YEAR)]
YearQuery = Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR)]
YearField = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]


class ErrorBody(Schema):
    code: str
    message: str
    details: object | None = None


class Error(Schema):
    error: ErrorBody


class GrantOut(Schema):
    role: str
    scope_kind: str
    scope_code: str
    scope_name: str
    valid_from: date | None
    valid_to: date | None


class MeOut(Schema):
    username: str
    full_name: str
    language: str
    grants: list[GrantOut]


class OrgOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    unit_id: int | None


class UnitOut(Schema):
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None


class MemberRow(Schema):
    """The few fields a list needs; the full record is one read away and logged."""

    id: int
    card_number: str
    full_name: str
    status: str
    org_id: int


class MemberOut(MemberRow):
    birth_date: date
    gender: str
    admitted_on: date
    confirmed_on: date | None
    # The record's edit version: send it back in a PATCH to have a change saved in between
    # refused (409) instead of overwritten.
    version: int = Field(..., alias="lock_version")


class MemberIn(Schema):
    org_id: int
    card_number: str
    full_name: str
    birth_date: date
    gender: str
    admitted_on: date
    confirmed_on: date | None = None


class MemberPatch(Schema):
    full_name: str
    # The `version` of the record the change was made on (from GET); when given, a change
    # saved since is refused with 409 "edit.stale" instead of overwritten.
    version: int | None = None


class ChangeOut(Schema):
    id: int
    at: datetime
    user_name: str
    operation_id: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: object | None
    after: object | None
    purpose: str


class TokenIn(Schema):
    name: str
    expires_at: datetime | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str


class UnitVersionOut(Schema):
    valid_from: date
    valid_to: date | None
    name: str
    level: str
    parent_id: int | None
    official_code: str
    households: int | None
    population: int | None


class LineageOut(Schema):
    effective_on: date
    kind: str
    predecessor: str
    successor: str
    whole: bool
    basis: str


class UnitLineageOut(Schema):
    formed_from: list[LineageOut]
    became: list[LineageOut]
    held_today_by: list[str]


class CountsOut(Schema):
    root: str
    as_of: date
    counts: dict[str, int]


class OrgStructureOut(Schema):
    org_id: int
    name: str
    kind: str
    official: int
    total: int
    flags: list[str]


class TransferIn(Schema):
    to_org_id: int
    on: date
    kind: str = "official"
    note: str = ""


class MembershipOut(Schema):
    org_id: int
    kind: str
    valid_from: date
    valid_to: date | None


class RowErrorOut(Schema):
    sheet: str
    row: int
    column: str
    value: str
    message: str


class ImportOut(Schema):
    kind: str
    dry_run: bool
    written: bool
    counts: dict[str, int]
    warnings: list[str]
    error_count: int
    errors: list[RowErrorOut]


class TallyOut(Schema):
    total: int
    excellent: int
    good: int
    completed: int
    not_completed: int
    unclassified: int


class EvaluationTallyOut(Schema):
    org: str
    year: int
    as_of: date
    grassroots: TallyOut
    sub_branches: TallyOut
    members: TallyOut
    missing: dict[str, int]
    previous: dict | None


class ViolationOut(Schema):
    rule: str
    code: str
    message: str
    severity: str
    group: str


class StreakOut(Schema):
    years: int
    end_year: int
    orgs: list[dict]
    members: list[dict]


class AwardCountOut(Schema):
    category: str
    name: str
    decision: str
    body: str
    decided_on: date
    orgs: int
    members: int


class BadgeDueOut(Schema):
    member_id: int
    card_number: str
    full_name: str
    milestones: list[int]
    award_day: date


class RoundIn(Schema):
    year: YearField
    quarter: int | None = None
    rule_version: str | None = None
    override_note: str = ""
    plan: str = ""
    submit_by: date | None = None
    approve_by: date | None = None


class RoundOut(Schema):
    id: int
    committee_id: int
    year: int
    quarter: int | None
    rule_version: str
    override_note: str
    submit_by: date | None
    approve_by: date | None
    locked: bool


class EligibleOut(Schema):
    category: str
    name: str
    year: int
    streak_years: int | None
    issuing_body_until_2025_06_30: str | None
    issuing_body_from_2025_07_01: str | None
    orgs: list[dict]
    members: list[dict]


class AwardDecisionIn(Schema):
    category: str
    year: YearField
    number: str
    decided_on: date
    org_ids: list[int] = []
    member_ids: list[int] = []
    issuing_body: str = ""


class AwardDecisionOut(Schema):
    id: int
    category: str
    year: int
    number: str
    decided_on: date
    issuing_body: str
    orgs: list[int]
    members: list[int]


class BadgeAwardIn(Schema):
    milestone: int
    awarded_on: date
    early: bool = False
    seriously_ill: bool = False
    posthumous: bool = False
    note: str = ""


class BadgeOut(Schema):
    id: int
    member_id: int
    card_number: str
    full_name: str
    milestone: int
    awarded_on: date
    early: bool
    posthumous: bool


class RoundStepIn(Schema):
    committee_id: int
    quarter: int | None = None


class RoundStateOut(Schema):
    org_id: int
    status: str
    reopen_reason: str


class RoundReopenIn(Schema):
    reason: str
    quarter: int | None = None
