"""What every page's shell needs: the organization switcher and the active organization."""

from tongket.web.shell import active_org, switchable_orgs


def shell(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"switch_orgs": switchable_orgs(request), "active_org": active_org(request)}
