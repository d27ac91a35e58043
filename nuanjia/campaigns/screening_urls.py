"""The screening drives' URLs (findings and their outcomes), included by campaigns.urls."""

from django.urls import path

from .views import screening

urlpatterns: list = [
    path(
        "campaigns/activities/<int:activity_id>/findings/",
        screening.findings_view,
        name="findings",
    ),
    path(
        "campaigns/activities/<int:activity_id>/findings/export.xlsx",
        screening.findings_export_view,
        name="findings_export",
    ),
    path(
        "campaigns/activities/<int:activity_id>/findings/new/",
        screening.finding_new_view,
        name="finding_new",
    ),
    path(
        "campaigns/activities/<int:activity_id>/findings/import/",
        screening.finding_import_view,
        name="finding_import",
    ),
    path(
        "campaigns/findings/import-errors/<str:import_token>/",
        screening.finding_import_errors_view,
        name="finding_import_errors",
    ),
    path(
        "campaigns/findings/import-template.xlsx",
        screening.finding_import_template_view,
        name="finding_import_template",
    ),
    path("campaigns/findings/", screening.findings_queue_view, name="finding_queue"),
    path("campaigns/findings/<int:finding_id>/", screening.finding_detail_view, name="finding"),
    path(
        "campaigns/findings/<int:finding_id>/open-application/",
        screening.finding_application_view,
        name="finding_open_application",
    ),
    path(
        "campaigns/findings/<int:finding_id>/propose-grant/",
        screening.finding_grant_view,
        name="finding_propose_grant",
    ),
    path(
        "campaigns/findings/<int:finding_id>/no-help/",
        screening.finding_no_help_view,
        name="finding_no_help",
    ),
]
