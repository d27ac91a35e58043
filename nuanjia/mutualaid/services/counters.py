"""The caps' counters (a member's plan year, an illness episode) and the invoices: each moved
by one conditional UPDATE on its own row (never a scan, never a read-then-write race): it
takes an amount only while what is reserved and used stays within the cap, so two claims
checked at once can never pass a cap together."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Model

from nuanjia.people.models import Worker

from ..models import Episode, Invoice, Plan, YearCounter


def year_counter(
    worker: Worker, plan: Plan, term_starts_on: datetime.date, cap_fen: int
) -> YearCounter:
    found = YearCounter.objects.filter(
        worker=worker, plan=plan, term_starts_on=term_starts_on
    ).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return YearCounter.objects.create(
                worker=worker, plan=plan, term_starts_on=term_starts_on, cap_fen=cap_fen
            )
    except IntegrityError:
        return YearCounter.objects.get(worker=worker, plan=plan, term_starts_on=term_starts_on)


def episode_for(
    worker: Worker, plan: Plan, label: str, day: datetime.date, cap_fen: int
) -> Episode:
    found = Episode.objects.filter(worker=worker, plan=plan, label=label).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Episode.objects.create(
                worker=worker, plan=plan, label=label, started_on=day, cap_fen=cap_fen
            )
    except IntegrityError:
        return Episode.objects.get(worker=worker, plan=plan, label=label)


def left(model: type[Model], pk: int) -> int:
    """What the counter still allows (cap − reserved − used), read afresh."""
    cap, reserved, used = (
        model._default_manager.filter(pk=pk)
        .values_list("cap_fen", "reserved_fen", "used_fen")
        .get()
    )
    return int(cap - reserved - used)


def take(model: type[Model], pk: int, amount_fen: int) -> bool:
    """Reserve `amount_fen` on the counter if it fits under the cap; False when it does not."""
    if amount_fen <= 0:
        return True
    moved = (
        model._default_manager.filter(pk=pk)
        .filter(cap_fen__gte=F("reserved_fen") + F("used_fen") + amount_fen)
        .update(reserved_fen=F("reserved_fen") + amount_fen)
    )
    return bool(moved)


def give_back(model: type[Model], pk: int, amount_fen: int) -> None:
    if amount_fen > 0:
        model._default_manager.filter(pk=pk).update(reserved_fen=F("reserved_fen") - amount_fen)


def use(model: type[Model], pk: int, amount_fen: int, reserved_fen: int) -> None:
    """Approval: the reservation becomes use (the approved part), the rest is released."""
    model._default_manager.filter(pk=pk).update(
        reserved_fen=F("reserved_fen") - reserved_fen, used_fen=F("used_fen") + amount_fen
    )


def invoice_for(key: str, self_paid_fen: int) -> Invoice:
    found = Invoice.objects.filter(key=key).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Invoice.objects.create(key=key, self_paid_fen=self_paid_fen)
    except IntegrityError:
        return Invoice.objects.get(key=key)


def invoice_left(pk: int) -> int:
    paid, used = Invoice.objects.filter(pk=pk).values_list("self_paid_fen", "used_fen").get()
    return int(paid - used)


def take_invoice(pk: int, amount_fen: int) -> bool:
    if amount_fen <= 0:
        return True
    return bool(
        Invoice.objects.filter(pk=pk, self_paid_fen__gte=F("used_fen") + amount_fen).update(
            used_fen=F("used_fen") + amount_fen
        )
    )


def give_back_invoice(pk: int, amount_fen: int) -> None:
    if amount_fen > 0:
        Invoice.objects.filter(pk=pk).update(used_fen=F("used_fen") - amount_fen)
