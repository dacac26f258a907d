"""Web pages. Each view parses input, checks the actor, calls one selector or service, renders."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongket.accounts import services as account_services
from tongket.accounts.models import ApiToken
from tongket.accounts.selectors import tokens_of
from tongket.core.audit import record_event
from tongket.core.exports import write_audit_csv
from tongket.core.models import ChangeLog
from tongket.core.selectors import audit_filter, audit_visible, history_of
from tongket.domain.errors import DomainError
from tongket.party import selectors as party
from tongket.registry import selectors as registry
from tongket.reports.cache import remember, scope_digest
from tongket.web.forms import AuditFilterForm, PasswordChangeForm, TokenForm
from tongket.web.member_rows import FIELDS as MEMBER_FIELDS
from tongket.web.member_rows import member_rows
from tongket.web.org_rows import structure_rows
from tongket.web.shell import SESSION_ORG, active_org, actor_of, page, switchable_orgs

PAGE_SIZE = 50


def _paginate(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def lockout(request, credentials, *args, **kwargs):
    """Shown instead of the login form after too many failed attempts (django-axes)."""
    message = _("Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút.")
    return render(request, "registration/login.html", {"lockout": message}, status=429)


@page
def home(request):
    actor, org = actor_of(request), active_org(request)
    context = {
        "org": org,
        # Three scoped counts: kept until the next write, per scope (reports/cache.py).
        "counts": remember(
            ("home-counts", str(org.pk if org else ""), scope_digest(actor)),
            lambda: _home_counts(actor, org),
        ),
        "recent": history_of(org)[:5] if org else [],
    }
    return render(request, "web/home.html", context)


def _home_counts(actor, org) -> dict[str, int]:
    members = party.members_search(actor, org=org) if org else party.members_search(actor)
    return {
        "orgs": party.orgs_visible(actor).filter(path__startswith=org.path).count() if org else 0,
        "members": members.count(),
        "units": registry.units_visible(actor).count(),
    }


@require_POST
@page
def switch_org(request):
    wanted = request.POST.get("org", "")
    org = next((o for o in switchable_orgs(request) if str(o.pk) == wanted), None)
    if org is None:
        raise PermissionDenied
    request.session[SESSION_ORG] = org.pk
    return redirect(request.POST.get("next") or "home")


@page
def org_list(request):
    rows = party.orgs_visible(actor_of(request)).order_by("path")
    return render(request, "web/org_list.html", {"page": _paginate(request, rows)})


def _as_of(request):
    """The day a page shows, from ?as_of= (dd/mm/yyyy or yyyy-mm-dd); today when absent."""
    from tongket.domain.vnformat import parse_date

    text = request.GET.get("as_of", "").strip()
    if not text:
        return timezone.localdate(), ""
    try:
        return parse_date(text), ""
    except DomainError as exc:
        return timezone.localdate(), exc.message


@page
def org_detail(request, pk: int):
    actor = actor_of(request)
    org = party.org_get(actor, pk)
    day, date_error = _as_of(request)
    context = {
        "org": org,
        "day": day,
        "date_error": date_error,
        "versions": org.versions.select_related("parent", "unit").order_by("valid_from"),
        "structure": structure_rows(actor, org, day),
        "positions": org.positions.select_related("term").order_by("valid_from"),
        "history": history_of(org)[:50],
    }
    return render(request, "web/org_detail.html", context)


@page
def unit_list(request):
    """The unit tree as it stood on a day, one level at a time (HTMX opens a level)."""
    actor = actor_of(request)
    day, date_error = _as_of(request)
    parent = (
        registry.unit_get(actor, int(request.GET["parent"]))
        if request.GET.get("parent", "").isdigit()
        else None
    )
    nodes = registry.tree_level(actor, day, parent)
    context = {"nodes": nodes, "day": day, "date_error": date_error, "parent": parent}
    template = "web/_unit_nodes.html" if request.htmx else "web/unit_list.html"
    return render(request, template, context)


@page
def unit_detail(request, pk: int):
    actor = actor_of(request)
    unit = registry.unit_get(actor, pk)
    day, date_error = _as_of(request)
    origins, outcomes = registry.unit_lineage(actor, unit.code)
    context = {
        "unit": unit,
        "day": day,
        "date_error": date_error,
        "versions": registry.unit_versions(actor, unit),
        "counts": sorted(
            registry.unit_counts_on(actor, unit, day).items(),
            key=lambda kv: registry.UNIT_ORDER.get(kv[0], 9),
        ),
        "children": registry.tree_level(actor, day, unit),
        "origins": origins,
        "outcomes": outcomes,
        "today_holders": registry.unit_holders(actor, unit.code, timezone.localdate()),
        "orgs": party.orgs_visible(actor).filter(unit=unit),
        "history": history_of(unit)[:50],
    }
    return render(request, "web/unit_detail.html", context)


@page
def member_list(request):
    actor, query = actor_of(request), request.GET.get("q", "")[:100]
    rows = _paginate(request, party.members_search(actor, query).values_list(*MEMBER_FIELDS))
    rows.object_list = member_rows(rows.object_list)
    party.log_member_list(actor, query, rows.paginator.count)
    template = "web/_member_rows.html" if request.htmx else "web/member_list.html"
    return render(request, template, {"page": rows, "q": query})


@page
def member_detail(request, pk: int):
    record = party.member_record(actor_of(request), pk)
    history = history_of(record.member).exclude(action="read")[:50]
    return render(
        request,
        "web/member_detail.html",
        {"record": record, "member": record.member, "history": history},
    )


def _audit_rows(request):
    actor = actor_of(request)
    if not (actor.system or actor.usable("audit")):
        raise PermissionDenied
    form = AuditFilterForm(request.GET)
    form.is_valid()
    return form, audit_filter(audit_visible(actor), **form.cleaned_data)


@page
def audit_list(request):
    form, rows = _audit_rows(request)
    context = {"form": form, "page": _paginate(request, rows), "actions": ChangeLog.Action}
    return render(request, "web/audit_list.html", context)


@page
def audit_export(request):
    form, rows = _audit_rows(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="nhat-ky.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    write_audit_csv(response, rows[:100_000])
    record_event(actor_of(request), "export", "core.changelog", "csv", form.cleaned_data)
    return response


@page
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.password_change(
                actor=actor_of(request),
                user=request.user,
                old=form.cleaned_data["old"],
                new=form.cleaned_data["new1"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Đã đổi mật khẩu."))
            return redirect("home")
    return render(request, "web/password_change.html", {"form": form})


@page
def tokens(request):
    form, raw = TokenForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        expires = form.cleaned_data["expires_on"]
        expires_at = (
            timezone.make_aware(dt.datetime.combine(expires, dt.time.max)) if expires else None
        )
        try:
            _token, raw = account_services.token_create(
                actor=actor_of(request),
                user=request.user,
                name=form.cleaned_data["name"],
                expires_at=expires_at,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
    context = {"form": form, "raw": raw, "tokens": tokens_of(request.user)}
    return render(request, "web/tokens.html", context)


@require_POST
@page
def token_revoke(request, pk: int):
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise PermissionDenied
    account_services.token_revoke(actor=actor_of(request), token=token)
    messages.success(request, _("Đã thu hồi khóa %(name)s.") % {"name": token.name})
    return redirect("tokens")


def healthz(request):
    """For load balancers: answers without a session and touches no personal data."""
    return JsonResponse({"status": "ok"})


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    # Rendered without the request: the shell's context needs the database, which may be
    # what failed.
    return HttpResponse(loader.render_to_string("errors/500.html"), status=500)


# --- imports --------------------------------------------------------------------------------
def _job(request, pk: int):
    from tongket.imports.models import ImportJob

    job = ImportJob.objects.filter(pk=pk, user=request.user).first()
    if job is None:
        raise Http404
    return job


@page
def import_start(request):
    """Upload a file; it is checked in the background, then previewed before anything is
    written."""
    from tongket.imports.jobs import job_start
    from tongket.imports.kinds import KINDS
    from tongket.imports.models import ImportJob

    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Hãy chọn một tệp.")
        else:
            try:
                job = job_start(
                    actor=actor_of(request), kind=request.POST.get("kind", ""), upload=upload
                )
                return redirect("import_detail", pk=job.pk)
            except DomainError as exc:
                error = exc.message
    context = {
        "kinds": list(KINDS),
        "error": error,
        "jobs": ImportJob.objects.filter(user=request.user)[:20],
    }
    return render(request, "web/import_start.html", context, status=400 if error else 200)


@page
def import_detail(request, pk: int):
    from tongket.imports.jobs import progress_of

    job = _job(request, pk)
    done, total = progress_of(job)
    context = {"job": job, "done": done, "total": total}
    template = "web/_import_status.html" if request.htmx else "web/import_detail.html"
    return render(request, template, context)


@require_POST
@page
def import_apply(request, pk: int):
    from tongket.imports.jobs import job_apply

    job = _job(request, pk)
    try:
        job_apply(actor=actor_of(request), job=job)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("import_detail", pk=job.pk)


@page
def import_errors(request, pk: int):
    from django.http import FileResponse

    job = _job(request, pk)
    if not job.errors_path:
        raise Http404
    try:
        stream = open(job.errors_path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except OSError:  # the workbook was cleaned away with the upload
        raise Http404 from None
    return FileResponse(stream, as_attachment=True, filename=f"loi-{job.pk}.xlsx")
