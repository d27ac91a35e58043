from django.urls import path

from .rules import MatchStep
from .views import corners, matches, phone

app_name = "gigjobs"
urlpatterns = [
    path("gigjobs/corners/", corners.corner_list_view, name="corners"),
    path("gigjobs/corners/new/", corners.corner_new_view, name="corner_new"),
    path("gigjobs/corners/export.xlsx", corners.corner_export_view, name="corner_export"),
    path("gigjobs/corners/import/", corners.corner_import_view, name="corner_import"),
    path("gigjobs/corners/template.xlsx", corners.corner_template_view, name="corner_template"),
    path("gigjobs/corners/errors/<str:import_token>/", corners.corner_import_errors_view,
         name="corner_import_errors"),
    path("gigjobs/corners/<int:gig_corner_id>/", corners.corner_detail_view, name="corner"),
    path("gigjobs/corners/<int:gig_corner_id>/edit/", corners.corner_edit_view, name="corner_edit"),
    path("gigjobs/corners/<int:gig_corner_id>/posts/new/", corners.post_new_view, name="post_new"),
    path("gigjobs/corners/<int:gig_corner_id>/workers/new/", corners.worker_new_view,
         name="worker_new"),
    path("gigjobs/posts/", corners.post_list_view, name="posts"),
    path("gigjobs/posts/<int:gig_post_id>/", corners.post_detail_view, name="post"),
    path("gigjobs/posts/<int:gig_post_id>/close/", corners.post_close_view, name="post_close"),
    path("gigjobs/workers/", corners.worker_list_view, name="workers"),
    path("gigjobs/workers/<int:gig_worker_id>/", corners.worker_detail_view, name="worker"),
    path("gigjobs/matches/", matches.match_list_view, name="matches"),
    path("gigjobs/matches/export.xlsx", matches.match_export_view, name="match_export"),
    path("gigjobs/matches/<int:gig_match_id>/", matches.match_detail_view, name="match"),
    *[
        path(f"gigjobs/matches/<int:gig_match_id>/{step.value}/", matches.match_step_view(step.value),
             name=f"match_{step.value}")
        for step in MatchStep
    ],
    path("m/gigjobs/", phone.my_jobs_view, name="my_jobs"),
    path("p/gigjobs/posts/", phone.employer_posts_view, name="employer_posts"),
]  # fmt: skip
