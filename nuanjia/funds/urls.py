from django.urls import path

from nuanjia.core.db_router import replica_reads

from . import views

app_name = "funds"
urlpatterns = [
    path("funds/", views.ledger_view, name="ledger"),
    path("funds/orgs/<int:org_id>/", views.ledger_view, name="org_ledger"),
    path("funds/orgs/<int:org_id>/figure/", replica_reads(views.figure_view), name="figure"),
    path("funds/accounts/<int:account_id>/", views.account_view, name="account"),
    path("funds/transactions/", views.transaction_list_view, name="transactions"),
    path(
        "funds/transactions/export.xlsx",
        views.transaction_export_view,
        name="transactions_export",
    ),
    path(
        "funds/transactions/<int:transaction_id>/",
        views.transaction_detail_view,
        name="transaction",
    ),
    path("funds/transactions/<int:transaction_id>/voucher/", views.voucher_view, name="voucher"),
    path("funds/transactions/<int:transaction_id>/reverse/", views.reverse_view, name="reverse"),
    path("funds/receive/", views.receive_view, name="receive"),
    path("funds/allocate/", views.allocate_view, name="allocate"),
    path("funds/allocate/import/", views.allocation_import_view, name="allocation_import"),
    path("funds/allocate/template/", views.allocation_template_view, name="allocation_template"),
    path("funds/return/", views.return_view, name="return"),
    path("funds/close/", views.close_period_view, name="close_period"),
]
