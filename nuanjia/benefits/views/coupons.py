"""The staff pages of dining coupons: the subtree's batches (issued, used, expiry) and a new
batch issued at once to the members its rule chooses."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nuanjia.core.flash import saved
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import scope, visible_orgs
from nuanjia.orgs.rules import Perm

from .. import queries
from ..forms import CouponBatchForm
from ..models import CouponBatch
from ..rules import CouponStatus
from ..services import coupons


@requires(Perm.VIEW_BUSINESS)
def batches_view(request: Any) -> Any:
    batches = scope(CouponBatch.objects.select_related("partner", "org"), request.user,
                    org_field="terms__org").annotate(
        used=Count("coupons", filter=Q(coupons__status=CouponStatus.USED))
    )  # fmt: skip
    return render(request, "benefits/staff/coupons.html", {"batches": batches})


@requires(Perm.VIEW_BUSINESS)
def batch_new_view(request: Any) -> Any:
    form = CouponBatchForm(request.POST or None, terms=queries.visible_terms(request.user),
                           orgs=visible_orgs(request.user))  # fmt: skip

    def issue() -> CouponBatch:
        data = form.cleaned_data
        return coupons.create_batch(
            data["terms"], name=data["name"], face_value_fen=data["face_value"],
            threshold_fen=data["threshold"], valid_from=data["valid_from"],
            expires_on=data["expires_on"], org=data["org"], rule=data["rule"], by=request.user,
        )  # fmt: skip

    done = saved(request, form, issue, lambda batch: _("%(count)d coupons issued.") % {
        "count": batch.issued})  # fmt: skip
    if done is not None:
        return redirect("benefits:coupons")
    return render(request, "benefits/staff/form.html",
                  {"form": form, "title": _("New coupon batch")})  # fmt: skip
