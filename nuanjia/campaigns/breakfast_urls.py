"""The free breakfasts' URLs: the shop's phone pages under /p/ and the staff counts, included
by campaigns.urls."""

from django.urls import path

from .views import breakfasts

urlpatterns: list = [
    path("p/campaigns/breakfast/", breakfasts.breakfast_scan_view, name="breakfast_scan"),
    path("p/campaigns/breakfast/paper/", breakfasts.breakfast_paper_view, name="breakfast_paper"),
    path(
        "p/campaigns/breakfast/paper/template.xlsx",
        breakfasts.breakfast_paper_template_view,
        name="breakfast_paper_template",
    ),
    path(
        "p/campaigns/breakfast/counts/",
        breakfasts.breakfast_shop_counts_view,
        name="breakfast_shop_counts",
    ),
    path(
        "campaigns/activities/<int:activity_id>/breakfasts/",
        breakfasts.breakfast_counts_view,
        name="breakfast_counts",
    ),
    path(
        "campaigns/activities/<int:activity_id>/breakfasts/rows/",
        breakfasts.breakfast_rows_view,
        name="breakfast_rows",
    ),
]
