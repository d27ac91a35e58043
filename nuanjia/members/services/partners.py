"""Partners (合作机构) and their people: registered by a union's staff; a partner's people
sign in by phone and code (never a staff or member account), scan members' cards at their
outlets, and read their own scans. A member's name reaches a partner only with the member's
separate consent for that partner (PIPL art. 23); otherwise the partner sees it masked."""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.prepared import ModelColumns, hot_cursor
from nuanjia.core.sealed_phones import phone_index
from nuanjia.core.text import one_line
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import in_scope, roles_of, staff_of

from ..models import (
    CardScan,
    Member,
    Outlet,
    Partner,
    PartnerConsent,
    PartnerDevice,
    PartnerUser,
    PhoneCode,
)
from ..rules import PARTNER_ROLES
from .codes import mobile_number, send_code, use_code
from .devices import PRIVACY_NOTICE_VERSION, SEEN_EVERY, key_hash, open_key
from .scanning import ScanResult, scan

PARTNER_API_PREFIX = "njp_"


def _require(by: Actor, org: Org) -> None:
    if not (roles_of(by) & PARTNER_ROLES and in_scope(by, org)):
        raise PermissionDenied


# ---- Staff: registering partners -----------------------------------------------------------


@transaction.atomic
def register_partner(
    *, org: Org, name: str, kind: str, credit_code: str = "", by: Actor
) -> Partner:
    _require(by, org)
    if kind not in Partner.Kind.values:
        raise RuleViolation(_("Choose the kind of partner."), field="kind")
    clean = one_line(name, "name", 100, required_message=_("Enter the partner's name."))
    if Partner.objects.filter(org=org, name=clean).exists():
        raise RuleViolation(_("This union already has a partner of this name."), field="name")
    partner = Partner.objects.create(
        org=org, name=clean, kind=kind, credit_code=one_line(credit_code, "credit_code", 18),
        created_by=staff_of(by),
    )  # fmt: skip
    record_event(partner, "partner.registered", by=by, changes={"name": clean, "kind": kind})
    return partner


@transaction.atomic
def add_outlet(
    partner: Partner, *, name: str, address: str = "", region_code: str = "", by: Actor
) -> Outlet:
    _require(by, partner.org)
    clean = one_line(name, "name", 100, required_message=_("Enter the outlet's name."))
    if partner.outlets.filter(name=clean).exists():
        raise RuleViolation(_("This partner already has an outlet of this name."), field="name")
    outlet = Outlet.objects.create(
        partner=partner, name=clean, address=one_line(address, "address", 200),
        region_code=one_line(region_code, "region_code", 6),
    )  # fmt: skip
    record_event(partner, "partner.outlet_added", by=by, changes={"outlet": clean})
    return outlet


@transaction.atomic
def add_partner_user(partner: Partner, *, name: str, phone: str, by: Actor) -> PartnerUser:
    _require(by, partner.org)
    clean = one_line(name, "name", 50, required_message=_("Enter the person's name."))
    number = mobile_number(phone)
    user = PartnerUser(partner=partner, name=clean)
    user.phone = number
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise RuleViolation(
            _("This phone already signs in for a partner."), field="phone"
        ) from None
    record_event(partner, "partner.user_added", by=by,
                 changes={"user": clean, "phone": user.phone_masked})  # fmt: skip
    return user


@transaction.atomic
def set_partner_user_active(user: PartnerUser, *, active: bool, by: Actor) -> PartnerUser:
    """Stop (or restart) a partner's person; stopping ends every device they signed in on."""
    _require(by, user.partner.org)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        PartnerDevice.objects.filter(user=user, ended_at=None).update(ended_at=timezone.now())
    record_event(user.partner, "partner.user_" + ("started" if active else "stopped"), by=by,
                 changes={"user": user.name})  # fmt: skip
    return user


# ---- A partner's people: signing in and scanning -------------------------------------------


def _active_user(number: str) -> PartnerUser | None:
    return (
        PartnerUser.objects.select_related("partner")
        .filter(phone_index=phone_index(number), is_active=True, partner__is_active=True)
        .first()
    )


def send_partner_code(phone: str, *, ip: str | None, text: str) -> None:
    """Text a sign-in code when the phone is a partner person's. The answer is the same
    either way (no one learns which phones are partners'); the limits count both."""
    number = mobile_number(phone)
    if _active_user(number) is None:
        return
    send_code(number, PhoneCode.Purpose.PARTNER_SIGN_IN, ip=ip, text=text)


def partner_sign_in(
    phone: str, code: str, *, kind: str = "pages", user_agent: str = ""
) -> tuple[PartnerUser, str]:
    number = use_code(phone, PhoneCode.Purpose.PARTNER_SIGN_IN, code)
    user = _active_user(number)
    if user is None:  # stopped since the code was sent
        raise RuleViolation(_("This phone cannot sign in for a partner."), field="phone")
    raw = open_key(PartnerDevice, user=user, kind=kind, user_agent=user_agent,
                   api_prefix=PARTNER_API_PREFIX)  # fmt: skip
    record_event(user.partner, "partner.signed_in", actor_label=user.actor_label)
    return user, raw


_DEVICE = ModelColumns(PartnerDevice, "d")
_USER = ModelColumns(PartnerUser, "u")
_PARTNER = ModelColumns(Partner, "p")


@functools.cache
def _device_sql(vendor: str) -> str:
    """The open device of a key hash with its person and partner, in ONE statement written
    once per database: every partner API call and page asks it first, and Django spends
    several times longer building the select_related query than the database runs it."""
    quote = connection.ops.quote_name
    device, user, partner = (quote(m._meta.db_table) for m in (PartnerDevice, PartnerUser, Partner))
    return (
        f"SELECT {_DEVICE.select()}, {_USER.select()}, {_PARTNER.select()} "  # noqa: S608 -- our own names
        f"FROM {device} d JOIN {user} u ON u.{quote('id')} = d.{quote('user_id')} "
        f"JOIN {partner} p ON p.{quote('id')} = u.{quote('partner_id')} "
        f"WHERE d.{quote('key_hash')} = %s AND d.{quote('ended_at')} IS NULL "
        f"AND d.{quote('expires_at')} > %s"
    )


def partner_device_for_key(raw: str | None) -> PartnerDevice | None:
    """The open device a partner key names, with its person and partner (None for an
    unknown, ended or expired key, or a stopped person or partner), marked seen at most
    every few minutes (as `devices.find_key`)."""
    if not raw:
        return None
    now = timezone.now()
    moment = PartnerDevice._meta.get_field("expires_at").get_db_prep_value(now, connection)
    with hot_cursor() as cursor:
        cursor.execute(_device_sql(connection.vendor), [key_hash(raw), moment])
        row = cursor.fetchone()
    if row is None:
        return None
    device = _DEVICE.build(row)
    user = _USER.build(row, _DEVICE.width)
    partner = _PARTNER.build(row, _DEVICE.width + _USER.width)
    if not (user.is_active and partner.is_active):
        return None
    user.partner = partner
    device.user = user
    if now - device.last_seen_at > SEEN_EVERY:
        PartnerDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
    return device


def end_partner_device(device: PartnerDevice) -> None:
    PartnerDevice.objects.filter(pk=device.pk).update(ended_at=timezone.now())


def _has_consent(worker_id: int, partner: Partner) -> bool:
    return PartnerConsent.objects.filter(
        member__worker_id=worker_id, partner=partner, withdrawn_at=None
    ).exists()


def has_consent(worker_id: int, partner: Partner) -> bool:
    """Whether the worker's member account has a live consent for `partner` (its name may
    then be shown to the partner in full)."""
    return _has_consent(worker_id, partner)


def consenting_workers(partner: Partner, worker_ids: Any) -> set[int]:
    """Which of `worker_ids` have a live consent for `partner` (one query, for a list)."""
    return set(
        PartnerConsent.objects.filter(
            partner=partner, withdrawn_at=None, member__worker_id__in=list(worker_ids)
        ).values_list("member__worker_id", flat=True)
    )


def partner_scan(user: PartnerUser, *, outlet: Any = None, **card: str) -> ScanResult:
    """Scan a card at one of the partner's outlets: the result, written to the partner's
    scan list; the name unmasked only where the member consented for this partner."""
    partner = user.partner
    place = None
    if outlet:
        place = partner.outlets.filter(pk=outlet, is_active=True).first()
        if place is None:
            raise RuleViolation(_("Choose one of your outlets."), field="outlet")
    found = scan(**card)
    worker_id = found.worker_id
    if worker_id and _has_consent(worker_id, partner):
        found = found.with_name_shown()
    CardScan.objects.create(
        partner=partner, outlet=place, user=user, worker_id=worker_id,
        use=card.get("use", "membership"), status=found.status,
    )  # fmt: skip
    return found


# ---- A member's consents for partners ------------------------------------------------------


@transaction.atomic
def give_partner_consent(member: Member, partner: Partner) -> PartnerConsent:
    Member.objects.select_for_update().filter(pk=member.pk).first()  # one tap at a time
    live = PartnerConsent.objects.filter(member=member, partner=partner, withdrawn_at=None)
    existing = live.first()
    if existing is not None:
        return existing
    consent = PartnerConsent.objects.create(
        member=member, partner=partner, notice_version=PRIVACY_NOTICE_VERSION
    )
    record_event(member, "member.partner_consent_given", actor_label=member.actor_label,
                 changes={"partner": partner.name})  # fmt: skip
    return consent


@transaction.atomic
def withdraw_partner_consent(member: Member, partner: Partner) -> int:
    ended = PartnerConsent.objects.filter(member=member, partner=partner, withdrawn_at=None).update(
        withdrawn_at=timezone.now()
    )
    if ended:
        record_event(member, "member.partner_consent_withdrawn", actor_label=member.actor_label,
                     changes={"partner": partner.name})  # fmt: skip
    return ended
