"""Village bases (乡村振兴劳模出彩): the bases in scope, recording one, a base's page (what it
brought, its pairings, a pairing added), a pairing with a hardship family, and a pairing's
page with its visits."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import attempt, saved
from nuanjia.hardship.queries import visible_files
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm
from nuanjia.people.models import Worker

from .. import forms, queries, services
from ..rules import HELP_KIND


def honoured_workers(user, kinds=None):
    """The workers of the register in scope (劳模 only when `kinds` says so), for a choice."""
    rows = queries.visible_register(user)
    if kinds is not None:
        rows = rows.filter(kind__in=kinds)
    ids = rows.values("worker_id")
    return list(
        Worker.objects.filter(pk__in=ids).select_related("org").order_by("name", "pk")[:500]
    )


def _worker(form, workers):
    chosen = {str(w.pk): w for w in workers}.get(form.cleaned_data["worker"])
    if chosen is None:
        raise RuleViolation(_("Choose a model worker."), field="worker")
    return chosen


@requires(Perm.VIEW_BUSINESS)
def base_list_view(request):
    bases = queries.visible_bases(request.user)
    page = queries.BASE_LIST.page(bases, request.GET)
    return render(request, "modelworkers/base_list.html", {
        "page": page, "query": page.query,
        "may_add": services.may_manage(request.user, request.user.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def base_new_view(request):
    workers = honoured_workers(request.user)
    form = forms.BaseForm(request.POST or None, workers=workers)

    def add():
        data = dict(form.cleaned_data)
        data["worker"] = _worker(form, workers)
        return services.add_base(request.user.org, by=request.user, **data)

    base = saved(request, form, add, _("The village base has been recorded."))
    if base is not None:
        return redirect("modelworkers:base", mw_base_id=base.pk)
    return render(
        request, "modelworkers/form.html", {"form": form, "title": _("Record a village base")}
    )


@requires(Perm.VIEW_BUSINESS)
def base_detail_view(request, mw_base_id: int):
    base = queries.get_base_for(request.user, mw_base_id)
    change = forms.BaseChangeForm(request.POST or None, initial={"technology": base.technology})
    if request.method == "POST":
        base = queries.get_base_for(request.user, mw_base_id, write=True)
        if request.POST.get("action") == "pair":
            return _pair_village(request, base)
        changed = saved(
            request, change,
            lambda: services.change_base(base, by=request.user, **change.cleaned_data),
            _("The base has been changed."),
        )  # fmt: skip
        if changed is not None:
            return redirect("modelworkers:base", mw_base_id=base.pk)
    return render(request, "modelworkers/base_detail.html", {
        "base": base, "change": change, "pairings": base.pairings.select_related("worker"),
        "may_change": services.may_manage(request.user, base.org),
    })  # fmt: skip


def _pair_village(request, base):
    attempt(
        request,
        lambda: services.add_pairing(
            base.org, by=request.user, worker=base.worker, base=base,
            starts_on=request.POST.get("starts_on"), note=request.POST.get("note", ""),
        ),
        _("The pairing has been recorded."),
    )  # fmt: skip
    return redirect("modelworkers:base", mw_base_id=base.pk)


@requires(Perm.VIEW_BUSINESS)
def pairing_new_view(request):
    """A model worker paired with a hardship family (its file's number)."""
    workers = honoured_workers(request.user)
    form = forms.PairingForm(request.POST or None, workers=workers)

    def add():
        data = dict(form.cleaned_data)
        data["worker"] = _worker(form, workers)
        number = data.pop("hardship_file")
        found = visible_files(request.user).filter(pk=number).first() if number else None
        if found is None:
            raise RuleViolation(_("No hardship file of that number is in your scope."),
                                field="hardship_file")  # fmt: skip
        return services.add_pairing(request.user.org, by=request.user, hardship_file=found, **data)

    pairing = saved(request, form, add, _("The pairing has been recorded."))
    if pairing is not None:
        return redirect("modelworkers:pairing", mw_pairing_id=pairing.pk)
    pairings = queries.visible_pairings(request.user).order_by("-starts_on", "-pk")[:100]
    return render(request, "modelworkers/pairings.html", {"form": form, "pairings": pairings,
                                                          "help_kind": HELP_KIND})  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def pairing_detail_view(request, mw_pairing_id: int):
    pairing = queries.get_pairing_for(request.user, mw_pairing_id)
    form = forms.VisitForm(request.POST or None)
    if request.method == "POST":
        pairing = queries.get_pairing_for(request.user, mw_pairing_id, write=True)
        visit = saved(
            request, form,
            lambda: services.add_visit(pairing, by=request.user, **form.cleaned_data),
            _("The visit has been recorded."),
        )  # fmt: skip
        if visit is not None:
            return redirect("modelworkers:pairing", mw_pairing_id=pairing.pk)
    return render(request, "modelworkers/pairing_detail.html", {
        "pairing": pairing, "visits": pairing.visits.all(), "form": form,
        "may_change": services.may_manage(request.user, pairing.org),
    })  # fmt: skip
