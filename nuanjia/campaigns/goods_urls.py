"""The goods pages' URLs (stock, purchases, hand-outs), included by campaigns.urls."""

from django.urls import path

from .views import goods, goods_handouts

urlpatterns: list = [
    path("campaigns/stock/", goods.stock_list_view, name="stock"),
    path("campaigns/stock/export.xlsx", goods.stock_export_view, name="stock_export"),
    path("campaigns/stock/<int:stock_id>/", goods.stock_moves_view, name="stock_moves"),
    path("campaigns/stock/donations/new/", goods.donation_new_view, name="donation_new"),
    path("campaigns/stock/allocate/", goods.allocate_view, name="stock_allocate"),
    path("campaigns/goods/items/", goods.item_list_view, name="goods_items"),
    path("campaigns/purchases/", goods.purchase_list_view, name="purchases"),
    path("campaigns/purchases/new/", goods.purchase_new_view, name="purchase_new"),
    path("campaigns/purchases/<int:purchase_id>/", goods.purchase_detail_view, name="purchase"),
    path(
        "campaigns/purchases/<int:purchase_id>/approve/",
        goods.purchase_approve_view,
        name="purchase_approve",
    ),
    path(
        "campaigns/purchases/<int:purchase_id>/cancel/",
        goods.purchase_cancel_view,
        name="purchase_cancel",
    ),
    path(
        "campaigns/activities/<int:activity_id>/handouts/",
        goods_handouts.handout_list_view,
        name="handouts",
    ),
    path(
        "campaigns/activities/<int:activity_id>/handouts/export.xlsx",
        goods_handouts.handout_export_view,
        name="handouts_export",
    ),
    path(
        "campaigns/activities/<int:activity_id>/handouts/new/",
        goods_handouts.handout_new_view,
        name="handout_new",
    ),
    path(
        "campaigns/handouts/<int:handout_id>/return/",
        goods_handouts.handout_return_view,
        name="handout_return",
    ),
    path(
        "campaigns/handouts/<int:handout_id>/signed-list/",
        goods_handouts.handout_signed_list_view,
        name="handout_signed_list",
    ),
]
