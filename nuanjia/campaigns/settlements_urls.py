"""The partner settlements' URLs (staff pages, and the partner's own under /p/), included by
campaigns.urls."""

from django.urls import path

from .views import settlements

urlpatterns: list = [
    path("campaigns/settlements/", settlements.settlement_list_view, name="settlements"),
    path("campaigns/settlements/new/", settlements.settlement_new_view, name="settlement_new"),
    path(
        "campaigns/settlements/<int:settlement_id>/",
        settlements.settlement_detail_view,
        name="settlement",
    ),
    path(
        "campaigns/settlements/<int:settlement_id>/rows.xlsx",
        settlements.settlement_export_view,
        name="settlement_export",
    ),
    path(
        "campaigns/settlements/<int:settlement_id>/approve/",
        settlements.settlement_approve_view,
        name="settlement_approve",
    ),
    path(
        "campaigns/settlements/<int:settlement_id>/cancel/",
        settlements.settlement_cancel_view,
        name="settlement_cancel",
    ),
    path(
        "p/campaigns/statements/",
        settlements.partner_statement_list_view,
        name="partner_statements",
    ),
    path(
        "p/campaigns/statements/<int:settlement_id>/",
        settlements.partner_statement_view,
        name="partner_statement",
    ),
]
