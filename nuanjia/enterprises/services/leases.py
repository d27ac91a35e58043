"""Union-owned premises: properties, units, leases and their rent schedules.

A lease's schedule has one row per lease month, anchored on the start day (a lease from 15
March runs its months 15 March–14 April, …); the last month may be cut by the lease end and
its rent is then pro-rated by days, rounded half-up to the fen."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of

from ..models import FirmProfile, Lease, Property, ScheduleMonth, Unit
from .common import CASEWORKERS, require_role

MAX_LEASE_MONTHS = 240


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months, the day clamped to the month's last (31 Jan + 1 → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half-up to a whole fen (both not negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def schedule_rows(
    starts_on: datetime.date, ends_on: datetime.date, rent_fen: int
) -> list[tuple[int, datetime.date, datetime.date, int]]:
    """(number, from, to, rent due) of each lease month up to the lease end."""
    rows: list[tuple[int, datetime.date, datetime.date, int]] = []
    number = 0
    while True:
        first = add_months(starts_on, number)
        if first > ends_on:
            return rows
        following = add_months(starts_on, number + 1)
        last = min(following - datetime.timedelta(days=1), ends_on)
        full_days = (following - first).days
        days = (last - first).days + 1
        due = rent_fen if days == full_days else half_up(rent_fen * days, full_days)
        number += 1
        rows.append((number, first, last, due))


@transaction.atomic
def create_property(org: Org, *, name: str, address: str, by: Actor) -> Property:
    require_role(by, org, CASEWORKERS)
    name = one_line(name, "name", 100, required_message=_("Enter the property's name."))
    address = one_line(address, "address", 200, required_message=_("Enter the address."))
    if Property.objects.filter(org=org, name=name).exists():
        raise RuleViolation(_("This union already has a property of this name."), field="name")
    prop = Property.objects.create(org=org, name=name, address=address)
    record_event(prop, "enterprises.property_added", by=by, org=org, changes={"name": name})
    return prop


@transaction.atomic
def create_unit(prop: Property, *, code: str, area_m2: Decimal, by: Actor) -> Unit:
    require_role(by, prop.org, CASEWORKERS)
    code = one_line(code, "code", 30, required_message=_("Enter the unit's number."))
    if area_m2 <= 0:
        raise RuleViolation(_("The area must be more than 0."), field="area_m2")
    if prop.units.filter(code=code).exists():
        raise RuleViolation(_("This property already has a unit of this number."), field="code")
    unit = Unit.objects.create(property=prop, code=code, area_m2=area_m2)
    record_event(
        unit, "enterprises.unit_added", by=by, org=prop.org,
        changes={"property": prop.name, "code": code, "area_m2": str(area_m2)},
    )  # fmt: skip
    return unit


def _check_lease(
    unit: Unit, starts_on: datetime.date, ends_on: datetime.date, rent_fen: int, deposit_fen: int
) -> None:
    if ends_on < starts_on:
        raise RuleViolation(_("The lease cannot end before it starts."), field="ends_on")
    if add_months(starts_on, MAX_LEASE_MONTHS) <= ends_on:
        raise RuleViolation(_("A lease runs 20 years at most."), field="ends_on")
    if rent_fen <= 0:
        raise RuleViolation(_("The monthly rent must be more than 0."), field="monthly_rent")
    if deposit_fen < 0:
        raise RuleViolation(_("The deposit cannot be negative."), field="deposit")
    overlapping = Lease.objects.filter(
        unit=unit, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).exists()
    if overlapping:
        raise RuleViolation(_("The unit is already let for part of this time."), field="starts_on")


@transaction.atomic
def create_lease(
    unit: Unit,
    tenant: FirmProfile,
    *,
    monthly_rent_fen: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    deposit_fen: int = 0,
    by: Actor,
) -> Lease:
    """Let a unit to a firm; the rent schedule is written with it."""
    unit = (
        Unit.objects.select_for_update(of=("self",)).select_related("property__org").get(pk=unit.pk)
    )
    require_role(by, unit.property.org, CASEWORKERS)
    _check_lease(unit, starts_on, ends_on, monthly_rent_fen, deposit_fen)
    lease = Lease.objects.create(
        unit=unit, tenant=tenant, org=tenant.org, owner=unit.property.org,
        monthly_rent_fen=monthly_rent_fen, starts_on=starts_on, ends_on=ends_on,
        deposit_fen=deposit_fen, created_by=staff_of(by),
    )  # fmt: skip
    rows = schedule_rows(starts_on, ends_on, monthly_rent_fen)
    ScheduleMonth.objects.bulk_create(
        ScheduleMonth(lease=lease, number=n, starts_on=first, ends_on=last, due_fen=due)
        for n, first, last, due in rows
    )
    record_event(
        lease, "enterprises.lease_created", by=by, org=lease.org,
        changes={
            "unit": str(unit), "tenant": tenant.employer.name, "monthly_rent_fen": monthly_rent_fen,
            "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(),
            "deposit_fen": deposit_fen, "months": len(rows),
        },
    )  # fmt: skip
    return lease


@transaction.atomic
def record_rent_paid(lease: Lease, *, up_to: datetime.date, by: Actor) -> int:
    """The tenant has paid the rent of every lease month starting on or before `up_to`
    (less what approved reliefs took off); returns how many months were marked."""
    require_role(by, lease.owner, CASEWORKERS)
    months = list(
        ScheduleMonth.objects.select_for_update().filter(
            lease=lease, starts_on__lte=up_to, paid_fen=0
        )
    )
    for month in months:
        month.paid_fen = month.due_fen - month.relieved_fen
    ScheduleMonth.objects.bulk_update(months, ["paid_fen"])
    record_event(
        lease, "enterprises.rent_paid", by=by, org=lease.org,
        changes={"up_to": up_to.isoformat(), "months": len(months),
                 "paid_fen": sum(m.paid_fen for m in months)},
    )  # fmt: skip
    return len(months)
