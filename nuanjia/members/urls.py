from django.urls import path

from . import data_views, partner_staff_views, partner_views, staff_views, views

app_name = "members"
urlpatterns = [
    path("m/", views.home_view, name="home"),
    path("m/sign-in/", views.sign_in_view, name="sign_in"),
    path("m/privacy/", views.privacy_view, name="privacy"),
    path("m/me/", views.identify_view, name="identify"),
    path("m/join/", views.join_view, name="join"),
    path("m/join/<int:join_id>/withdraw/", views.withdraw_join_view, name="withdraw_join"),
    path("m/card/", views.card_view, name="card"),
    path("m/messages/", views.messages_view, name="messages"),
    path("m/devices/", views.devices_view, name="devices"),
    path("m/partners/", views.partner_consents_view, name="partner_consents"),
    path("m/data/", data_views.my_data_view, name="my_data"),
    path("m/data/my-data.xlsx", data_views.my_data_download_view, name="my_data_download"),
    path("m/recheck/", data_views.recheck_view, name="recheck"),
    # A partner's people (合作机构端).
    path("p/", partner_views.partner_home_view, name="partner_home"),
    path("p/sign-in/", partner_views.partner_sign_in_view, name="partner_sign_in"),
    path("p/scans/", partner_views.partner_scans_view, name="partner_scans"),
    path("p/sign-out/", partner_views.partner_sign_out_view, name="partner_sign_out"),
    # Staff: the queues of bindings and joins, and the join figures.
    path("members/joins/", staff_views.join_list_view, name="join_list"),
    path("members/joins/export.xlsx", staff_views.join_export_view, name="join_export"),
    *staff_views.JOIN_QUEUE.record_urls(),
    path("members/joins/figures/", staff_views.join_figures_view, name="join_figures"),
    path("members/partners/", partner_staff_views.partner_list_view, name="partner_list"),
    path(
        "members/partners/<int:partner_id>/",
        partner_staff_views.partner_detail_view,
        name="partner_detail",
    ),
    path(
        "members/partners/<int:partner_id>/outlets/",
        partner_staff_views.partner_outlet_add_view,
        name="partner_outlet_add",
    ),
    path(
        "members/partners/<int:partner_id>/people/",
        partner_staff_views.partner_user_add_view,
        name="partner_user_add",
    ),
    path(
        "members/partner-people/<int:partner_user_id>/active/",
        partner_staff_views.partner_user_stop_view,
        name="partner_user_stop",
    ),
    *data_views.DATA_QUEUE.urls(),
    *staff_views.BINDING_QUEUE.urls(),
]
