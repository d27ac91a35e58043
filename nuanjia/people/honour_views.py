"""Honour pages: record an honour on the worker's page, remove one recorded by mistake."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nuanjia.core.flash import attempt, saved

from . import queries, services
from .forms import HonourForm
from .views import _authorize_register, _business, _detail_context, _to_worker


@require_POST
@_business
def honour_new_view(request, worker_id: int):
    worker = queries.get_worker_for(request.user, worker_id, write=True)
    _authorize_register(request, "honour.add", worker.org)
    form = HonourForm(request.POST)
    if saved(
        request,
        form,
        lambda: services.add_honour(worker, by=request.user, **form.cleaned_data),
        _("The honour has been recorded."),
    ):
        return _to_worker(worker)
    return render(
        request, "people/worker_detail.html", _detail_context(request, worker, honour_form=form)
    )


@require_POST
@_business
def honour_remove_view(request, honour_id: int):
    honour = queries.get_honour_for(request.user, honour_id, write=True)
    worker = honour.worker
    _authorize_register(request, "honour.remove", worker.org)
    attempt(
        request,
        lambda: services.remove_honour(honour, by=request.user),
        _("The honour has been removed."),
    )
    return redirect("people:worker_detail", worker_id=worker.pk)
