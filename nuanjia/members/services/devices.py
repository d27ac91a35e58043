"""Signing in by phone and code, and the devices a member is signed in on (30 days each).

A device's key is the `/m/` cookie or, for an app, the bearer token (`njm_…`); only its
SHA-256 is stored. Signing in binds the account to the registry worker whose registered
phone is the signed-in one, when exactly one such worker has no account yet."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any, NoReturn, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.sealed_phones import phone_index
from nuanjia.people.models import Worker

from ..models import Device, Member, MemberDevice, PhoneCode
from .codes import use_code

DEVICE_DAYS = 30
RECHECK_MINUTES = 30  # a texted code this recent opens the own-file copy and the download
SEEN_EVERY = timedelta(minutes=5)  # last_seen_at is written at most this often
API_PREFIX = "njm_"
PRIVACY_NOTICE_VERSION = "2026-12"
D = TypeVar("D", bound=Device)


def key_hash(raw: str) -> str:
    """What is stored of a device's key: its SHA-256."""
    return hashlib.sha256(raw.encode()).hexdigest()


def _refuse_without_consent() -> NoReturn:
    raise RuleViolation(
        _("Read and accept the privacy notice to open an account."), field="consent"
    )


def _member_for(number: str, *, consent_version: str) -> Member:
    index = phone_index(number)
    member = Member.objects.filter(phone_index=index).first()
    if member is not None and member.closed_at is None:
        return member
    if member is not None:  # closed at the member's request: opened anew with a fresh consent
        if not consent_version:
            _refuse_without_consent()
        member.closed_at = None
        member.consent_version = consent_version
        member.consent_at = timezone.now()
        member.save(update_fields=["closed_at", "consent_version", "consent_at"])
        record_event(member, "member.reopened", actor_label=member.actor_label)
        return member
    if not consent_version:
        _refuse_without_consent()
    now = timezone.now()
    try:
        with transaction.atomic():
            member = Member(consent_version=consent_version, consent_at=now)
            member.phone = number
            member.save()
    except IntegrityError:  # the same phone signed in twice at once
        return Member.objects.get(phone_index=index)
    record_event(member, "member.opened", actor_label=member.actor_label,
                 changes={"consent_version": consent_version})  # fmt: skip
    return member


def bind_by_phone(member: Member) -> bool:
    """Bind an unbound account to the one registry worker registered with its phone (and
    without an account); False when none or several match."""
    if member.worker_id is not None:
        return False
    candidates = list(
        Worker.objects.filter(phone_index=member.phone_index, merged_into=None)
        .filter(member_account=None)
        .values_list("pk", flat=True)[:2]
    )
    if len(candidates) != 1:
        return False
    member.worker_id = candidates[0]
    member.bound_at = timezone.now()
    member.bound_via = Member.BoundVia.PHONE
    member.save(update_fields=["worker", "bound_at", "bound_via"])
    record_event(member, "member.bound", actor_label=member.actor_label,
                 changes={"via": Member.BoundVia.PHONE})  # fmt: skip
    return True


def open_device(member: Member, *, kind: str, user_agent: str = "") -> str:
    """A new signed-in device of a member; returns its raw key (shown to the client once)."""
    return open_key(MemberDevice, member=member, kind=kind, user_agent=user_agent,
                    api_prefix=API_PREFIX)  # fmt: skip


def open_key(model: type[D], *, kind: str, user_agent: str, api_prefix: str, **owner: Any) -> str:
    """A new device row of `model` for `owner` (member= or user=); returns the raw key."""
    raw = (api_prefix if kind == Device.Kind.API else "") + secrets.token_urlsafe(32)
    now = timezone.now()
    model._default_manager.create(
        **owner,
        kind=kind,
        key_hash=key_hash(raw),
        user_agent=user_agent[:120],
        created_at=now,
        checked_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(days=DEVICE_DAYS),
    )
    return raw


def find_key(devices: QuerySet[D], raw: str | None) -> D | None:
    """The open device a key names (None for an unknown, ended or expired key), marked seen
    at most every few minutes."""
    if not raw:
        return None
    now = timezone.now()
    device = devices.filter(key_hash=key_hash(raw), ended_at=None, expires_at__gt=now).first()
    if device is not None and now - device.last_seen_at > SEEN_EVERY:
        devices.model._default_manager.filter(pk=device.pk).update(last_seen_at=now)
    return device


def sign_in(
    phone: str, code: str, *, kind: str = "pages", user_agent: str = "", consent_version: str = ""
) -> tuple[Member, str]:
    """Spend the sign-in code and open a device: (the member, the device's raw key). The
    code is spent (or its wrong try counted) in a transaction of its own, which a refusal
    afterwards does not undo."""
    open_account = Member.objects.filter(phone_index=phone_index(phone), closed_at=None)
    if not consent_version and not open_account.exists():
        _refuse_without_consent()  # before the code is spent
    number = use_code(phone, PhoneCode.Purpose.SIGN_IN, code)
    with transaction.atomic():
        member = _member_for(number, consent_version=consent_version)
        bind_by_phone(member)
        member.last_signed_in_at = timezone.now()
        member.save(update_fields=["last_signed_in_at"])
        raw = open_device(member, kind=kind, user_agent=user_agent)
        record_event(member, "member.signed_in", actor_label=member.actor_label,
                     changes={"device": kind})  # fmt: skip
    return member, raw


def device_for_key(raw: str | None) -> MemberDevice | None:
    """The member's open device a key names, with its member."""
    return find_key(MemberDevice.objects.select_related("member"), raw)


def sign_out(device: MemberDevice) -> None:
    MemberDevice.objects.filter(pk=device.pk, ended_at=None).update(ended_at=timezone.now())
    record_event(device.member, "member.signed_out", actor_label=device.member.actor_label)


@transaction.atomic
def sign_out_everywhere(member: Member) -> int:
    """End every device of the account (退出所有设备); returns how many were open."""
    ended = MemberDevice.objects.filter(member=member, ended_at=None).update(
        ended_at=timezone.now()
    )
    record_event(member, "member.signed_out_everywhere", actor_label=member.actor_label,
                 changes={"devices": ended})  # fmt: skip
    return ended


def recheck(device: MemberDevice, code: str) -> None:
    """Confirm on this device with a fresh texted code (再次验证)."""
    use_code(device.member.phone, PhoneCode.Purpose.RECHECK, code)
    device.checked_at = timezone.now()
    MemberDevice.objects.filter(pk=device.pk).update(checked_at=device.checked_at)
    record_event(device.member, "member.rechecked", actor_label=device.member.actor_label)


def recently_checked(device: MemberDevice) -> bool:
    return timezone.now() - device.checked_at <= timedelta(minutes=RECHECK_MINUTES)
