"""Gift bag pages (1元购): the bags in scope, setting one up, a bag's page with its stock,
its moves and its orders."""

from __future__ import annotations

from decimal import Decimal

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import saved
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import visible_orgs
from nuanjia.orgs.rules import Perm

from .. import forms, queries, services
from .common import PAGE_SIZE, fen, grams


@requires(Perm.VIEW_BUSINESS)
def bag_list_view(request):
    page = Paginator(queries.visible_bags(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "produce/bag_list.html", {
        "page": page, "may_add": services.may_act_for(request.user, request.user.org),
    })  # fmt: skip


def _points(request):
    return queries.collection_points(request.user)


@requires(Perm.VIEW_BUSINESS)
def bag_new_view(request):
    producers = list(queries.visible_producers(request.user).filter(is_active=True))
    form = forms.BagForm(
        request.POST or None, orgs=visible_orgs(request.user).filter(is_active=True),
        producers=producers, points=_points(request), initial={"org": request.user.org},
    )  # fmt: skip

    def create():
        data = form.cleaned_data
        producer = next((p for p in producers if str(p.pk) == data["producer"]), None)
        if producer is None:
            raise RuleViolation(_("Choose a producer."), field="producer")
        return services.create_bag(
            data["org"], producer, data["earmark"], name=data["name"],
            grams=grams(data["jin"], "jin"),
            member_price_fen=fen(data["member_price_yuan"], "member_price_yuan"),
            subsidy_fen=fen(data["subsidy_yuan"], "subsidy_yuan"),
            points=list(data["points"]), by=request.user,
        )  # fmt: skip

    bag = saved(request, form, create, _("The gift bag has been set up."))
    if bag is not None:
        return redirect("produce:bag", bag_id=bag.pk)
    return render(request, "produce/form.html", {"form": form, "title": _("New gift bag")})


@requires(Perm.VIEW_BUSINESS)
def bag_detail_view(request, bag_id: int):
    bag = queries.get_bag_for(request.user, bag_id, write=request.method == "POST")
    form = forms.StockForm(request.POST or None)
    done = saved(
        request, form,
        lambda: services.add_bag_stock(bag, form.cleaned_data["bags"], note=form.cleaned_data["note"],
                                       by=request.user),
        _("The bags have been received into stock."),
    )  # fmt: skip
    if done is not None:
        return redirect("produce:bag", bag_id=bag.pk)
    orders = bag.orders.select_related("point").order_by("-created_at", "-pk")
    return render(request, "produce/bag_detail.html", {
        "bag": bag, "form": form, "moves": bag.moves.order_by("-at", "-pk")[:50],
        "orders": Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page")),
        "points": bag.points.all(), "may_change": services.may_act_for(request.user, bag.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def bag_edit_view(request, bag_id: int):
    bag = queries.get_bag_for(request.user, bag_id, write=request.method == "POST")
    form = forms.BagEditForm(
        request.POST or None, points=queries.bag_point_choices(request.user, bag), initial={
            "name": bag.name, "member_price_yuan": Decimal(bag.member_price_fen) / 100,
            "subsidy_yuan": Decimal(bag.subsidy_fen) / 100, "points": list(bag.points.all()),
            "is_open": bag.is_open,
        },
    )  # fmt: skip

    def change():
        data = form.cleaned_data
        return services.change_bag(
            bag, name=data["name"],
            member_price_fen=fen(data["member_price_yuan"], "member_price_yuan"),
            subsidy_fen=fen(data["subsidy_yuan"], "subsidy_yuan"),
            points=list(data["points"]), is_open=data["is_open"], by=request.user,
        )  # fmt: skip

    if saved(request, form, change, _("The gift bag has been changed.")) is not None:
        return redirect("produce:bag", bag_id=bag.pk)
    return render(request, "produce/form.html", {"form": form, "title": bag.name})
