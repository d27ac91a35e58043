"""The partner programmes' figures pages (views/partner_figures.py), read from the read
replica when there is one (core.db_router)."""

from django.urls import path

from nuanjia.core.db_router import replica_reads

from .views import partner_figures

urlpatterns = [
    path(
        "campaigns/activities/<int:activity_id>/partner-figures/",
        replica_reads(partner_figures.partner_figures_view),
        name="partner_figures",
    ),
    path(
        "campaigns/activities/<int:activity_id>/partner-figures/rows/",
        replica_reads(partner_figures.partner_figure_rows_view),
        name="partner_figure_rows",
    ),
    path(
        "campaigns/activities/<int:activity_id>/partner-figures/money/",
        replica_reads(partner_figures.partner_money_view),
        name="partner_money",
    ),
    path(
        "campaigns/activities/<int:activity_id>/partner-figures/money/rows/",
        replica_reads(partner_figures.partner_money_rows_view),
        name="partner_money_rows",
    ),
]
