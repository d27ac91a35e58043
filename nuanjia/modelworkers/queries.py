"""Reads of the model-worker app, every one scoped to the viewer's subtree (orgs.queries),
and the lists' specs (core.lists: keyset pages, signed cursors)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from nuanjia.core.actors import Actor
from nuanjia.core.lists import ListSpec, Sort
from nuanjia.orgs.queries import get_scoped_or_404, scope
from nuanjia.people.honour_models import Honour

from .models import Base, Collective, HelpCase, HelpPayment, HelpStandard, Pairing
from .rules import REGISTER_KINDS, PaymentStatus

REGISTER_LIST = ListSpec("modelworkers.register", {
    "year": Sort(("-year",), _("Newest honours first")),
    "name": Sort(("worker__name",), _("By name")),
})  # fmt: skip
BASE_LIST = ListSpec("modelworkers.bases", {"started": Sort(("-started_on",), _("Newest first"))})
PAYMENT_LIST = ListSpec(
    "modelworkers.payments", {"period": Sort(("-period_start",), _("Newest period first"))}
)
CASE_LIST = ListSpec("modelworkers.cases", {"started": Sort(("-starts_on",), _("Newest first"))})
COLLECTIVE_LIST = ListSpec("modelworkers.collectives", {"name": Sort(("name",), _("By name"))})


def visible_register(user: Actor) -> QuerySet[Honour]:
    """The register of model workers (劳模名册): the 劳模 and 先进工作者 honours of workers in
    the viewer's subtree (the worker's owning union), merged-away records left out."""
    rows = Honour.objects.filter(kind__in=[str(k) for k in REGISTER_KINDS],
                                 worker__merged_into__isnull=True)  # fmt: skip
    return scope(rows.select_related("worker", "worker__org"), user, org_field="worker__org")


def visible_collectives(user: Actor) -> QuerySet[Collective]:
    return scope(Collective.objects.select_related("org"), user)


def get_collective_for(user: Actor, pk: Any, *, write: bool = False) -> Collective:
    return get_scoped_or_404(visible_collectives(user), user, write=write, pk=pk)


def visible_bases(user: Actor) -> QuerySet[Base]:
    return scope(Base.objects.select_related("org", "worker"), user)


def get_base_for(user: Actor, pk: Any, *, write: bool = False) -> Base:
    return get_scoped_or_404(visible_bases(user), user, write=write, pk=pk)


def visible_pairings(user: Actor) -> QuerySet[Pairing]:
    return scope(Pairing.objects.select_related("org", "worker", "base", "hardship_file"), user)


def get_pairing_for(user: Actor, pk: Any, *, write: bool = False) -> Pairing:
    return get_scoped_or_404(visible_pairings(user), user, write=write, pk=pk)


def visible_cases(user: Actor) -> QuerySet[HelpCase]:
    return scope(HelpCase.objects.select_related("org", "worker", "honour"), user)


def get_case_for(user: Actor, pk: Any, *, write: bool = False) -> HelpCase:
    return get_scoped_or_404(visible_cases(user), user, write=write, pk=pk)


def visible_payments(user: Actor) -> QuerySet[HelpPayment]:
    return scope(HelpPayment.objects.select_related("org", "worker", "case"), user)


def get_payment_for(user: Actor, pk: Any, *, write: bool = False) -> HelpPayment:
    return get_scoped_or_404(visible_payments(user), user, write=write, pk=pk)


def visible_standards(user: Actor) -> QuerySet[HelpStandard]:
    """The province-wide standard table is read by every staff account (like 低保)."""
    return HelpStandard.objects.all()


def proposed_count(user: Actor) -> int:
    return visible_payments(user).filter(status=PaymentStatus.PROPOSED).count()


def paid_payment_ids() -> Any:
    return HelpPayment.objects.filter(status=PaymentStatus.PAID).values_list("pk", flat=True)
