"""The acting user of a request, and the organization they are working in."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tongket.core.actor import Actor
from tongket.core.errors import NotFoundError, PermissionDeniedError
from tongket.domain.permissions import topmost
from tongket.party.models import PartyOrg
from tongket.party.selectors import orgs_visible

SESSION_ORG = "active_org_id"


def actor_of(request) -> Actor:
    """The request's actor, built once (one query for the grants)."""
    if not hasattr(request, "_actor"):
        request._actor = Actor.for_user(request.user, request.operation_id)
    return request._actor


def switchable_orgs(request) -> list[PartyOrg]:
    """The organizations at the roots of the user's grants (and, for a unit grant, the
    top organizations attached inside it): the switcher offers only these."""
    if not hasattr(request, "_switch_orgs"):
        # Only the paths of what is visible (a city-wide user sees every organization of the
        # city), then only the few roots as objects.
        visible = orgs_visible(actor_of(request))
        roots = topmost(dict(visible.values_list("pk", "path")))
        request._switch_orgs = list(visible.filter(pk__in=roots).order_by("path"))
    return request._switch_orgs


def active_org(request) -> PartyOrg | None:
    orgs = switchable_orgs(request)
    chosen = request.session.get(SESSION_ORG)
    return next((o for o in orgs if o.pk == chosen), orgs[0] if orgs else None)


def page(view):
    """A signed-in page: selector errors become 404/403 pages, never a traceback."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFoundError:
            raise Http404 from None
        except PermissionDeniedError:
            raise PermissionDenied from None

    return wrapper
