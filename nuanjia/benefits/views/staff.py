"""The staff pages of member benefits: the merchants' terms and offers of the viewer's
subtree (new and changed; an offer is switched off, never deleted, once used), the uses
(redemptions) of the subtree's members with filters and Excel, the reviewers' queue of
suspicious-use flags with their steps."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from nuanjia.core.flash import saved
from nuanjia.core.listexport import ListExport, column, day, money
from nuanjia.core.masking import mask_name
from nuanjia.core.workflow_pages import StepPage, offered_pages, run_step_button, step_pages
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import visible_orgs
from nuanjia.orgs.rules import Perm

from .. import queries
from ..forms import OfferForm, TermsForm, offer_initial, terms_initial
from ..rules import FlagStatus, FlagStep
from ..services import offers
from ..workflow import FLAG_FLOW

PAGE_SIZE = 50


@requires(Perm.VIEW_BUSINESS)
def offers_view(request: Any) -> Any:
    """The subtree's merchants (terms) and their offers."""
    return render(
        request,
        "benefits/staff/offers.html",
        {
            "terms": queries.visible_terms(request.user).order_by("partner__name"),
            "offers": queries.visible_offers(request.user).order_by("partner__name", "name"),
        },
    )


def _terms_form(request: Any, initial: dict[str, Any] | None = None) -> TermsForm:
    return TermsForm(request.POST or None, initial=initial,
                     merchants=queries.visible_merchants(request.user),
                     orgs=visible_orgs(request.user))  # fmt: skip


def _save_terms(request: Any, form: TermsForm) -> Any:
    data = dict(form.cleaned_data)
    partner = data.pop("partner")
    return offers.save_terms(partner, by=request.user, **data)


@requires(Perm.VIEW_BUSINESS)
def terms_new_view(request: Any) -> Any:
    form = _terms_form(request)
    done = saved(request, form, lambda: _save_terms(request, form), _("The terms are saved."))
    if done is not None:
        return redirect("benefits:offers")
    return render(request, "benefits/staff/form.html",
                  {"form": form, "title": _("Merchant terms")})  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def terms_edit_view(request: Any, terms_id: int) -> Any:
    terms = queries.get_terms_for(request.user, terms_id, write=request.method == "POST")
    form = _terms_form(request, terms_initial(terms))
    done = saved(request, form, lambda: _save_terms(request, form), _("The terms are saved."))
    if done is not None:
        return redirect("benefits:offers")
    return render(request, "benefits/staff/form.html",
                  {"form": form, "title": terms.partner.name})  # fmt: skip


def _offer_form(request: Any, initial: dict[str, Any] | None = None) -> OfferForm:
    return OfferForm(request.POST or None, initial=initial,
                     terms=queries.visible_terms(request.user),
                     orgs=visible_orgs(request.user))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def offer_new_view(request: Any) -> Any:
    form = _offer_form(request)
    done = saved(
        request, form,
        lambda: offers.save_offer(form.cleaned_data["terms"], by=request.user,
                                  **form.service_fields()),
        _("The offer is saved."),
    )  # fmt: skip
    if done is not None:
        return redirect("benefits:offers")
    return render(request, "benefits/staff/form.html", {"form": form, "title": _("New offer")})


@requires(Perm.VIEW_BUSINESS)
def offer_edit_view(request: Any, offer_id: int) -> Any:
    offer = queries.get_offer_for(request.user, offer_id, write=request.method == "POST")
    form = _offer_form(request, offer_initial(offer))
    done = saved(
        request, form,
        lambda: offers.save_offer(form.cleaned_data["terms"], offer=offer, by=request.user,
                                  **form.service_fields()),
        _("The offer is saved."),
    )  # fmt: skip
    if done is not None:
        return redirect("benefits:offers")
    return render(request, "benefits/staff/form.html", {"form": form, "title": offer.name})


# ---- uses --------------------------------------------------------------------------------------


class UseFilterForm(forms.Form):
    offer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    city = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    partner = forms.IntegerField(required=False, widget=forms.HiddenInput)
    start = forms.DateField(label=_lazy("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    end = forms.DateField(label=_lazy("Until"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip


def _uses(request: Any) -> tuple[Any, UseFilterForm]:
    form = UseFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    found = queries.filter_redemptions(
        queries.visible_redemptions(request.user), offer=values.get("offer"),
        partner=values.get("partner"), start=values.get("start"), end=values.get("end"),
        city=values.get("city", ""),
    )  # fmt: skip
    return found, form


@requires(Perm.VIEW_BUSINESS)
def uses_view(request: Any) -> Any:
    """The subtree's members' uses, newest first; each filter keeps the Excel link."""
    found, form = _uses(request)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.member_label = mask_name(row.worker.name)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "benefits/staff/uses.html",
                  {"page": page, "form": form, "query": query.urlencode()})  # fmt: skip


def _what(row: Any) -> str:
    return row.offer.name if row.offer_id else _("Coupon")


USES_EXPORT = ListExport("benefits.uses", _lazy("Member benefit uses"), (
    column(_lazy("Day"), lambda row: day(row.day)),
    column(_lazy("Time"), lambda row: day(row.at)), column(_lazy("Offer"), _what),
    column(_lazy("Merchant"), lambda row: row.partner.name),
    column(_lazy("Outlet"), lambda row: row.outlet.name if row.outlet_id else ""),
    column(_lazy("Member"), lambda row: mask_name(row.worker.name)),
    column(_lazy("Union"), lambda row: row.org.name),
    money(_lazy("Member paid (yuan)"), "member_price_fen"),
    money(_lazy("Subsidy (yuan)"), "subsidy_fen"),
    column(_lazy("Reversed"), lambda row: _("yes") if row.reversed else ""),
))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def uses_export_view(request: Any) -> Any:
    found, _form = _uses(request)
    return USES_EXPORT.response(request, found, {})


# ---- flags -------------------------------------------------------------------------------------


class NoteForm(forms.Form):
    note = forms.CharField(label=_lazy("Reason"), max_length=200)


FLAG_STEPS = step_pages(
    [
        StepPage(FLAG_FLOW, FlagStep.CLEAR, NoteForm),
        StepPage(FLAG_FLOW, FlagStep.CONFIRM, NoteForm, is_danger=True),
    ]
)


@requires(Perm.VIEW_BUSINESS)
def flags_view(request: Any) -> Any:
    """The reviewers' queue: open flags first; `?status=` for the decided ones."""
    status = request.GET.get("status", FlagStatus.OPEN)
    found = queries.visible_flags(request.user)
    if status in FlagStatus.values:
        found = found.filter(status=status)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "benefits/staff/flags.html",
                  {"page": page, "status": status, "statuses": FlagStatus.choices})  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def flag_view(request: Any, flag_id: int) -> Any:
    flag = queries.get_flag_for(request.user, flag_id)
    since = flag.redemption.at - datetime.timedelta(hours=1)
    nearby = queries.visible_redemptions(request.user).filter(
        worker_id=flag.worker_id, at__gte=since, at__lte=flag.redemption.at
    )
    return render(
        request,
        "benefits/staff/flag.html",
        {"flag": flag, "uses": nearby[:50], "events": flag.events.select_related("by"),
         "steps": offered_pages(FLAG_STEPS, flag, request.user)},
    )  # fmt: skip


def _flag_step(request: Any, flag_id: int, step: str) -> Any:
    flag = queries.get_flag_for(request.user, flag_id, write=True)
    return run_step_button(request, FLAG_STEPS[step], flag,
                           back=lambda: redirect("benefits:flag", flag_id=flag.pk))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_POST
def flag_clear_view(request: Any, flag_id: int) -> Any:
    return _flag_step(request, flag_id, FlagStep.CLEAR)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def flag_confirm_view(request: Any, flag_id: int) -> Any:
    return _flag_step(request, flag_id, FlagStep.CONFIRM)
