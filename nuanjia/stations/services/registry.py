"""The station registry's writes: who keeps a station, its checked fields, create and change, facilities, closures, photos, open or shut."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import cache
from nuanjia.core.actors import Actor
from nuanjia.core.audit import diff, record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.phones import normalize_phone
from nuanjia.core.uploads import image_check
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import acts_for
from nuanjia.standards import regions

from .. import rules
from ..models import (
    Closure,
    Facility,
    Station,
    StationFacility,
    StationPhoto,
)
from ..workflow import KEEPER_ROLES

VISITOR_PURPOSE = "station_visitor"
CLIENT_SALT = "nuanjia.stations.checkin_client"
# A visitor (by card or phone, else by client) checks in once per visit: a repeat at the same
# station within this window is refused.
REPEAT_CHECKIN_WINDOW = datetime.timedelta(minutes=10)
PHOTO_MAX_BYTES = 8 * 1024 * 1024
# A few bytes of PNG can claim billions of pixels (a decompression bomb); a phone photo has
# at most ~50 million.
PHOTO_MAX_PIXELS = 64_000_000
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}  # format → stored extension

# The seeded checklist (code, name, has a quantity); more can be added in the admin.
DEFAULT_FACILITIES = (
    ("water", "饮水", False),
    ("microwave", "热饭", False),
    ("seats", "休息座位数", True),
    ("toilet", "如厕", False),
    ("charging", "充电", False),
    ("first_aid", "药箱", False),
    ("climate", "冷暖", False),
    ("reading", "阅读角", False),
    ("wifi", "Wi-Fi", False),
)


def seed_facilities() -> None:
    """Create the default checklist items that are missing (idempotent)."""
    created = False
    for index, (code, name, has_quantity) in enumerate(DEFAULT_FACILITIES):
        _facility, was_created = Facility.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "bit": index,
                "has_quantity": has_quantity,
                "sort_order": index,
            },
        )
        created = created or was_created
    if created:
        cache.bump(Facility)


# --- permissions ----------------------------------------------------------------------------


def may_keep(user: Actor | None, station_or_org: Station | Org) -> bool:
    """Whether `user` may change a station of `org`: a keeper role, in the org's subtree."""
    org = station_or_org.org if isinstance(station_or_org, Station) else station_or_org
    return acts_for(user, org, KEEPER_ROLES)


def _require_keeper(by: Actor | None, org: Org) -> None:
    if by is not None and not may_keep(by, org):
        raise RuleViolation(
            _("Only a caseworker or station keeper of the host union or above may do this."),
            field="org",
            code="forbidden",
        )


# --- checking fields ------------------------------------------------------------------------


@dataclass
class StationFields:
    """A station's fields once checked: coordinates already WGS-84, hours parsed."""

    code: str
    name: str
    org: Org
    address: str
    region_code: str
    lat: float
    lng: float
    operator: str = Station.Operator.SELF_BUILT
    partner_name: str = ""
    opening_hours: str = "24小时"
    closed_on_holidays: bool = False
    is_published: bool = True
    phone: str = ""
    notes: str = ""
    standard_checks: tuple[str, ...] = ()
    facilities: Mapping[str, int | None] | None = None  # facility code or name → quantity


def facility_lookup() -> dict[str, Facility]:
    """Active facilities by code and by name (what forms and sheets may use)."""
    lookup = {}
    for facility in Facility.objects.filter(is_active=True):
        lookup[facility.code] = facility
        lookup[facility.name] = facility
        lookup[facility.name.lower()] = facility
    return lookup


def resolve_facilities(
    names: Mapping[str, int | None], lookup: dict[str, Facility] | None = None
) -> dict[Facility, int | None]:
    lookup = lookup if lookup is not None else facility_lookup()
    resolved = {}
    for name, quantity in names.items():
        facility = lookup.get(name) or lookup.get(str(name).strip().lower())
        if facility is None:
            known = "、".join(sorted({f.name for f in lookup.values()}))
            raise RuleViolation(
                _("Unknown facility “%(name)s”. Known facilities: %(known)s.")
                % {"name": name, "known": known},
                field="facilities",
            )
        resolved[facility] = quantity if facility.has_quantity else None
    return resolved


def check_station_fields(
    fields: StationFields,
    *,
    instance: Station | None = None,
    lookup: dict[str, Facility] | None = None,
) -> dict[str, Any]:
    """Check everything about a station except who may write it; return the model values.

    Raises RuleViolation naming the field at fault.
    """
    code = fields.code.strip().upper()
    if not code:
        raise RuleViolation(_("Enter the station code."), field="code")
    if len(code) > 32 or not all(ch.isalnum() or ch in "-_" for ch in code):
        raise RuleViolation(
            _("The station code may hold at most 32 letters, digits, '-' and '_'."), field="code"
        )
    clash = Station.objects.filter(code=code)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise RuleViolation(
            _("Another station already uses the code %(code)s.") % {"code": code}, field="code"
        )
    name = fields.name.strip()
    if not name or len(name) > 100:
        raise RuleViolation(_("Enter a name of at most 100 characters."), field="name")
    address = fields.address.strip()
    if not address or len(address) > 200:
        raise RuleViolation(_("Enter an address of at most 200 characters."), field="address")
    region = fields.region_code.strip()
    if len(region) != 6 or not region.isdigit():
        raise RuleViolation(
            _("The region code has 6 digits (GB/T 2260), e.g. 410108."), field="region_code"
        )
    if fields.operator not in Station.Operator.values:
        raise RuleViolation(_("Choose self-built or co-built."), field="operator")
    partner = fields.partner_name.strip()
    if fields.operator == Station.Operator.CO_BUILT and not partner:
        raise RuleViolation(_("A co-built station needs the partner's name."), field="partner_name")
    lat, lng = rules.check_coordinates(fields.lat, fields.lng)
    hours = rules.parse_opening_hours(fields.opening_hours)
    unknown = set(fields.standard_checks) - set(rules.STANDARD_ITEMS)
    if unknown:
        raise RuleViolation(
            _("Unknown checklist item %(item)s.") % {"item": "、".join(sorted(unknown))},
            field="standard_checks",
        )
    phone = fields.phone.strip()
    if phone:
        normalized = normalize_phone(phone)
        if not normalized:
            raise RuleViolation(_("Enter a valid phone number."), field="phone")
        phone = normalized
    facilities = resolve_facilities(fields.facilities or {}, lookup)
    return {
        "code": code,
        "name": name,
        "org": fields.org,
        "address": address,
        "region_code": region,
        "city_code": regions.city_of(region),
        "lat": lat,
        "lng": lng,
        "cell": rules.cell_of(lat, lng),
        "operator": fields.operator,
        "partner_name": partner if fields.operator == Station.Operator.CO_BUILT else "",
        "opening_hours": rules.format_opening_hours(hours),
        "weekly_hours": hours.to_json(),
        "always_open": hours.is_always_open,
        "closed_on_holidays": bool(fields.closed_on_holidays),
        "is_published": bool(fields.is_published),
        "phone": phone,
        "notes": fields.notes.strip(),
        "standard_checks": [
            item for item in rules.STANDARD_ITEMS if item in fields.standard_checks
        ],
        "facility_mask": sum(facility.mask for facility in facilities),
        "_facilities": facilities,
    }


def _snapshot(station: Station) -> dict[str, Any]:
    return {
        "code": station.code,
        "name": station.name,
        "org": station.org_id,
        "address": station.address,
        "region_code": station.region_code,
        "lat": station.lat,
        "lng": station.lng,
        "operator": station.operator,
        "partner_name": station.partner_name,
        "opening_hours": station.opening_hours,
        "closed_on_holidays": station.closed_on_holidays,
        "is_published": station.is_published,
        "phone": station.phone,
        "standard_checks": list(station.standard_checks),
        "facility_mask": station.facility_mask,
        "status": station.status,
    }


def _save_facilities(station: Station, facilities: dict[Facility, int | None]) -> None:
    StationFacility.objects.filter(station=station).exclude(facility__in=list(facilities)).delete()
    existing = {row.facility_id: row for row in station.facility_rows.all()}
    for facility, quantity in facilities.items():
        row = existing.get(facility.pk)
        if row is None:
            StationFacility.objects.create(station=station, facility=facility, quantity=quantity)
        elif row.quantity != quantity:
            row.quantity = quantity
            row.save(update_fields=["quantity"])


@transaction.atomic
def create_station(
    fields: StationFields, *, by: Actor | None, checked: dict[str, Any] | None = None
) -> Station:
    """Register a station under its host union (the writer's union or one below it)."""
    _require_keeper(by, fields.org)
    values = dict(checked or check_station_fields(fields))
    facilities = values.pop("_facilities")
    station = Station.objects.create(**values)
    _save_facilities(station, facilities)
    record_event(station, "station.created", by=by, changes=_snapshot(station))
    return station


@transaction.atomic
def update_station(
    station: Station, fields: StationFields, *, by: Actor, checked: dict[str, Any] | None = None
) -> Station:
    """Change a station's record; the new host union must also be within the writer's reach."""
    Station.objects.select_for_update().filter(pk=station.pk).first()
    station.refresh_from_db()
    _require_keeper(by, station.org)
    _require_keeper(by, fields.org)
    values = dict(checked or check_station_fields(fields, instance=station))
    facilities = values.pop("_facilities")
    before = _snapshot(station)
    for name, value in values.items():
        setattr(station, name, value)
    station.save()
    _save_facilities(station, facilities)
    changes = diff(before, _snapshot(station))
    if changes:
        record_event(station, "station.updated", by=by, changes=changes)
    return station


TRANSITIONS: dict[str, set[str]] = {
    Station.Status.OPEN: {Station.Status.SUSPENDED, Station.Status.CLOSED},
    Station.Status.SUSPENDED: {Station.Status.OPEN, Station.Status.CLOSED},
    Station.Status.CLOSED: {Station.Status.OPEN},  # a reopened site keeps its code and QR
}


@transaction.atomic
def set_station_status(
    station: Station, status: str, *, by: Actor | None, reason: str = ""
) -> Station:
    """Open, suspend or close a station. A closed station's QR page says so and logs nothing."""
    caller = station
    station = Station.objects.select_for_update().get(pk=station.pk)
    _require_keeper(by, station.org)
    if status not in TRANSITIONS.get(station.status, set()):
        raise RuleViolation(
            _("A station that is %(old)s cannot become %(new)s.")
            % {
                "old": station.get_status_display(),
                "new": Station.Status(status).label if status in Station.Status.values else status,
            },
            field="status",
        )
    old = station.status
    station.status = status
    station.save(update_fields=["status", "updated_at"])
    caller.status = status
    record_event(
        station, "station.status", by=by, changes={"status": [old, status], "reason": reason[:200]}
    )
    return station


@transaction.atomic
def add_closure(
    station: Station,
    *,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str = "",
    by: Actor,
) -> Closure:
    """Close a station for dated days (a holiday, repairs)."""
    _require_keeper(by, station.org)
    if ends_on < starts_on:
        raise RuleViolation(_("The last day cannot be before the first day."), field="ends_on")
    if (ends_on - starts_on).days > 366:
        raise RuleViolation(
            _("A closure lasts at most a year; suspend the station instead."), field="ends_on"
        )
    closure = Closure.objects.create(
        station=station, starts_on=starts_on, ends_on=ends_on, reason=reason.strip()[:100]
    )
    record_event(
        station,
        "station.closure_added",
        by=by,
        changes={"from": str(starts_on), "to": str(ends_on), "reason": closure.reason},
    )
    return closure


@transaction.atomic
def remove_closure(closure: Closure, *, by: Actor) -> None:
    _require_keeper(by, closure.station.org)
    record_event(
        closure.station,
        "station.closure_removed",
        by=by,
        changes={"from": str(closure.starts_on), "to": str(closure.ends_on)},
    )
    closure.delete()


def check_photo(upload: UploadedFile) -> str:
    """A photo is a JPEG, PNG or WebP of at most 8 MB and PHOTO_MAX_PIXELS, checked by content,
    not by name (core.uploads.image_check); returns its format."""
    if (upload.size or 0) > PHOTO_MAX_BYTES:
        raise RuleViolation(_("A photo can be at most 8 MB."), field="image")
    kind, too_many_pixels = image_check(upload, PHOTO_MAX_PIXELS)
    if too_many_pixels:
        raise RuleViolation(
            _("Photo: the image has too many pixels (at most %(megapixels)d million).")
            % {"megapixels": PHOTO_MAX_PIXELS // 1_000_000},
            field="image",
        )
    if kind not in PHOTO_FORMATS:
        raise RuleViolation(_("Upload a JPEG, PNG or WebP photo."), field="image")
    return kind


@transaction.atomic
def add_photo(
    station: Station, upload: UploadedFile, *, caption: str = "", by: Actor
) -> StationPhoto:
    _require_keeper(by, station.org)
    kind = check_photo(upload)
    photo = StationPhoto(station=station, caption=caption.strip()[:100])
    # The stored name comes from the checked format, never from the upload's own name, so the
    # file is always served as the image it is.
    photo.image.save(f"{secrets.token_hex(8)}.{PHOTO_FORMATS[kind]}", upload, save=False)
    photo.save()
    record_event(station, "station.photo_added", by=by, changes={"photo": photo.image.name})
    return photo


# --- open or shut ---------------------------------------------------------------------------


def is_open_at(
    station: Station, moment: datetime.datetime, closures: Iterable[Closure] | None = None
) -> bool:
    """Open for visitors at `moment`: status open, within its hours, no dated closure that
    day, and not a statutory holiday when it closes on those."""
    if station.status != Station.Status.OPEN:
        return False
    local = timezone.localtime(moment)
    day = local.date()
    if closures is None:
        closures = station.closures.filter(starts_on__lte=day, ends_on__gte=day)
    if any(c.starts_on <= day <= c.ends_on for c in closures):
        return False
    if station.closed_on_holidays and rules.is_statutory_holiday(day):
        return False
    return rules.WeeklyHours.from_json(station.weekly_hours).is_open_at(local)
