from django.urls import path

from . import honour_views, views

app_name = "people"
urlpatterns = [
    path("people/workers/", views.worker_list_view, name="worker_list"),
    path("people/workers/new/", views.worker_new_view, name="worker_new"),
    path("people/workers/<int:worker_id>/", views.worker_detail_view, name="worker_detail"),
    path("people/workers/<int:worker_id>/edit/", views.worker_edit_view, name="worker_edit"),
    path("people/workers/<int:worker_id>/reveal/", views.worker_reveal_view, name="worker_reveal"),
    path("people/workers/<int:worker_id>/consents/", views.consent_new_view, name="consent_new"),
    path(
        "people/workers/<int:worker_id>/consents/withdraw/",
        views.consent_withdraw_view,
        name="consent_withdraw",
    ),
    path(
        "people/workers/<int:worker_id>/honours/",
        honour_views.honour_new_view,
        name="honour_new",
    ),
    path(
        "people/honours/<int:honour_id>/remove/",
        honour_views.honour_remove_view,
        name="honour_remove",
    ),
    path("people/workers/<int:worker_id>/household/", views.household_view, name="household"),
    path("people/workers/<int:worker_id>/members/new/", views.member_new_view, name="member_new"),
    path("people/members/<int:member_id>/edit/", views.member_edit_view, name="member_edit"),
    path("people/members/<int:member_id>/remove/", views.member_remove_view, name="member_remove"),
    path("people/transfers/", views.transfer_list_view, name="transfer_list"),
    path("people/transfers/request/", views.transfer_request_view, name="transfer_request"),
    path(
        "people/transfers/<int:transfer_id>/accept/",
        views.transfer_accept_view,
        name="transfer_accept",
    ),
    path(
        "people/transfers/<int:transfer_id>/decline/",
        views.transfer_decline_view,
        name="transfer_decline",
    ),
    path("people/duplicates/", views.duplicate_list_view, name="duplicate_list"),
    path(
        "people/duplicates/<int:candidate_id>/",
        views.duplicate_detail_view,
        name="duplicate_detail",
    ),
    path(
        "people/duplicates/<int:candidate_id>/merge/",
        views.duplicate_merge_view,
        name="duplicate_merge",
    ),
    path(
        "people/duplicates/<int:candidate_id>/keep-apart/",
        views.duplicate_keep_apart_view,
        name="duplicate_keep_apart",
    ),
    path(
        "people/duplicates/<int:candidate_id>/unmerge/",
        views.duplicate_unmerge_view,
        name="duplicate_unmerge",
    ),
]
