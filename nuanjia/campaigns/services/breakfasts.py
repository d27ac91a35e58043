"""Free breakfasts for sanitation workers (环卫工人爱心早餐): a worker enrolled in an open
breakfast activity takes one meal a day (Asia/Shanghai, 00:00–24:00) at any shop with a live
contract for that activity that day. The database keeps the one-a-day rule (`Meal`'s unique
(worker, day)); a second meal the same day is refused at once, saying when and where the first
was taken.

Two ways in, writing exactly the same rows:

- `scan_breakfast`, the shop's card scan (page and API), is the fast path: the scan's reads
  run as SQL written once per database (the worker row by members.scanning, then one
  eligibility query that also says whether the name may be shown), before any write lock;
  then, in one short transaction, the `CardScan` row and the meal as ONE
  `INSERT … ON CONFLICT (worker, day) DO NOTHING RETURNING id` (PostgreSQL and SQLite alike),
  and its audit event (prepared before, chained under the head's lock by
  `core.audit.append_event`, as the 12351 intake does — ADR 0008). A refused insert writes
  no meal and no event.
- `record_meal`, the ordinary service path (one paper-list row, or a typed row), with the ORM
  in a savepoint and `record_event`; `record_meal_list` runs it for each row of a paper list
  and keeps the refused rows with their reasons.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import bulk, clock
from nuanjia.core.audit import AuditEvent, append_event, prepare_event, record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.prepared import PreparedInsert
from nuanjia.members.models import CardScan, Member, Outlet, Partner, PartnerConsent, PartnerUser
from nuanjia.members.services.scanning import CardStatus, ScanResult, Use, scan
from nuanjia.orgs.models import Org
from nuanjia.people.models import Worker

from ..models import Activity, Campaign, Enrolment, PartnerContract
from ..partner_models import Meal, MealList
from ..rules import BREAKFAST_TIME_ZONE, ActivityKind, CampaignStatus, MealSource

BREAKFAST_USE = "breakfast"
MEAL_RECORDED = "campaigns.breakfast_recorded"
MEAL_LIST_RECORDED = "campaigns.meal_list_recorded"
ZONE = ZoneInfo(BREAKFAST_TIME_ZONE)


class MealStatus:
    """A scan's outcome at the shop: RECORDED is the one green answer."""

    RECORDED = "recorded"
    ALREADY = "already"  # this worker already had today's breakfast (here or elsewhere)
    NOT_ENROLLED = "not_enrolled"  # no open breakfast activity lists them
    NO_CONTRACT = "no_contract"  # listed, but this shop serves none of their activities today
    # …and the card statuses of members.scanning: invalid, expired, not_member


def breakfast_use() -> Use:
    """The scan use "breakfast": a member card of a union member (the enrolment, checked
    after the scan, decides who may eat)."""
    return Use(
        BREAKFAST_USE,
        gettext_lazy("Free breakfast"),
        lambda _worker_id, is_member: CardStatus.VALID if is_member else CardStatus.NOT_MEMBER,
    )


def meal_day(at: datetime.datetime | None = None) -> datetime.date:
    """The breakfast day of moment `at` (default: now, on the business day the clock holds):
    its date in Asia/Shanghai, whatever the server's zone."""
    return (at or clock.now()).astimezone(ZONE).date()


@dataclass(frozen=True)
class BreakfastResult:
    status: str
    message: str
    name: str = ""  # masked unless the worker consented for this shop
    member_number: str = ""
    day: datetime.date | None = None
    meal_id: int | None = None
    first_at: datetime.datetime | None = None  # ALREADY: when and where the first meal was
    first_outlet: str = ""
    worker_id: int | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.status == MealStatus.RECORDED


def card_message(status: str) -> str:
    return {
        CardStatus.INVALID: _("Not a valid card"),
        CardStatus.EXPIRED: _("The code is too old: ask for the card again"),
        CardStatus.NOT_MEMBER: _("Not a union member"),
    }.get(status, _("Not a valid card"))


def already_message(first_at: datetime.datetime | None, outlet: str) -> str:
    if first_at is None:
        return _("Already had breakfast today.")
    return _("Already had breakfast today (at %(time)s, %(outlet)s).") % {
        "time": first_at.astimezone(ZONE).strftime("%H:%M"),
        "outlet": outlet or "—",
    }


# ---- SQL written once per database ----------------------------------------------------------


def _q(name: str) -> str:
    return str(connection.ops.quote_name(name))


def _table(model: Any) -> str:
    return _q(model._meta.db_table)


@functools.cache
def _eligibility_sql(vendor: str) -> str:
    """(activity id, the worker's union now or the enrolment's, consented) of the first open
    breakfast activity listing the worker that the partner serves on the day under a live
    contract. Built once: compiling the joins cost more than running them."""
    e, a, c, k, o = (_table(m) for m in (Enrolment, Activity, Campaign, PartnerContract, Org))
    worker = _table(Worker)
    consent, member = _table(PartnerConsent), _table(Member)
    return (
        f"SELECT e.{_q('activity_id')}, o.{_q('id')}, o.{_q('path')}, "  # noqa: S608 -- our own names
        f"EXISTS (SELECT 1 FROM {consent} pc JOIN {member} m ON m.{_q('id')} = pc.{_q('member_id')} "
        f"WHERE m.{_q('worker_id')} = e.{_q('worker_id')} AND pc.{_q('partner_id')} = %s "
        f"AND pc.{_q('withdrawn_at')} IS NULL) "
        f"FROM {e} e JOIN {a} a ON a.{_q('id')} = e.{_q('activity_id')} "
        f"JOIN {c} c ON c.{_q('id')} = a.{_q('campaign_id')} "
        f"JOIN {k} k ON k.{_q('activity_id')} = a.{_q('id')} "
        f"JOIN {worker} p ON p.{_q('id')} = e.{_q('worker_id')} "
        f"JOIN {o} o ON o.{_q('id')} = COALESCE(p.{_q('union_id')}, e.{_q('org_id')}) "
        f"WHERE e.{_q('worker_id')} = %s AND a.{_q('kind')} = %s AND c.{_q('status')} = %s "
        f"AND (a.{_q('starts_on')} IS NULL OR a.{_q('starts_on')} <= %s) "
        f"AND (a.{_q('ends_on')} IS NULL OR a.{_q('ends_on')} >= %s) "
        f"AND k.{_q('partner_id')} = %s AND k.{_q('is_active')} = %s "
        f"AND k.{_q('starts_on')} <= %s AND k.{_q('ends_on')} >= %s "
        f"ORDER BY e.{_q('activity_id')} LIMIT 1"
    )


def _eligible(worker_id: int, partner_id: int, day: datetime.date) -> tuple[int, Org, bool] | None:
    """(activity id, the union the meal counts to, whether the worker consented for the
    partner), or None when no activity of the partner's lists the worker that day."""
    on = Meal._meta.get_field("day").get_db_prep_value(day, connection)
    params = [partner_id, worker_id, ActivityKind.BREAKFAST.value, CampaignStatus.OPEN.value,
              on, on, partner_id, True, on, on]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_eligibility_sql(connection.vendor), params)
        row = cursor.fetchone()
    if row is None:
        return None
    return int(row[0]), Org(pk=row[1], path=row[2]), bool(row[3])


def _why_not(worker_id: int, day: datetime.date) -> str:
    """Why no activity came back: the worker is listed in an open breakfast activity that day
    (then the shop serves none of them) or not. Rare, so the ORM."""
    listed = (
        Enrolment.objects.filter(
            worker_id=worker_id,
            activity__kind=ActivityKind.BREAKFAST,
            activity__campaign__status=CampaignStatus.OPEN,
        )
        .exclude(activity__starts_on__gt=day)
        .exclude(activity__ends_on__lt=day)
    )
    return MealStatus.NO_CONTRACT if listed.exists() else MealStatus.NOT_ENROLLED


def refusal_message(status: str, partner: Partner, day: datetime.date) -> str:
    if status == MealStatus.NO_CONTRACT:
        return _("%(partner)s serves none of this worker's breakfast activities on %(day)s.") % {
            "partner": partner.name,
            "day": day.isoformat(),
        }
    if status == MealStatus.NOT_ENROLLED:
        return _("Not on a free breakfast list.")
    return card_message(status)


_MEAL_COLUMNS = ("activity", "worker", "day", "partner", "outlet", "org", "source",
                 "recorded_by", "meal_list", "recorded_at", "settlement")  # fmt: skip


@functools.cache
def _meal_insert_sql(vendor: str) -> str:
    """The meal's one INSERT, skipped by the database when the worker already has the day's
    meal (PostgreSQL and SQLite ≥ 3.35 both read this upsert and RETURNING)."""
    meta = Meal._meta
    column_of = {field.name: str(field.column) for field in meta.concrete_fields}
    columns = ", ".join(_q(column_of[name]) for name in _MEAL_COLUMNS)
    marks = ", ".join(["%s"] * len(_MEAL_COLUMNS))
    worker, day = _q(column_of["worker"]), _q(column_of["day"])
    return (
        f"INSERT INTO {_table(Meal)} ({columns}) VALUES ({marks}) "  # noqa: S608 -- our own names
        f"ON CONFLICT ({worker}, {day}) DO NOTHING RETURNING {_q(meta.pk.column)}"
    )


@functools.cache
def _first_meal_sql(vendor: str) -> str:
    outlet = _table(Outlet)
    return (
        f"SELECT m.{_q('recorded_at')}, o.{_q('name')} FROM {_table(Meal)} m "  # noqa: S608 -- our own names
        f"LEFT JOIN {outlet} o ON o.{_q('id')} = m.{_q('outlet_id')} "
        f"WHERE m.{_q('worker_id')} = %s AND m.{_q('day')} = %s"
    )


def _first_meal(worker_id: int, day: datetime.date) -> tuple[datetime.datetime | None, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            _first_meal_sql(connection.vendor),
            [worker_id, Meal._meta.get_field("day").get_db_prep_value(day, connection)],
        )
        row = cursor.fetchone()
    if row is None:
        return None, ""
    value = row[0]
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value, row[1] or ""


@functools.cache
def _outlet_sql(vendor: str) -> str:
    return (
        f"SELECT {_q('name')} FROM {_table(Outlet)} WHERE {_q('id')} = %s "  # noqa: S608 -- our own names
        f"AND {_q('partner_id')} = %s AND {_q('is_active')} = %s"
    )


def _outlet_name(partner: Partner, outlet_id: Any) -> str:
    """The partner's active outlet's name, or RuleViolation."""
    try:
        pk = int(outlet_id)
    except (TypeError, ValueError):
        pk = 0
    with connection.cursor() as cursor:
        cursor.execute(_outlet_sql(connection.vendor), [pk, partner.pk, True])
        row = cursor.fetchone()
    if row is None:
        raise RuleViolation(_("Choose one of your outlets."), field="outlet")
    return str(row[0])


def writers_queue() -> AbstractContextManager[None]:
    """On SQLite, shops' scans queue on a file lock before they ask for the database's write
    lock (core.bulk.sqlite_writers_queue). PostgreSQL queues on the unique index itself:
    nothing to do there."""
    return bulk.sqlite_writers_queue("breakfast-writers.lock", unless_in_transaction=True)


# ---- The meal's rows, the same on both paths ------------------------------------------------


def _meal(
    *,
    activity_id: int,
    worker_id: int,
    day: datetime.date,
    partner: Partner,
    outlet_id: int | None,
    org: Org,
    source: str,
    user: PartnerUser | None,
    meal_list: MealList | None,
    at: datetime.datetime,
) -> Meal:
    return Meal(
        activity_id=activity_id, worker_id=worker_id, day=day, partner=partner,
        outlet_id=outlet_id, org=org, source=source,
        recorded_by=user, meal_list=meal_list, recorded_at=at,
    )  # fmt: skip


def _audit(meal: Meal, outlet_name: str, user: PartnerUser | None) -> PreparedInsert[AuditEvent]:
    """The meal's audit event (the same on both paths): no name, the shop and the day."""
    return prepare_event(
        meal,
        MEAL_RECORDED,
        org=meal.org,
        actor_label=user.actor_label if user else "",
        changes={
            "worker": meal.worker_id,
            "day": meal.day.isoformat(),
            "activity": meal.activity_id,
            "partner": meal.partner.name,
            "outlet": outlet_name,
            "source": meal.source,
            "meal_list": meal.meal_list_id,
        },
    )


# ---- The fast path: a shop's scan -----------------------------------------------------------


def scan_breakfast(
    user: PartnerUser,
    *,
    outlet: Any = None,
    code: str = "",
    number: str = "",
    id_last4: str = "",
    at: datetime.datetime | None = None,
) -> BreakfastResult:
    """A shop's person scans a card (QR text as `code`, or `number` with `id_last4`) at one of
    the shop's outlets: the meal recorded (green), or the refusal with its reason (red). Every
    scan leaves a `CardScan` row; a meal its audit event. The name is masked unless the worker
    consented for this shop."""
    partner = user.partner
    outlet_name = _outlet_name(partner, outlet) if outlet else ""
    outlet_id = int(outlet) if outlet else None
    moment = at or timezone.now()
    day = meal_day(moment)
    found: ScanResult = scan(use=BREAKFAST_USE, code=code, number=number, id_last4=id_last4)
    worker_id = found.worker_id
    eligible = None
    status = found.status
    if status == CardStatus.VALID and worker_id is not None:
        eligible = _eligible(worker_id, partner.pk, day)
        if eligible is None:
            status = _why_not(worker_id, day)
            if PartnerConsent.objects.filter(
                member__worker_id=worker_id, partner=partner, withdrawn_at=None
            ).exists():
                found = found.with_name_shown()
        elif eligible[2]:
            found = found.with_name_shown()
    card_scan = PreparedInsert(
        CardScan(
            partner=partner,
            outlet_id=outlet_id,
            user=user,
            worker_id=worker_id,
            use=BREAKFAST_USE,
            status=found.status,
            at=moment,
        )
    )
    shown = BreakfastResult(status, "", name=found.name, member_number=found.member_number,
                            day=day, worker_id=worker_id)  # fmt: skip
    if eligible is None:
        with writers_queue(), transaction.atomic():
            card_scan.execute()
        return replace(shown, message=refusal_message(status, partner, day))
    assert worker_id is not None
    activity_id, org, _consented = eligible
    meal = _meal(activity_id=activity_id, worker_id=worker_id, day=day, partner=partner,
                 outlet_id=outlet_id, org=org, source=MealSource.SCAN, user=user,
                 meal_list=None, at=moment)  # fmt: skip
    fields = {field.name: field for field in Meal._meta.concrete_fields}
    params = [
        fields[name].get_db_prep_save(getattr(meal, fields[name].attname), connection)
        for name in _MEAL_COLUMNS
    ]
    audit = _audit(meal, outlet_name, user)
    sql = _meal_insert_sql(connection.vendor)
    with writers_queue(), transaction.atomic():
        card_scan.execute()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is not None:
            meal.pk = row[0]
            append_event(audit, object_id=str(meal.pk))
    if row is None:
        first_at, first_outlet = _first_meal(worker_id, day)
        return replace(
            shown, status=MealStatus.ALREADY, message=already_message(first_at, first_outlet),
            first_at=first_at, first_outlet=first_outlet,
        )  # fmt: skip
    return replace(shown, status=MealStatus.RECORDED, meal_id=meal.pk,
                   message=_("Breakfast recorded. Enjoy your meal!"))  # fmt: skip


# ---- The ordinary path: one row of a paper list --------------------------------------------


@transaction.atomic
def record_meal(
    user: PartnerUser,
    *,
    worker_id: int,
    day: datetime.date,
    at: datetime.datetime,
    outlet: Outlet | None = None,
    source: str = MealSource.PAPER,
    meal_list: MealList | None = None,
) -> Meal:
    """Record the breakfast a worker had at the user's shop on `day`, checked against the same
    rule as a scan; RuleViolation (code "already", "not_enrolled", "no_contract", "future")
    when refused."""
    partner = user.partner
    if day > meal_day():
        raise RuleViolation(_("The date is in the future."), field="day", code="future")
    eligible = _eligible(worker_id, partner.pk, day)
    if eligible is None:
        status = _why_not(worker_id, day)
        raise RuleViolation(refusal_message(status, partner, day), field="day", code=status)
    activity_id, org, _consented = eligible
    meal = _meal(activity_id=activity_id, worker_id=worker_id, day=day, partner=partner,
                 outlet_id=outlet.pk if outlet else None, org=org, source=source,
                 user=user, meal_list=meal_list, at=at)  # fmt: skip
    try:
        with transaction.atomic():
            meal.save(force_insert=True)
    except IntegrityError:
        first_at, first_outlet = _first_meal(worker_id, day)
        if first_at is None or first_at.astimezone(ZONE).date() != day:
            message = _("Already had breakfast on %(day)s.") % {"day": day.isoformat()}
        else:
            message = _("Already had breakfast on %(day)s (at %(time)s, %(outlet)s).") % {
                "day": day.isoformat(),
                "time": first_at.astimezone(ZONE).strftime("%H:%M"),
                "outlet": first_outlet or "—",
            }
        raise RuleViolation(message, field="day", code=MealStatus.ALREADY) from None
    append_event(_audit(meal, outlet.name if outlet else "", user), object_id=str(meal.pk))
    return meal


@dataclass(frozen=True)
class PaperRow:
    """One line of a paper list: the row number as the shop sees it, the member number, the
    last 4 of the ID, the day and (optionally) the time."""

    row: int
    number: str
    id_last4: str
    day: datetime.date
    time: datetime.time | None = None


def _row_moment(row: PaperRow) -> datetime.datetime:
    return datetime.datetime.combine(row.day, row.time or datetime.time(0, 0), tzinfo=ZONE)


@transaction.atomic
def record_meal_list(
    user: PartnerUser, *, outlet: Any, rows: Sequence[PaperRow], file_name: str = ""
) -> MealList:
    """A shop's paper list (纸质登记): each row checked against the same rule as a scan, the
    meals recorded for the rows that pass, the others kept with their row and reason."""
    partner = user.partner
    place = partner.outlets.filter(pk=outlet, is_active=True).first() if outlet else None
    if place is None:
        raise RuleViolation(_("Choose one of your outlets."), field="outlet")
    if not rows:
        raise RuleViolation(_("The list has no rows."), field="rows")
    meal_list = MealList.objects.create(
        activity_id=_list_activity(partner, rows), partner=partner, outlet=place,
        uploaded_by=user, file_name=file_name[:200], rows=len(rows),
    )  # fmt: skip
    refusals = []
    recorded = 0
    for row in rows:
        found = scan(use=BREAKFAST_USE, number=row.number, id_last4=row.id_last4)
        if found.status != CardStatus.VALID or found.worker_id is None:
            reason = _("The member number and the last 4 of the ID do not match a member.")
            refusals.append({"row": row.row, "reason": reason})
            continue
        try:
            record_meal(user, worker_id=found.worker_id, day=row.day, at=_row_moment(row),
                        outlet=place, meal_list=meal_list)  # fmt: skip
        except RuleViolation as error:
            refusals.append({"row": row.row, "reason": error.message})
        else:
            recorded += 1
    meal_list.recorded, meal_list.refused, meal_list.refusals = recorded, len(refusals), refusals
    meal_list.save(update_fields=["recorded", "refused", "refusals"])
    record_event(
        meal_list, MEAL_LIST_RECORDED, org=partner.org, actor_label=user.actor_label,
        changes={"rows": len(rows), "recorded": recorded, "refused": len(refusals),
                 "outlet": place.name, "file": file_name[:200]},
    )  # fmt: skip
    return meal_list


def _list_activity(partner: Partner, rows: Sequence[PaperRow]) -> int:
    """The activity a list is kept under: the partner's breakfast contract covering the most
    of its days (the first one signed when none does)."""
    contracts = list(
        PartnerContract.objects.filter(
            partner=partner, activity__kind=ActivityKind.BREAKFAST
        ).order_by("pk")
    )
    if not contracts:
        raise RuleViolation(_("This shop has no breakfast contract."), field="outlet")
    days = [row.day for row in rows]

    def covered(contract: PartnerContract) -> int:
        return sum(contract.starts_on <= day <= contract.ends_on for day in days)

    return max(contracts, key=covered).activity_id
