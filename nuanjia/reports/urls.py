from django.urls import path

from . import report_views, views

app_name = "reports"

urlpatterns = [
    path("reports/", views.dashboard_view, name="dashboard"),
    path("reports/export/", views.dashboard_export_view, name="dashboard_export"),
    path("reports/checks/", views.checks_view, name="checks"),
    path("reports/map/", views.map_outline_view, name="map_outline"),
    # The measure is a query parameter (?measure=relief.grants_paid), as the union and period.
    path("reports/measure/", views.measure_view, name="measure"),
    path("reports/rows/", views.rows_view, name="rows"),
    path("reports/rows/export/", views.rows_export_view, name="rows_export"),
]

# The campaign report (report_views): templates as data, the rendered report, PDF and Word.
urlpatterns += [
    path("reports/report/", report_views.report_list_view, name="report_list"),
    path("reports/report/new/", report_views.report_new_view, name="report_new"),
    path("reports/report/<int:report_template_id>/", report_views.report_view, name="report"),
    path(
        "reports/report/<int:report_template_id>/edit/",
        report_views.report_edit_view,
        name="report_edit",
    ),
    path(
        "reports/report/<int:report_template_id>/pdf/",
        report_views.report_pdf_view,
        name="report_pdf",
    ),
    path(
        "reports/report/<int:report_template_id>/docx/",
        report_views.report_docx_view,
        name="report_docx",
    ),
]
