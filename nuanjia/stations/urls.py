from django.urls import path

from . import views

app_name = "stations"
urlpatterns = [
    path("stations/", views.station_list_view, name="list"),
    path("stations/new/", views.station_new_view, name="new"),
    path("stations/<int:station_id>/", views.station_detail_view, name="detail"),
    path("stations/<int:station_id>/edit/", views.station_edit_view, name="edit"),
    path("stations/<int:station_id>/status/", views.station_status_view, name="status"),
    path("stations/<int:station_id>/closures/", views.closure_add_view, name="closure_add"),
    path(
        "stations/closures/<int:closure_id>/remove/",
        views.closure_remove_view,
        name="closure_remove",
    ),
    path("stations/<int:station_id>/tally/", views.tally_view, name="tally"),
    path("stations/<int:station_id>/photos/", views.photo_add_view, name="photo_add"),
    path("stations/photos/<int:photo_id>/", views.photo_file_view, name="photo"),
    path("stations/<int:station_id>/sign.pdf", views.sign_view, name="sign"),
    path("stations/<int:station_id>/grants/", views.grant_new_view, name="grant_new"),
    path(
        "stations/grants/<int:station_grant_id>/approve/",
        views.grant_approve_view,
        name="grant_approve",
    ),
    path("stations/grants/<int:station_grant_id>/pay/", views.grant_pay_view, name="grant_pay"),
    path(
        "stations/grants/<int:station_grant_id>/cancel/",
        views.grant_cancel_view,
        name="grant_cancel",
    ),
    path("stations/statistics/", views.statistics_view, name="statistics"),
    path("stations/coverage/", views.coverage_view, name="coverage"),
    path("stations/import/", views.import_view, name="import"),
    path("stations/import/template/", views.template_view, name="import_template"),
    path(
        "stations/import/errors/<str:import_token>/",
        views.import_errors_view,
        name="import_errors",
    ),
    path("stations/export/", views.export_view, name="export"),
    path("stations/tallies/import/", views.tally_import_view, name="tally_import"),
    path(
        "stations/tallies/import/template/",
        views.tally_template_view,
        name="tally_import_template",
    ),
    # Public phone pages (no sign-in; rate-limited): listed in tests/scopewalk.PUBLIC_ROUTES.
    path("s/", views.nearest_view, name="nearest"),
    path("s/<str:station_code>/", views.checkin_view, name="checkin"),
]
