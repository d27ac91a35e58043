from django.urls import path

from . import views
from .views import member

app_name = "hardship"
urlpatterns = [
    path("m/hardship/", member.my_file_view, name="my_file"),
    path("hardship/", views.file_list_view, name="list"),
    path("hardship/export.xlsx", views.file_export_view, name="export"),
    path("hardship/new/", views.file_new_view, name="new"),
    path("hardship/files/<int:file_id>/", views.file_detail_view, name="detail"),
    *[
        path(
            f"hardship/files/<int:file_id>/{page.slug}/",
            views.step_view,
            {"step": page.step},
            name=f"step_{page.step}",
        )
        for page in views.STEP_PAGES.values()
    ],
    path("hardship/files/<int:file_id>/objection/", views.objection_new_view, name="objection_new"),
    path("hardship/files/<int:file_id>/change/", views.change_view, name="change"),
    path("hardship/files/<int:file_id>/copy/", views.worker_copy_view, name="worker_copy"),
    path(
        "hardship/files/<int:file_id>/attachments/",
        views.attachment_add_view,
        name="attachment_add",
    ),
    path(
        "hardship/attachments/<int:file_attachment_id>/",
        views.attachment_download_view,
        name="attachment",
    ),
    path(
        "hardship/attachments/<int:file_attachment_id>/remove/",
        views.attachment_remove_view,
        name="attachment_remove",
    ),
    path("hardship/objections/", views.objection_list_view, name="objections"),
    path(
        "hardship/objections/<int:objection_id>/resolve/",
        views.objection_resolve_view,
        name="objection_resolve",
    ),
    path("hardship/publicity/", views.publicity_view, name="publicity"),
    path("hardship/publicity/export.xlsx", views.publicity_export_view, name="publicity_export"),
    path("hardship/watch/", views.watch_list_view, name="watch"),
    path("hardship/watch/export.xlsx", views.watch_export_view, name="watch_export"),
    path("hardship/reviews/", views.review_list_view, name="reviews"),
    path("hardship/standards/", views.standards_view, name="standards"),
    path("hardship/standards/new/", views.standard_new_view, name="standard_new"),
    path("hardship/standards/<int:standard_id>/", views.standard_edit_view, name="standard_edit"),
    path("hardship/standards/<int:standard_id>/reassess/", views.reassess_view, name="reassess"),
    path("hardship/wages/<int:wage_id>/", views.wage_edit_view, name="wage_edit"),
    path("hardship/policies/", views.policies_view, name="policies"),
    path("hardship/policies/new/", views.policy_new_view, name="policy_new"),
    path("hardship/policies/<int:policy_id>/", views.policy_edit_view, name="policy_edit"),
]
