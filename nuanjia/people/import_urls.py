"""URLs of the worker import and export (included from config/urls.py)."""

from django.urls import path

from . import import_review_views, import_views

app_name = "people_import"
urlpatterns = [
    path("people/workers/import/", import_views.import_view, name="import"),
    path("people/workers/import/template.xlsx", import_views.template_view, name="template"),
    path("people/workers/import/<int:batch_id>/", import_views.batch_view, name="batch"),
    path(
        "people/workers/import/<int:batch_id>/progress/",
        import_views.batch_progress_view,
        name="batch_progress",
    ),
    path(
        "people/workers/import/<int:batch_id>/errors.xlsx",
        import_views.batch_errors_view,
        name="batch_errors",
    ),
    path(
        "people/workers/import/<int:batch_id>/retry/",
        import_views.batch_retry_view,
        name="batch_retry",
    ),
    path("people/workers/export.xlsx", import_views.export_view, name="export"),
    path("people/workers/import/reviews/", import_review_views.reviews_view, name="reviews"),
    path(
        "people/workers/import/reviews/<int:review_id>/accept/",
        import_review_views.review_decide_view,
        {"decision": "accept"},
        name="review_accept",
    ),
    path(
        "people/workers/import/reviews/<int:review_id>/refuse/",
        import_review_views.review_decide_view,
        {"decision": "refuse"},
        name="review_refuse",
    ),
]
