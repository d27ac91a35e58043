"""Skill contest and craftsman academy pages: contests in scope, setting one up, a contest's
entrants with their scores and awards (and its results as Excel), academies with their
teachers and training bases."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from nuanjia.core.flash import saved
from nuanjia.core.listexport import ListExport, column
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import forms, queries, services
from ..services.common import worker_named

RESULTS_EXPORT = ListExport("skills.contest_results", _lazy("Contest results"), (
    column(_lazy("Rank"), "rank"), column("姓名", "worker.name"),
    column(_lazy("Score"), "score"), column(_lazy("Award"), "prize"),
    column(_lazy("Contest"), "contest.name"), column(_lazy("Trade"), "contest.trade"),
))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def contest_list_view(request):
    return render(request, "skills/contest_list.html", {
        "rows": queries.visible_contests(request.user)[:200],
        "may_add": services.may_manage(request.user, request.user.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def contest_new_view(request):
    form = forms.ContestForm(request.POST or None)
    contest = saved(
        request, form,
        lambda: services.create_contest(request.user.org, by=request.user, **form.cleaned_data),
        _("The contest has been set up."),
    )  # fmt: skip
    if contest is not None:
        return redirect("skills:contest", sk_contest_id=contest.pk)
    return render(request, "skills/form.html", {"form": form, "title": _("Set up a skill contest")})


@requires(Perm.VIEW_BUSINESS)
def contest_detail_view(request, sk_contest_id: int):
    contest = queries.get_contest_for(request.user, sk_contest_id)
    form = forms.WorkerForm(request.POST or None)
    if request.method == "POST":
        contest = queries.get_contest_for(request.user, sk_contest_id, write=True)
        done = saved(request, form, lambda: services.add_entrant(contest, worker_named(
            contest.org, form.cleaned_data["id_number"], form.cleaned_data["name"]), by=request.user),
            _("The entrant has been added."))  # fmt: skip
        if done is not None:
            return redirect("skills:contest", sk_contest_id=contest.pk)
    entrants = queries.visible_entrants(request.user).filter(contest=contest)
    return render(request, "skills/contest_detail.html", {
        "contest": contest, "form": form, "entrants": entrants.order_by("rank", "pk")[:1000],
        "may_change": services.may_manage(request.user, contest.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def entrant_result_view(request, sk_entrant_id: int):
    entrant = queries.get_entrant_for(request.user, sk_entrant_id)
    form = forms.ResultForm(request.POST or None, initial={
        "score_value": entrant.score, "rank": entrant.rank, "prize": entrant.prize,
    })  # fmt: skip
    if request.method == "POST":
        entrant = queries.get_entrant_for(request.user, sk_entrant_id, write=True)
        done = saved(request, form, lambda: services.record_result(
            entrant, by=request.user, **form.cleaned_data), _("The result has been recorded."))  # fmt: skip
        if done is not None:
            return redirect("skills:contest", sk_contest_id=entrant.contest_id)
    title = _("Result of %(name)s") % {"name": entrant.worker.name}
    return render(request, "skills/form.html", {"form": form, "title": title})


@requires(Perm.VIEW_BUSINESS)
def contest_results_view(request, sk_contest_id: int):
    contest = queries.get_contest_for(request.user, sk_contest_id)
    rows = queries.visible_entrants(request.user).filter(contest=contest).order_by("rank", "pk")
    return RESULTS_EXPORT.download(request, rows, {"contest": contest.name})


@requires(Perm.VIEW_BUSINESS)
def academy_list_view(request):
    form = forms.AcademyForm(request.POST or None)
    academy = saved(
        request, form,
        lambda: services.create_academy(request.user.org, by=request.user, **form.cleaned_data),
        _("The academy has been set up."),
    )  # fmt: skip
    if academy is not None:
        return redirect("skills:academy", sk_academy_id=academy.pk)
    return render(request, "skills/academy_list.html", {
        "rows": queries.visible_academies(request.user)[:200], "form": form,
        "may_add": services.may_manage(request.user, request.user.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def academy_detail_view(request, sk_academy_id: int):
    academy = queries.get_academy_for(request.user, sk_academy_id)
    teacher_form = forms.TeacherForm(request.POST or None, prefix="teacher")
    base_form = forms.BaseForm(request.POST or None, prefix="base")
    if request.method == "POST":
        academy = queries.get_academy_for(request.user, sk_academy_id, write=True)
        if "base-name" in request.POST:
            done = saved(request, base_form, lambda: services.add_base(
                academy, by=request.user, **base_form.cleaned_data), _("The base has been added."))  # fmt: skip
        else:
            done = saved(request, teacher_form, lambda: _add_teacher(request, academy, teacher_form),
                         _("The teacher has been added."))  # fmt: skip
        if done is not None:
            return redirect("skills:academy", sk_academy_id=academy.pk)
    return render(request, "skills/academy_detail.html", {
        "academy": academy, "teachers": academy.teachers.all(), "bases": academy.bases.all(),
        "teacher_form": teacher_form, "base_form": base_form,
        "may_change": services.may_manage(request.user, academy.org),
    })  # fmt: skip


def _add_teacher(request, academy, form):
    data = dict(form.cleaned_data)
    number = data.pop("id_number")
    worker = worker_named(academy.org, number, data["name"]) if number else None
    return services.add_teacher(academy, by=request.user, worker=worker, **data)
