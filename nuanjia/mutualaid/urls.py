"""Mutual aid's staff pages under /mutualaid/ and the member's under /m/mutualaid/."""

from django.urls import path

from .views import claims, enrolment_imports, enrolments, figures, member, plans

app_name = "mutualaid"

urlpatterns = [
    path("mutualaid/", enrolments.plan_list_view, name="plans"),
    path("mutualaid/plans/new/", plans.plan_new_view, name="plan_new"),
    path("mutualaid/plans/<int:ma_plan_id>/", enrolments.plan_detail_view, name="plan"),
    path(
        "mutualaid/plans/<int:ma_plan_id>/versions/new/", plans.version_new_view, name="version_new"
    ),
    path("mutualaid/plans/<int:ma_plan_id>/renew/", plans.renew_view, name="renew"),
    path(
        "mutualaid/plans/<int:ma_plan_id>/enrolments/",
        enrolments.enrolment_list_view,
        name="enrolments",
    ),
    path("mutualaid/plans/<int:ma_plan_id>/enrol/", enrolments.enrol_view, name="enrol"),
    path(
        "mutualaid/plans/<int:ma_plan_id>/import/",
        enrolment_imports.enrolment_import_view,
        name="enrolment_import",
    ),
    path(
        "mutualaid/imports/<int:ma_import_id>/",
        enrolment_imports.enrolment_import_run_view,
        name="enrolment_import_run",
    ),
    path(
        "mutualaid/imports/<int:ma_import_id>/progress/",
        enrolment_imports.enrolment_import_progress_view,
        name="enrolment_import_progress",
    ),
    path(
        "mutualaid/imports/<int:ma_import_id>/resume/",
        enrolment_imports.enrolment_import_resume_view,
        name="enrolment_import_resume",
    ),
    path(
        "mutualaid/import/template.xlsx",
        enrolments.enrolment_template_view,
        name="enrolment_template",
    ),
    path(
        "mutualaid/imports/<int:ma_import_id>/errors.xlsx",
        enrolment_imports.enrolment_import_errors_view,
        name="enrolment_import_errors",
    ),
    path(
        "mutualaid/enrolments/<int:ma_enrolment_id>/",
        enrolments.enrolment_detail_view,
        name="enrolment",
    ),
    path(
        "mutualaid/enrolments/<int:ma_enrolment_id>/pay/",
        enrolments.enrolment_pay_view,
        name="enrolment_pay",
    ),
    path(
        "mutualaid/enrolments/<int:ma_enrolment_id>/cancel/",
        enrolments.enrolment_cancel_view,
        name="enrolment_cancel",
    ),
    path(
        "mutualaid/enrolments/<int:ma_enrolment_id>/claim/", claims.claim_new_view, name="claim_new"
    ),
    path("mutualaid/claims/", claims.claim_list_view, name="claims"),
    path("mutualaid/claims/export.xlsx", claims.claim_export_view, name="claims_export"),
    path("mutualaid/claims/<int:ma_claim_id>/", claims.claim_detail_view, name="claim"),
    path(
        "mutualaid/claims/<int:ma_claim_id>/review/", claims.claim_review_view, name="claim_review"
    ),
    path(
        "mutualaid/claims/<int:ma_claim_id>/approve/",
        claims.claim_approve_view,
        name="claim_approve",
    ),
    path(
        "mutualaid/claims/<int:ma_claim_id>/refuse/", claims.claim_refuse_view, name="claim_refuse"
    ),
    path(
        "mutualaid/claims/<int:ma_claim_id>/documents/<int:ma_document_id>/",
        claims.claim_document_view,
        name="claim_document",
    ),
    path("mutualaid/figures/", figures.figures_view, name="figures"),
    path("mutualaid/figures/rows/", figures.figure_rows_view, name="figure_rows"),
    path("m/mutualaid/", member.my_cover_view, name="my_cover"),
    path("m/mutualaid/claim/<int:ma_enrolment_id>/", member.my_claim_view, name="my_claim"),
    path(
        "m/mutualaid/claims/<int:ma_claim_id>/documents/<int:ma_document_id>/",
        member.my_document_view,
        name="my_document",
    ),
]
