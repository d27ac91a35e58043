"""Messages to members: a row on their /m/ message list and, when asked, a text through the
core SMS backend (sent after commit; only the masked number is kept)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from nuanjia.core.sms import send_sms

from ..models import Member, Message


def notify(member: Member, topic: str, text: str, *, sms: bool = True) -> Message:
    message = Message.objects.create(
        member=member,
        topic=topic,
        text=text[:300],
        texted_to=member.phone_masked if sms else "",
    )
    if sms:
        number = member.phone
        transaction.on_commit(lambda: send_sms(number, text))
    return message


def text_phone(number: str, text: str) -> None:
    """A text to a number that has no account of its own (a binding's previous phone)."""
    transaction.on_commit(lambda: send_sms(number, text))


def mark_read(member: Member) -> int:
    return Message.objects.filter(member=member, read_at=None).update(read_at=timezone.now())


def unread_count(member: Member) -> int:
    return Message.objects.filter(member=member, read_at=None).count()
