"""Visits: QR check-ins, keepers' day counts and the daily rollup."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.crypto import blind_index
from nuanjia.core.errors import RuleViolation
from nuanjia.core.masking import mask_phone
from nuanjia.core.phones import is_mobile, normalize_phone
from nuanjia.orgs.permissions import staff_of
from nuanjia.people import membership

from ..models import (
    HOUR_FIELDS,
    DayTally,
    Service,
    Station,
    StationDay,
    Visit,
)
from .registry import (
    CLIENT_SALT,
    REPEAT_CHECKIN_WINDOW,
    VISITOR_PURPOSE,
    _require_keeper,
    is_open_at,
)

# --- visits ---------------------------------------------------------------------------------


def _visitor(card_or_phone: str) -> tuple[str, str]:
    """(keyed hash, masked hint) of a member card or mobile number; ("", "") when none was
    given. Anything else (`abc`, `12`, a landline) is refused, naming the field."""
    text = (card_or_phone or "").strip()
    if not text:
        return "", ""
    phone = normalize_phone(text)
    if is_mobile(phone):
        return blind_index(phone, purpose=VISITOR_PURPOSE), mask_phone(phone)
    card = "".join(text.split()).upper()
    if membership.worker_id_of(card) is None:
        raise RuleViolation(
            _(
                "Member card or mobile number: enter an 11-digit mobile number or a member "
                "card number (N and 11 digits), or leave it empty."
            ),
            field="card_or_phone",
        )
    return blind_index(card, purpose=VISITOR_PURPOSE), "*" * 4 + card[-4:]


def _client_hash(client: str) -> str:
    """A keyed hash of the client identity; the identity itself is never stored."""
    return salted_hmac(CLIENT_SALT, client, algorithm="sha256").hexdigest()


def _refuse_repeat(
    station: Station, at: datetime.datetime, *, visitor_hash: str, client_hash: str
) -> None:
    """Refuse a second check-in of the same visitor at the same station within the window.

    The station row is locked first, so two submissions of one form cannot both pass."""
    if visitor_hash:
        same = {"visitor_hash": visitor_hash}
    elif client_hash:
        same = {"visitor_hash": "", "client_hash": client_hash}
    else:
        return
    Station.objects.select_for_update().filter(pk=station.pk).first()
    recent = Visit.objects.filter(
        station=station,
        on__gte=timezone.localtime(at - REPEAT_CHECKIN_WINDOW).date(),  # (station, on) index
        at__gt=at - REPEAT_CHECKIN_WINDOW,
        at__lte=at,
        **same,
    )
    if recent.exists():
        raise RuleViolation(
            _(
                "You have already checked in at this station in the last %(minutes)d minutes;"
                " one check-in per visit is enough."
            )
            % {"minutes": REPEAT_CHECKIN_WINDOW.seconds // 60},
            code="repeat_checkin",
        )


@transaction.atomic
def check_in(
    station: Station,
    *,
    services: Iterable[str] = (),
    card_or_phone: str = "",
    client: str = "",
    at: datetime.datetime | None = None,
) -> Visit:
    """Log one visit from the station's QR page. Public: no actor.

    A station that is closed, suspended or shut at this hour logs nothing. A repeat within
    REPEAT_CHECKIN_WINDOW at the same station is refused: the same card or phone, or, when
    none is given, the same `client` (an opaque identity of the phone or browser). A visit is a
    counted fact, not a change of anyone's record, so it writes no audit event (one per
    check-in would serialize every public scan on the audit chain's head row); the member
    card or phone is kept only as a keyed hash and a masked hint.
    """
    at = at or timezone.now()
    if station.status == Station.Status.CLOSED:
        raise RuleViolation(
            _("This station is closed for good; nothing was recorded."), code="station_closed"
        )
    if not is_open_at(station, at):
        raise RuleViolation(
            _("This station is not open now; nothing was recorded."), code="station_closed"
        )
    used = set(services)
    unknown = used - set(Service.values)
    if unknown:
        raise RuleViolation(
            _("Unknown service %(name)s.") % {"name": "、".join(sorted(unknown))},
            field="services",
        )
    visitor_hash, hint = _visitor(card_or_phone)
    client_hash = _client_hash(client) if client else ""
    _refuse_repeat(station, at, visitor_hash=visitor_hash, client_hash=client_hash)
    local = timezone.localtime(at)
    return Visit.objects.create(
        station=station,
        at=at,
        on=local.date(),
        hour=local.hour,
        visitor_hash=visitor_hash,
        visitor_hint=hint,
        client_hash=client_hash,
        **{f"used_{service}": service in used for service in Service.values},
    )


@transaction.atomic
def record_tally(station: Station, *, on: datetime.date, visits: int, by: Actor) -> DayTally:
    """A keeper's count of a day's visitors who did not scan; replaces that day's count."""
    _require_keeper(by, station.org)
    if on > clock.today():
        raise RuleViolation(_("The day cannot be in the future."), field="on")
    if visits < 0 or visits > 100_000:
        raise RuleViolation(_("Enter a count between 0 and 100000."), field="visits")
    tally, created = DayTally.objects.select_for_update().get_or_create(
        station=station, on=on, defaults={"visits": visits, "recorded_by": by}
    )
    old = None if created else tally.visits
    if not created:
        tally.visits = visits
        tally.recorded_by = staff_of(by)
        tally.save(update_fields=["visits", "recorded_by", "updated_at"])
    record_event(station, "station.tally", by=by, changes={"on": str(on), "visits": [old, visits]})
    rollup_days(on, on, station_id=station.pk)
    return tally


# --- the daily rollup -----------------------------------------------------------------------


def rollup_days(first: datetime.date, last: datetime.date, *, station_id: int | None = None) -> int:
    """Rebuild StationDay for every day in [first, last] (of one station, or of all): one
    DELETE and one set-based INSERT … SELECT of check-ins (by day and station, with
    per-service and per-hour sums) joined with the keepers' tallies. Returns the rows
    written. Idempotent."""
    day_table = StationDay._meta.db_table
    visit_table = Visit._meta.db_table
    tally_table = DayTally._meta.db_table
    station_table = Station._meta.db_table
    services = [service for service in Service.values]
    hour_sums = ", ".join(f"SUM(CASE WHEN v.hour = {hour} THEN 1 ELSE 0 END)" for hour in range(24))
    service_sums = ", ".join(
        f"SUM(CASE WHEN v.used_{service} THEN 1 ELSE 0 END)" for service in services
    )
    zero_hours = ", ".join("0" for _hour in range(24))
    zero_services = ", ".join("0" for _service in services)
    columns = ", ".join(
        [
            "station_id",
            '"on"',
            "org_id",
            "region_code",
            "city_code",
            "visits",
            "checkins",
            "tallied",
            *services,
            *HOUR_FIELDS,
        ]
    )
    agg_columns = ", ".join(
        ["station_id", "day", "checkins", *[f"s_{s}" for s in services], *HOUR_FIELDS]
    )
    picked = ", ".join([f"a.s_{s}" for s in services] + [f"a.{h}" for h in HOUR_FIELDS])
    only_visits = "AND v.station_id = %s" if station_id is not None else ""
    only_tallies = "AND t.station_id = %s" if station_id is not None else ""
    one = [station_id] if station_id is not None else []
    sql = f"""
        WITH agg({agg_columns}) AS (
            SELECT v.station_id, v."on", COUNT(*), {service_sums}, {hour_sums}
            FROM {visit_table} v WHERE v."on" BETWEEN %s AND %s {only_visits}
            GROUP BY v."on", v.station_id
            UNION ALL
            SELECT t.station_id, t."on", 0, {zero_services}, {zero_hours}
            FROM {tally_table} t WHERE t."on" BETWEEN %s AND %s {only_tallies} AND NOT EXISTS (
                SELECT 1 FROM {visit_table} v2
                WHERE v2.station_id = t.station_id AND v2."on" = t."on")
        )
        INSERT INTO {day_table} ({columns})
        SELECT a.station_id, a.day, s.org_id, s.region_code, s.city_code,
               a.checkins + COALESCE(t.visits, 0), a.checkins, COALESCE(t.visits, 0), {picked}
        FROM agg a
        JOIN {station_table} s ON s.id = a.station_id
        LEFT JOIN {tally_table} t ON t.station_id = a.station_id AND t."on" = a.day
    """  # noqa: S608 — table and column names are this module's constants; dates are parameters
    # Every name in the statement is a constant of this module; the dates are parameters.
    with transaction.atomic(), connection.cursor() as cursor:
        days = StationDay.objects.filter(on__range=(first, last))
        if station_id is not None:
            days = days.filter(station_id=station_id)
        days.delete()
        cursor.execute(sql, [first, last, *one, first, last, *one])
    return days.count()


def nightly_rollup() -> int:
    """The nightly job: yesterday and the day before (late keepers' counts)."""
    today = clock.today()
    return rollup_days(today - datetime.timedelta(days=2), today - datetime.timedelta(days=1))


def validation_message(error: ValidationError) -> str:
    return " ".join(error.messages)
