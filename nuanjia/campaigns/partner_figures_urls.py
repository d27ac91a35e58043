"""The partner programmes' figures pages (views/partner_figures.py)."""

from django.urls import path

from .views import partner_figures

urlpatterns = [
    path(
        "campaigns/activities/<int:activity_id>/partner-figures/",
        partner_figures.partner_figures_view,
        name="partner_figures",
    ),
    path(
        "campaigns/activities/<int:activity_id>/partner-figures/rows/",
        partner_figures.partner_figure_rows_view,
        name="partner_figure_rows",
    ),
    path(
        "campaigns/activities/<int:activity_id>/partner-figures/money/",
        partner_figures.partner_money_view,
        name="partner_money",
    ),
    path(
        "campaigns/activities/<int:activity_id>/partner-figures/money/rows/",
        partner_figures.partner_money_rows_view,
        name="partner_money_rows",
    ),
]
