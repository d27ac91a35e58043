from django.urls import path

from . import views

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
