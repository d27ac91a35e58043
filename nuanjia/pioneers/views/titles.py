"""工人先锋号 pages: the teams in scope, registering one, a team's page with its titles and
the nomination, the nominations and titles with their queue filter, and a title's page with
the steps the viewer may take (review and publicity, award, refusal, annual review,
revocation)."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from nuanjia.core.flash import saved
from nuanjia.core.listexport import ListExport, column
from nuanjia.core.workflow_pages import StepPage, offered_pages, run_step_button, step_pages
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import forms, queries, services
from ..rules import TitleStatus, TitleStep
from ..workflow import TITLE_FLOW
from .common import employers_of, pick, workers_of


@requires(Perm.VIEW_BUSINESS)
def team_list_view(request):
    teams = queries.visible_teams(request.user)
    if query := request.GET.get("q", "").strip():
        teams = teams.filter(name__icontains=query)
    page = queries.TEAM_LIST.page(teams, request.GET)
    return render(request, "pioneers/team_list.html", {
        "page": page, "q": query, "may_add": services.may_manage(request.user, request.user.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def team_new_view(request):
    org = request.user.org
    employers, workers = list(employers_of(org)), workers_of(request.user, org)
    form = forms.TeamForm(request.POST or None, employers=employers, workers=workers)

    def create():
        data = dict(form.cleaned_data)
        data["employer"] = pick(employers, data["employer"])
        data["leader"] = pick(workers, data["leader"])
        return services.create_team(org, by=request.user, **data)

    team = saved(request, form, create, _("The team has been registered."))
    if team is not None:
        return redirect("pioneers:team", pioneer_team_id=team.pk)
    return render(request, "pioneers/form.html", {"form": form, "title": _("Register a team")})


@requires(Perm.VIEW_BUSINESS)
def team_detail_view(request, pioneer_team_id: int):
    team = queries.get_team_for(request.user, pioneer_team_id)
    form = forms.NominationForm(
        request.POST or None, initial={"year_nominated": timezone.localdate().year}
    )
    if request.method == "POST":
        team = queries.get_team_for(request.user, pioneer_team_id, write=True)
        title = saved(
            request, form,
            lambda: services.nominate(team, by=request.user, **form.cleaned_data),
            _("The team has been nominated."),
        )  # fmt: skip
        if title is not None:
            return redirect("pioneers:title", pioneer_title_id=title.pk)
    titles = queries.visible_titles(request.user).filter(team=team).order_by("-id")
    return render(request, "pioneers/team_detail.html", {
        "team": team, "titles": titles, "form": form,
        "may_nominate": services.may_manage(request.user, team.org)
        and request.user.org_id == team.org_id,
        "entries": team.entries.select_related("competition").order_by("-id")[:50],
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def title_list_view(request):
    titles, status = _filtered_titles(request)
    page = queries.TITLE_LIST.page(titles, request.GET)
    return render(request, "pioneers/title_list.html", {
        "page": page, "statuses": TitleStatus.choices, "chosen": status,
    })  # fmt: skip


# 工人先锋号 register (命名名单), as unions keep it in a spreadsheet
TITLE_EXPORT = ListExport("pioneers.titles", _lazy("Worker Pioneer titles"), (
    column(_lazy("Number"), "pk"), column(_lazy("Team"), "team.name"),
    column(_lazy("Union"), "org.name"), column(_lazy("Year nominated"), "year"),
    column(_lazy("Status"), "get_status_display"), column(_lazy("Level"), "get_level_display"),
    column(_lazy("Year awarded"), "award_year"),
    column(_lazy("Certificate number"), "certificate_number"),
    column(_lazy("Awarding union"), "awarding_org.name"),
))  # fmt: skip


def _filtered_titles(request):
    titles = queries.visible_titles(request.user)
    status = request.GET.get("status", "")
    if status in TitleStatus.values:
        titles = titles.filter(status=status)
    return titles, status


@requires(Perm.VIEW_BUSINESS)
def title_export_view(request):
    titles, status = _filtered_titles(request)
    rows = queries.TITLE_LIST.ordered(
        titles.select_related("team", "org", "awarding_org"), request.GET.get("sort")
    )
    return TITLE_EXPORT.download(request, rows, {"status": status})


TITLE_STEPS = step_pages(
    [
        StepPage(TITLE_FLOW, TitleStep.REVIEW, forms.ReviewForm),
        StepPage(TITLE_FLOW, TitleStep.AWARD, forms.AwardForm),
        StepPage(TITLE_FLOW, TitleStep.PASS_REVIEW, forms.AnnualReviewForm),
        StepPage(TITLE_FLOW, TitleStep.REFUSE, forms.ReasonForm, is_danger=True),
        StepPage(TITLE_FLOW, TitleStep.REVOKE, forms.ReasonForm, is_danger=True),
    ]
)


@requires(Perm.VIEW_BUSINESS)
def title_detail_view(request, pioneer_title_id: int):
    title = queries.get_title_for(request.user, pioneer_title_id)
    offered = offered_pages(
        TITLE_STEPS, title, request.user,
        available=lambda obj, spec: spec.name != TitleStep.PASS_REVIEW or services.review_due(obj),
    )  # fmt: skip
    if request.user.org_id == title.org_id:
        offered = []  # the team's own union never reviews its nomination
    year = timezone.localdate().year
    steps = [(page, page.form(initial={"award_year": year, "review_year": year}))
             for page in offered]  # fmt: skip
    return render(request, "pioneers/title_detail.html", {
        "title": title, "events": title.events.select_related("by"), "steps": steps,
    })  # fmt: skip


def title_step_view(step: str):
    @requires(Perm.VIEW_BUSINESS)
    @require_POST
    def view(request, pioneer_title_id: int):
        title = queries.get_title_for(request.user, pioneer_title_id, write=True)
        return run_step_button(
            request, TITLE_STEPS[step], title,
            back=lambda: redirect("pioneers:title", pioneer_title_id=title.pk),
        )  # fmt: skip

    view.__name__ = f"title_{step}_view"
    return view
