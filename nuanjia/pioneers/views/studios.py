"""Innovation studio pages: the studios in scope, registering one, a studio's page (members,
projects and results, each added there), the alliances, setting one up and its page with the
studios that joined."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nuanjia.core.flash import saved
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import forms, queries, services
from .common import pick, workers_of


@requires(Perm.VIEW_BUSINESS)
def studio_list_view(request):
    page = queries.STUDIO_LIST.page(queries.visible_studios(request.user), request.GET)
    return render(request, "pioneers/studio_list.html", {
        "page": page, "may_add": services.may_manage(request.user, request.user.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def studio_new_view(request):
    org = request.user.org
    workers = workers_of(request.user, org)
    form = forms.StudioForm(request.POST or None, workers=workers)

    def create():
        data = dict(form.cleaned_data)
        data["leader"] = pick(workers, data["leader"])
        return services.create_studio(org, by=request.user, **data)

    studio = saved(request, form, create, _("The studio has been registered."))
    if studio is not None:
        return redirect("pioneers:studio", innovation_studio_id=studio.pk)
    return render(request, "pioneers/form.html", {"form": form,
                                                  "title": _("Register an innovation studio")})  # fmt: skip


def _studio_post(request, studio, workers, member, project, result):
    """The one form posted on a studio's page (`action`), saved; True when it was."""
    action = request.POST.get("action")
    done: object
    if action == "member":
        done = saved(request, member, lambda: services.add_member(
            studio, by=request.user, worker=pick(workers, member.cleaned_data["worker"]),
            role=member.cleaned_data["role"], joined_on=member.cleaned_data["joined_on"],
        ), _("The member has been added."))  # fmt: skip
    elif action == "project":
        done = saved(request, project, lambda: services.add_project(
            studio, by=request.user, **project.cleaned_data), _("The project has been added."))  # fmt: skip
    else:

        def add():
            data = dict(result.cleaned_data)
            data["savings_fen"] = int((data.pop("savings_yuan") or Decimal(0)) * 100)
            return services.add_result(studio, by=request.user, **data)

        done = saved(request, result, add, _("The result has been recorded."))
    return done is not None


@requires(Perm.VIEW_BUSINESS)
def studio_detail_view(request, innovation_studio_id: int):
    studio = queries.get_studio_for(request.user, innovation_studio_id)
    workers = workers_of(request.user, studio.org)
    action = request.POST.get("action") if request.method == "POST" else None
    member = forms.MemberForm(request.POST if action == "member" else None, workers=workers)
    project = forms.ProjectForm(request.POST if action == "project" else None)
    result = forms.StudioResultForm(request.POST if action == "result" else None)
    if request.method == "POST":
        studio = queries.get_studio_for(request.user, innovation_studio_id, write=True)
        if _studio_post(request, studio, workers, member, project, result):
            return redirect("pioneers:studio", innovation_studio_id=studio.pk)
    return render(request, "pioneers/studio_detail.html", {
        "studio": studio, "member_form": member, "project_form": project, "result_form": result,
        "members": studio.members.select_related("worker"), "projects": studio.projects.all(),
        "results": studio.results.select_related("project"),
        "alliances": studio.memberships.select_related("alliance"),
        "may_change": services.may_manage(request.user, studio.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def alliance_list_view(request):
    page = queries.ALLIANCE_LIST.page(queries.visible_alliances(request.user), request.GET)
    return render(request, "pioneers/alliance_list.html", {
        "page": page, "may_add": services.may_manage(request.user, request.user.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def alliance_new_view(request):
    form = forms.AllianceForm(request.POST or None)
    alliance = saved(
        request, form,
        lambda: services.create_alliance(request.user.org, by=request.user, **form.cleaned_data),
        _("The alliance has been set up."),
    )  # fmt: skip
    if alliance is not None:
        return redirect("pioneers:alliance", studio_alliance_id=alliance.pk)
    return render(request, "pioneers/form.html", {"form": form,
                                                  "title": _("Set up a studio alliance")})  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def alliance_detail_view(request, studio_alliance_id: int):
    alliance = queries.get_alliance_for(request.user, studio_alliance_id)
    studios = list(queries.visible_studios(request.user).filter(
        org__path__startswith=alliance.org.path).order_by("name", "pk")[:300])  # fmt: skip
    form = forms.JoinForm(request.POST or None, studios=studios)
    if request.method == "POST":
        alliance = queries.get_alliance_for(request.user, studio_alliance_id, write=True)
        joined = saved(
            request, form,
            lambda: services.join_alliance(alliance, pick(studios, form.cleaned_data["studio"]),
                                           by=request.user),
            _("The studio has joined the alliance."),
        )  # fmt: skip
        if joined is not None:
            return redirect("pioneers:alliance", studio_alliance_id=alliance.pk)
    return render(request, "pioneers/alliance_detail.html", {
        "alliance": alliance, "form": form,
        "memberships": alliance.memberships.select_related("studio__org", "studio__leader"),
        "may_change": services.may_manage(request.user, alliance.org),
    })  # fmt: skip
