"""URLs of free health checks: staff pages under /campaigns/, the hospital's under
/p/campaigns/checks/, the member's under /m/campaigns/checks/ (included from urls.py)."""

from django.urls import path

from .views import health_checks as staff
from .views import health_member as member
from .views import health_partner as partner

urlpatterns = [
    path("campaigns/activities/<int:activity_id>/checks/", staff.checks_view, name="checks"),
    path(
        "campaigns/activities/<int:activity_id>/checks/book/",
        staff.check_book_view,
        name="check_book",
    ),
    path(
        "campaigns/activities/<int:activity_id>/checks/invitations/",
        staff.check_invitations_view,
        name="check_invitations",
    ),
    path("campaigns/checks/<int:booking_id>/day/", staff.check_day_view, name="check_day"),
    path("campaigns/checks/<int:booking_id>/cancel/", staff.check_cancel_view, name="check_cancel"),
    path(
        "campaigns/checks/<int:booking_id>/attended/",
        staff.check_attended_view,
        name="check_attended",
    ),
    path(
        "campaigns/checks/<int:booking_id>/no-show/", staff.check_no_show_view, name="check_no_show"
    ),
    path("campaigns/checks/overdue/", staff.checks_overdue_view, name="checks_overdue"),
    path("campaigns/check-records/", staff.check_records_view, name="check_records"),
    path(
        "campaigns/check-records/import-errors/<str:import_token>/",
        staff.check_records_errors_view,
        name="check_records_errors",
    ),
    path(
        "campaigns/check-records/template.xlsx",
        staff.check_records_template_view,
        name="check_records_template",
    ),
    # The hospital's phone pages.
    path("p/campaigns/checks/", partner.partner_checks_view, name="partner_checks"),
    path(
        "p/campaigns/checks/<int:booking_id>/attended/",
        partner.partner_check_attended_view,
        name="partner_check_attended",
    ),
    path(
        "p/campaigns/checks/<int:booking_id>/no-show/",
        partner.partner_check_no_show_view,
        name="partner_check_no_show",
    ),
    path(
        "p/campaigns/checks/completions/",
        partner.partner_completions_view,
        name="partner_check_completions",
    ),
    path(
        "p/campaigns/checks/completions/template.xlsx",
        partner.partner_completions_template_view,
        name="partner_check_completions_template",
    ),
    # The member's phone page.
    path("m/campaigns/checks/", member.my_checks_view, name="my_checks"),
]
