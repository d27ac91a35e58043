from django.urls import path

from .rules import OrderStep
from .views import bags, figures, member, orders, point, producers

app_name = "produce"
urlpatterns = [
    path("produce/producers/", producers.producer_list_view, name="producers"),
    path("produce/producers/export.xlsx", producers.producer_export_view, name="producer_export"),
    path("produce/producers/new/", producers.producer_new_view, name="producer_new"),
    path("produce/producers/import/", producers.producer_import_view, name="producer_import"),
    path(
        "produce/producers/import/template.xlsx",
        producers.producer_import_template_view,
        name="producer_import_template",
    ),
    path(
        "produce/producers/import/errors/<str:import_token>/",
        producers.producer_import_errors_view,
        name="producer_import_errors",
    ),
    path("produce/producers/<int:producer_id>/", producers.producer_detail_view, name="producer"),
    path(
        "produce/producers/<int:producer_id>/edit/",
        producers.producer_edit_view,
        name="producer_edit",
    ),
    path("produce/counties/", producers.county_list_view, name="counties"),
    path("produce/orders/", orders.order_list_view, name="orders"),
    path("produce/orders/new/", orders.order_new_view, name="order_new"),
    path("produce/orders/limit/", orders.limit_view, name="limit"),
    path("produce/orders/<int:help_order_id>/", orders.order_detail_view, name="order"),
    *[
        path(
            f"produce/orders/<int:help_order_id>/{step.value}/",
            orders.order_step_view(step.value),
            name=f"order_{step.value}",
        )
        for step in OrderStep
    ],
    path(
        "produce/orders/<int:help_order_id>/destinations/",
        orders.order_destination_view,
        name="order_destination",
    ),
    path("produce/bags/", bags.bag_list_view, name="bags"),
    path("produce/bags/new/", bags.bag_new_view, name="bag_new"),
    path("produce/bags/<int:bag_id>/", bags.bag_detail_view, name="bag"),
    path("produce/bags/<int:bag_id>/edit/", bags.bag_edit_view, name="bag_edit"),
    path("produce/figures/", figures.figures_view, name="figures"),
    path("produce/figures/rows/", figures.figure_rows_view, name="figure_rows"),
    path("m/produce/bags/", member.my_bags_view, name="my_bags"),
    path("p/produce/orders/", point.point_orders_view, name="point_orders"),
]
