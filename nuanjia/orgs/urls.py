from django.urls import path

from . import calendar_views, import_views, staff_views, views

app_name = "orgs"
urlpatterns = [
    path("orgs/", views.tree_view, name="tree"),
    path("orgs/import/", import_views.import_view, name="import"),
    path("orgs/import/template.xlsx", import_views.template_view, name="import_template"),
    path(
        "orgs/import/errors/<str:import_token>.xlsx",
        import_views.import_errors_view,
        name="import_errors",
    ),
    path("orgs/<int:org_id>/", views.detail_view, name="detail"),
    path("orgs/<int:org_id>/export.xlsx", import_views.export_view, name="export"),
    path("orgs/<int:org_id>/children/", views.children_view, name="children"),
    path("orgs/<int:org_id>/new/", views.grassroots_new_view, name="grassroots_new"),
    path("orgs/<int:org_id>/edit/", views.grassroots_edit_view, name="grassroots_edit"),
    path("staff/", staff_views.staff_list_view, name="staff_list"),
    path("staff/export.xlsx", staff_views.staff_export_view, name="staff_export"),
    path("staff/new/", staff_views.staff_new_view, name="staff_new"),
    path("staff/<int:user_id>/", staff_views.staff_detail_view, name="staff_detail"),
    path("staff/<int:user_id>/password/", staff_views.staff_password_view, name="staff_password"),
    path("staff/<int:user_id>/unlock/", staff_views.staff_unlock_view, name="staff_unlock"),
    path(
        "staff/<int:user_id>/two-factor/reset/",
        staff_views.staff_two_factor_reset_view,
        name="staff_two_factor_reset",
    ),
    path("staff/<int:user_id>/roles/", staff_views.staff_roles_view, name="staff_roles"),
    path(
        "staff/<int:user_id>/enrolment-code/",
        staff_views.staff_enrolment_code_view,
        name="staff_enrolment_code",
    ),
    path("calendar/", calendar_views.calendar_view, name="calendar"),
    path("calendar/years/", calendar_views.calendar_year_view, name="calendar_year"),
    path("calendar/days/<int:day_id>/", calendar_views.calendar_day_view, name="calendar_day"),
    path(
        "calendar/days/<int:day_id>/delete/",
        calendar_views.calendar_day_delete_view,
        name="calendar_day_delete",
    ),
    path("calendar/import/", calendar_views.calendar_import_view, name="calendar_import"),
    path(
        "calendar/import/template.xlsx",
        calendar_views.calendar_template_view,
        name="calendar_import_template",
    ),
    path(
        "calendar/import/errors/<str:import_token>.xlsx",
        calendar_views.calendar_import_errors_view,
        name="calendar_import_errors",
    ),
]
