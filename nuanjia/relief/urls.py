from django.urls import path

from . import rules, views

app_name = "relief"
urlpatterns = [
    path("relief/grants/", views.grant_list_view, name="grants"),
    path("relief/grants/export.xlsx", views.grant_export_view, name="grants_export"),
    path("relief/workers/<int:worker_id>/grants/new/", views.grant_new_view, name="grant_new"),
    path(
        "relief/workers/<int:worker_id>/history/",
        views.worker_history_view,
        name="worker_history",
    ),
    path("relief/grants/<int:grant_id>/", views.grant_detail_view, name="grant_detail"),
    path("relief/grants/<int:grant_id>/voucher/", views.voucher_view, name="voucher"),
    *[
        path(
            f"relief/grants/<int:grant_id>/{step}/",
            views.step_view,
            {"step": step},
            name=f"step_{step}",
        )
        for step in rules.GRANT_PAGE_STEPS
    ],
    path("relief/batches/", views.batch_list_view, name="batches"),
    path("relief/batches/export.xlsx", views.batch_export_list_view, name="batches_export"),
    path("relief/batches/<int:payment_batch_id>/", views.batch_detail_view, name="batch_detail"),
    path(
        "relief/batches/<int:payment_batch_id>/progress/",
        views.batch_progress_view,
        name="batch_progress",
    ),
    path(
        "relief/batches/<int:payment_batch_id>/bank-file/",
        views.batch_export_view,
        name="batch_export",
    ),
    path(
        "relief/batches/<int:payment_batch_id>/results/",
        views.batch_results_view,
        name="batch_results",
    ),
    path(
        "relief/batches/<int:payment_batch_id>/discard/",
        views.batch_discard_view,
        name="batch_discard",
    ),
    path(
        "relief/batches/<int:payment_batch_id>/grants/<int:grant_id>/remove/",
        views.batch_remove_view,
        name="batch_remove",
    ),
    path(
        "relief/batches/<int:payment_batch_id>/grants/<int:grant_id>/paid/",
        views.line_paid_view,
        name="line_paid",
    ),
]
