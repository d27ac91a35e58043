from django.urls import path

from nuanjia.core.db_router import replica_reads

from . import (
    breakfast_urls,
    goods_urls,
    health_urls,
    screening_urls,
    settlements_urls,
    trips_urls,
)
from .partner_figures_urls import urlpatterns as partner_figures_urlpatterns
from .views import campaigns, contracts, enrolment, figures, places, visits

app_name = "campaigns"
urlpatterns = [
    path("campaigns/", campaigns.campaign_list_view, name="list"),
    path("campaigns/new/", campaigns.campaign_new_view, name="new"),
    path("campaigns/<int:campaign_id>/", campaigns.campaign_detail_view, name="detail"),
    path("campaigns/<int:campaign_id>/status/", campaigns.campaign_status_view, name="status"),
    path(
        "campaigns/<int:campaign_id>/activities/new/",
        campaigns.activity_new_view,
        name="activity_new",
    ),
    path(
        "campaigns/activities/<int:activity_id>/", campaigns.activity_detail_view, name="activity"
    ),
    path(
        "campaigns/activities/<int:activity_id>/enrolment/",
        enrolment.enrolment_view,
        name="enrolment",
    ),
    path("campaigns/activities/<int:activity_id>/enrol/", enrolment.enrol_view, name="enrol"),
    path("campaigns/runs/<int:run_id>/", enrolment.run_progress_view, name="run_progress"),
    path("campaigns/runs/<int:run_id>/resume/", enrolment.run_resume_view, name="run_resume"),
    *enrolment.ROSTER_QUEUE.urls(),
    path(
        "campaigns/lists/<int:roster_id>/export/",
        enrolment.roster_export_view,
        name="roster_export",
    ),
    path("campaigns/lists/<int:roster_id>/add/", enrolment.roster_add_view, name="roster_add"),
    path(
        "campaigns/list-rows/<int:enrolment_id>/remove/",
        enrolment.roster_remove_view,
        name="roster_remove",
    ),
    path("campaigns/activities/<int:activity_id>/places/", places.places_view, name="places"),
    path(
        "campaigns/activities/<int:activity_id>/places/set/",
        places.places_set_view,
        name="places_set",
    ),
    path(
        "campaigns/activities/<int:activity_id>/places/allocate/",
        places.places_allocate_view,
        name="places_allocate",
    ),
    path("campaigns/activities/<int:activity_id>/book/", places.book_view, name="book"),
    path(
        "campaigns/bookings/<int:booking_id>/cancel/",
        places.booking_cancel_view,
        name="booking_cancel",
    ),
    path(
        "campaigns/bookings/<int:booking_id>/attended/",
        places.booking_attended_view,
        name="booking_attended",
    ),
    path(
        "campaigns/activities/<int:activity_id>/figures/",
        replica_reads(figures.activity_figures_view),
        name="activity_figures",
    ),
    path(
        "campaigns/activities/<int:activity_id>/figures/rows/",
        replica_reads(figures.figure_rows_view),
        name="figure_rows",
    ),
    path("campaigns/activities/<int:activity_id>/visits/", visits.visits_view, name="visits"),
    path("campaigns/visits/<int:visit_id>/cancel/", visits.visit_cancel_view, name="visit_cancel"),
    path(
        "campaigns/activities/<int:activity_id>/partners/",
        contracts.contracts_view,
        name="contracts",
    ),
    path(
        "campaigns/contracts/<int:contract_id>/end/",
        contracts.contract_end_view,
        name="contract_end",
    ),
    *goods_urls.urlpatterns,
    *screening_urls.urlpatterns,
    *settlements_urls.urlpatterns,
    *health_urls.urlpatterns,
    *trips_urls.urlpatterns,
    *partner_figures_urlpatterns,
    *breakfast_urls.urlpatterns,
]
