from django.contrib.auth import views as auth_views
from django.urls import path

from tongket.web import evaluation, report_drafts, views
from tongket.web import factcheck as factcheck_pages
from tongket.web import reports as report_pages
from tongket.web import targets as target_pages
from tongket.web import work as work_pages

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("switch-org/", views.switch_org, name="switch_org"),
    path("orgs/", views.org_list, name="org_list"),
    path("orgs/<int:pk>/", views.org_detail, name="org_detail"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("members/", views.member_list, name="member_list"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("evaluation/", evaluation.rounds, name="evaluation_rounds"),
    path("evaluation/<int:pk>/", evaluation.round_detail, name="evaluation_round"),
    path(
        "evaluation/<int:pk>/org/<int:org_pk>/", evaluation.branch_entry, name="evaluation_branch"
    ),
    path(
        "evaluation/<int:pk>/org/<int:org_pk>/submit/",
        evaluation.branch_submit,
        name="evaluation_submit",
    ),
    path("evaluation/badges/", evaluation.badges, name="evaluation_badges"),
    path("work/meetings/", work_pages.meeting_list, name="meeting_list"),
    path("work/meetings/<int:pk>/", work_pages.meeting_detail, name="meeting_detail"),
    path("work/tasks/", work_pages.task_list, name="task_list"),
    path("work/outreach/", work_pages.coverage, name="outreach_coverage"),
    path("targets/", target_pages.index, name="targets_index"),
    path("targets/org/<int:pk>/", target_pages.org_status, name="targets_org"),
    path("targets/unit/<int:pk>/", target_pages.unit_status, name="targets_unit"),
    path("evaluation/new/", evaluation.round_new, name="evaluation_round_new"),
    path("evaluation/badges/award/", evaluation.badges_award, name="evaluation_badges_award"),
    path("evaluation/badges/awarded/", evaluation.badges_awarded, name="evaluation_badges_awarded"),
    path("evaluation/<int:pk>/awards/new/", evaluation.award_new, name="evaluation_award_new"),
    path(
        "evaluation/<int:pk>/org/<int:org_pk>/approve/",
        evaluation.branch_approve,
        name="evaluation_approve",
    ),
    path("evaluation/<int:pk>/lock/", evaluation.round_lock, name="evaluation_lock"),
    path("imports/", views.import_start, name="import_start"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/apply/", views.import_apply, name="import_apply"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("bao-cao/", report_pages.index, name="report_index"),
    path("bao-cao/kiem-tra/", factcheck_pages.factcheck_page, name="report_factcheck"),
    # The batch first: "bao-cao/hang-loat/<job>/" would otherwise read as an organization code.
    path("bao-cao/hang-loat/", report_pages.batch_index, name="report_batch_index"),
    path("bao-cao/hang-loat/<str:job>/", report_pages.batch_status, name="report_batch"),
    path(
        "bao-cao/hang-loat/<str:job>/tai-ve.zip",
        report_pages.batch_download,
        name="report_batch_download",
    ),
    path("bao-cao/<str:org_code>/<str:period>/", report_pages.report_page, name="report_page"),
    path(
        "bao-cao/<str:org_code>/<str:period>/tai-ve.<str:fmt>",
        report_pages.report_download,
        name="report_download",
    ),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path(
        "bao-cao/<str:org_code>/<str:period>/soan-thao/",
        report_drafts.draft_edit,
        name="report_draft",
    ),
    path("healthz", views.healthz, name="healthz"),
]
