"""API of the review report: the figures of an organization for a period, as the JSON of
INTERCHANGE.md ("Review figures as JSON"). Same error shape and scoping as the rest."""

from __future__ import annotations

from ninja import Router

from tongket.api.schemas import Error
from tongket.core.actor import Actor
from tongket.party import selectors as party

router = Router(tags=["reports"])
FAIL = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


@router.get("/reports/{org_code}/{period}", response={200: dict, **FAIL})
def report_figures(request, org_code: str, period: str):
    """Every figure of the organization's review for the period (`2024`, `2024-H1`, …),
    counted on the trees as they stood at the end of the period."""
    from tongket.reports.figures import review_figures

    actor = Actor.for_user(request.auth, request.operation_id)
    return review_figures(actor, party.org_by_code(actor, org_code), period).to_json()
