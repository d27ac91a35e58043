"""Campaign pages: the list, a new campaign, its page with activities, a new activity, and an
activity's overview (the tabs of its lists, places, visits, goods and findings)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nuanjia.core.flash import attempt, saved
from nuanjia.core.money import yuan_to_fen
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import visible_orgs
from nuanjia.orgs.rules import Perm

from .. import figures, forms, queries, services
from ..rules import CampaignStatus
from ..tabs import activity_context

PAGE_SIZE = 50


@requires(Perm.VIEW_BUSINESS)
def campaign_list_view(request):
    campaigns = queries.visible_campaigns(request.user)
    status = request.GET.get("status", "")
    if status in CampaignStatus.values:
        campaigns = campaigns.filter(status=status)
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "page": page,
            "status": status,
            "statuses": CampaignStatus.choices,
            "may_plan": services.may_act_for(request.user, request.user.org),
        },
    )


@requires(Perm.VIEW_BUSINESS)
def campaign_new_view(request):
    form = forms.CampaignForm(
        request.POST or None,
        orgs=visible_orgs(request.user).filter(is_active=True),
        initial={"lead_org": request.user.org},
    )
    campaign = saved(
        request,
        form,
        lambda: services.create_campaign(**form.cleaned_data, by=request.user),
        _("The campaign has been created."),
    )
    if campaign is not None:
        return redirect("campaigns:detail", campaign_id=campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form})


@requires(Perm.VIEW_BUSINESS)
def campaign_detail_view(request, campaign_id: int):
    campaign = queries.get_campaign_for(request.user, campaign_id)
    activities = queries.visible_activities(request.user).filter(campaign=campaign)
    at = request.user.org
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "activities": [
                (found.activity, found.total) for found in figures.campaign_totals(activities, at)
            ],
            "may_plan": services.may_act_for(request.user, campaign.lead_org),
            "may_add": services.may_act_for(request.user, request.user.org),
        },
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def campaign_status_view(request, campaign_id: int):
    campaign = queries.get_campaign_for(request.user, campaign_id, write=True)
    status = request.POST.get("status", "")
    attempt(
        request,
        lambda: services.set_campaign_status(campaign, status, by=request.user),
        _("The campaign's status has been changed."),
    )
    return redirect("campaigns:detail", campaign_id=campaign.pk)


def _activity_fields(cleaned: dict) -> dict:
    fields = dict(cleaned)
    cash = fields.pop("cash_yuan", None)
    fields["cash_fen"] = yuan_to_fen(cash) if cash else None
    return fields


@requires(Perm.VIEW_BUSINESS)
def activity_new_view(request, campaign_id: int):
    campaign = queries.get_campaign_for(request.user, campaign_id, write=True)
    orgs = visible_orgs(request.user).filter(is_active=True)
    form = forms.ActivityForm(request.POST or None, orgs=orgs, initial={"org": request.user.org})
    activity = saved(
        request,
        form,
        lambda: services.create_activity(
            campaign, **_activity_fields(form.cleaned_data), by=request.user
        ),
        _("The activity has been added."),
    )
    if activity is not None:
        return redirect("campaigns:activity", activity_id=activity.pk)
    return render(request, "campaigns/activity_form.html", {"form": form, "campaign": campaign})


@requires(Perm.VIEW_BUSINESS)
def activity_detail_view(request, activity_id: int):
    activity = queries.get_activity_for(request.user, activity_id)
    return render(request, "campaigns/activity_detail.html", activity_context(activity, "overview"))
