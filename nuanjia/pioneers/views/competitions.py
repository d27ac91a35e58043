"""Labour competition pages: the competitions in scope, setting one up, a competition's page
(teams entered with their results, entering a team, a result), and the results sheet in
(all-or-nothing, errors by row and column) and out."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nuanjia.core.flash import saved
from nuanjia.core.imports import ImportForm, imported_context, owned_error_sheet, template_response
from nuanjia.orgs.permissions import deny, requires
from nuanjia.orgs.rules import Perm

from .. import forms, queries, services
from ..imports_results import RESULTS_EXPORT, RESULTS_SHEET, import_results, write_results_template
from .common import pick


@requires(Perm.VIEW_BUSINESS)
def competition_list_view(request):
    page = queries.COMPETITION_LIST.page(queries.visible_competitions(request.user), request.GET)
    return render(request, "pioneers/competition_list.html", {
        "page": page, "may_add": services.may_manage(request.user, request.user.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def competition_new_view(request):
    form = forms.CompetitionForm(request.POST or None)
    competition = saved(
        request, form,
        lambda: services.create_competition(request.user.org, by=request.user, **form.cleaned_data),
        _("The competition has been set up."),
    )  # fmt: skip
    if competition is not None:
        return redirect("pioneers:competition", labour_competition_id=competition.pk)
    return render(request, "pioneers/form.html", {"form": form,
                                                  "title": _("Set up a labour competition")})  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def competition_detail_view(request, labour_competition_id: int):
    competition = queries.get_competition_for(request.user, labour_competition_id)
    teams = list(queries.visible_teams(request.user).filter(
        org__path__startswith=competition.org.path).order_by("name", "pk")[:300])  # fmt: skip
    form = forms.EntryForm(request.POST or None, teams=teams)
    if request.method == "POST":
        competition = queries.get_competition_for(request.user, labour_competition_id, write=True)
        entry = saved(
            request, form,
            lambda: services.enter_team(competition, by=request.user,
                                        team=pick(teams, form.cleaned_data["team"]),
                                        name=form.cleaned_data["name"]),
            _("The team has been entered."),
        )  # fmt: skip
        if entry is not None:
            return redirect("pioneers:competition", labour_competition_id=competition.pk)
    return render(request, "pioneers/competition_detail.html", {
        "competition": competition, "form": form,
        "entries": queries.visible_entries(request.user).filter(competition=competition)
        .order_by("rank", "name", "pk"),
        "may_change": services.may_manage(request.user, competition.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_POST
def entry_result_view(request, competition_entry_id: int):
    entry = queries.get_entry_for(request.user, competition_entry_id, write=True)
    form = forms.ResultForm(request.POST)
    saved(request, form,
          lambda: services.record_result(entry, by=request.user, **form.cleaned_data),
          _("The result has been recorded."))  # fmt: skip
    for errors in form.errors.values():
        messages.error(request, " ".join(str(error) for error in errors))
    return redirect("pioneers:competition", labour_competition_id=entry.competition_id)


@requires(Perm.VIEW_BUSINESS)
def results_export_view(request, labour_competition_id: int):
    competition = queries.get_competition_for(request.user, labour_competition_id)
    entries = queries.visible_entries(request.user).filter(competition=competition)
    return RESULTS_EXPORT.download(request, entries.order_by("rank", "name", "pk"),
                                   {"competition": competition.name})  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def results_import_view(request, labour_competition_id: int):
    competition = queries.get_competition_for(request.user, labour_competition_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": RESULTS_SHEET.columns, "competition": competition}
    if request.method == "POST":
        competition = queries.get_competition_for(request.user, labour_competition_id, write=True)
        if not services.may_manage(request.user, competition.org):
            deny(request.user, "pioneers.results.import", request.path)
        context |= imported_context(
            request, form,
            lambda upload, **how: import_results(competition, upload, by=request.user, **how),
        )  # fmt: skip
    return render(request, "pioneers/results_import.html", context)


@requires(Perm.VIEW_BUSINESS)
@require_GET
def results_import_errors_view(request, import_token: str):
    return owned_error_sheet(request, import_token, filename="竞赛成绩导入错误.xlsx",
                             what="competition results import error sheet")  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_GET
def results_template_view(request):
    return template_response(write_results_template, filename="竞赛成绩导入模板.xlsx")
