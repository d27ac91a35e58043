"""The 疗休养 trips' URLs: staff pages under /campaigns/, the travel partner's under
/p/campaigns/; included by campaigns.urls."""

from django.urls import path

from .views import trips, trips_partner

urlpatterns: list = [
    path("campaigns/activities/<int:activity_id>/trips/", trips.trips_view, name="trips"),
    path("campaigns/activities/<int:activity_id>/trips/new/", trips.trip_new_view, name="trip_new"),
    path("campaigns/trips/<int:trip_id>/", trips.trip_detail_view, name="trip"),
    path("campaigns/trips/<int:trip_id>/export.xlsx", trips.trip_export_view, name="trip_export"),
    path("campaigns/trips/<int:trip_id>/places/", trips.trip_places_view, name="trip_places"),
    path("campaigns/trips/<int:trip_id>/close/", trips.trip_close_view, name="trip_close"),
    path("campaigns/trips/<int:trip_id>/cancel/", trips.trip_cancel_view, name="trip_cancel"),
    path("campaigns/trips/<int:trip_id>/nominate/", trips.trip_nominate_view, name="trip_nominate"),
    path("campaigns/nominations/", trips.nominations_view, name="nominations"),
    path(
        "campaigns/nominations/<int:nomination_id>/approve/",
        trips.nomination_approve_view,
        name="nomination_approve",
    ),
    path(
        "campaigns/nominations/<int:nomination_id>/refuse/",
        trips.nomination_refuse_view,
        name="nomination_refuse",
    ),
    path(
        "campaigns/nominations/<int:nomination_id>/withdraw/",
        trips.nomination_withdraw_view,
        name="nomination_withdraw",
    ),
    path(
        "campaigns/nominations/<int:nomination_id>/attendance/",
        trips.nomination_attendance_view,
        name="nomination_attendance",
    ),
    path("p/campaigns/trips/", trips_partner.partner_trips_view, name="partner_trips"),
    path(
        "p/campaigns/trips/export.xlsx",
        trips_partner.partner_trips_export_view,
        name="partner_trips_export",
    ),
    path("p/campaigns/trips/<int:trip_id>/", trips_partner.partner_trip_view, name="partner_trip"),
    path(
        "p/campaigns/nominations/<int:nomination_id>/attendance/",
        trips_partner.partner_attendance_view,
        name="partner_attendance",
    ),
]
