from django.urls import path

from .rules import TitleStep
from .views import competitions, studios, titles

app_name = "pioneers"
urlpatterns = [
    path("pioneers/teams/", titles.team_list_view, name="teams"),
    path("pioneers/teams/new/", titles.team_new_view, name="team_new"),
    path("pioneers/teams/<int:pioneer_team_id>/", titles.team_detail_view, name="team"),
    path("pioneers/titles/", titles.title_list_view, name="titles"),
    path("pioneers/titles/export.xlsx", titles.title_export_view, name="title_export"),
    path("pioneers/titles/<int:pioneer_title_id>/", titles.title_detail_view, name="title"),
    *[
        path(
            f"pioneers/titles/<int:pioneer_title_id>/{step.value.replace('_', '-')}/",
            titles.title_step_view(step.value),
            name=f"title_{step.value}",
        )
        for step in TitleStep
    ],
    path("pioneers/competitions/", competitions.competition_list_view, name="competitions"),
    path("pioneers/competitions/new/", competitions.competition_new_view, name="competition_new"),
    path(
        "pioneers/competitions/<int:labour_competition_id>/",
        competitions.competition_detail_view,
        name="competition",
    ),
    path(
        "pioneers/competitions/<int:labour_competition_id>/results.xlsx",
        competitions.results_export_view,
        name="results_export",
    ),
    path(
        "pioneers/competitions/<int:labour_competition_id>/import/",
        competitions.results_import_view,
        name="results_import",
    ),
    path(
        "pioneers/entries/<int:competition_entry_id>/result/",
        competitions.entry_result_view,
        name="entry_result",
    ),
    path(
        "pioneers/results/template.xlsx",
        competitions.results_template_view,
        name="results_template",
    ),
    path(
        "pioneers/results/errors/<str:import_token>/",
        competitions.results_import_errors_view,
        name="results_import_errors",
    ),
    path("pioneers/studios/", studios.studio_list_view, name="studios"),
    path("pioneers/studios/new/", studios.studio_new_view, name="studio_new"),
    path("pioneers/studios/<int:innovation_studio_id>/", studios.studio_detail_view, name="studio"),
    path("pioneers/alliances/", studios.alliance_list_view, name="alliances"),
    path("pioneers/alliances/new/", studios.alliance_new_view, name="alliance_new"),
    path(
        "pioneers/alliances/<int:studio_alliance_id>/",
        studios.alliance_detail_view,
        name="alliance",
    ),
]
