from django.urls import path

from . import views

app_name = "hotline"
urlpatterns = [
    path("m/requests/", views.my_requests_view, name="my_requests"),
    path("m/requests/new/", views.my_request_new_view, name="my_request_new"),
    path("m/requests/<str:number>/", views.my_request_view, name="my_request"),
    path("hotline/", views.desk_view, name="desk"),
    path("hotline/lookup/", views.lookup_view, name="lookup"),
    path("hotline/tickets/", views.ticket_list_view, name="list"),
    path("hotline/tickets/export/", views.ticket_export_view, name="export"),
    path("hotline/kpis/", views.kpi_view, name="kpis"),
    path("hotline/tickets/<int:ticket_id>/", views.ticket_detail_view, name="detail"),
    *[
        path(
            f"hotline/tickets/<int:ticket_id>/{page.slug}/",
            views.step_view,
            {"step": page.step},
            name=f"step_{page.step}",
        )
        for page in views.STEP_PAGES.values()
    ],
    path("hotline/tickets/<int:ticket_id>/note/", views.note_view, name="note"),
    path("hotline/tickets/<int:ticket_id>/hold/", views.hold_view, name="hold"),
    path("hotline/tickets/<int:ticket_id>/attach/", views.attach_view, name="attach"),
    path(
        "hotline/tickets/<int:ticket_id>/link-worker/", views.link_worker_view, name="link_worker"
    ),
    path(
        "hotline/tickets/<int:ticket_id>/fast-track/",
        views.fast_track_open_view,
        name="fast_track_open",
    ),
    path(
        "hotline/tickets/<int:ticket_id>/fast-track/approve/",
        views.fast_track_approve_view,
        name="fast_track_approve",
    ),
    path(
        "hotline/tickets/<int:ticket_id>/fast-track/paperwork/",
        views.fast_track_paperwork_view,
        name="fast_track_paperwork",
    ),
    path("hotline/attachments/<int:attachment_id>/", views.attachment_view, name="attachment"),
    # Public: no sign-in, rate-limited.
    path("12351/", views.public_submit_view, name="public_submit"),
    path("12351/follow/", views.public_follow_view, name="public_follow"),
]
