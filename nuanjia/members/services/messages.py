"""Messages to members: a row on their /m/ message list and, when asked, a text through the
core SMS backend (sent after commit; only the masked number is kept). Each kind of message
has a built-in wording (`TOPICS`) that a union may replace in the admin (MessageTemplate)."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from nuanjia.core.errors import RuleViolation
from nuanjia.core.sms import send_sms

from ..models import Member, Message, MessageTemplate

TOPICS = {
    "binding_confirmed": gettext_noop(
        "Your union confirmed your record: your union services are open on your phone."
    ),
    "binding_refused": gettext_noop("Your union could not confirm your record: %(reason)s"),
    "binding_moved": gettext_noop(
        "Your union record was bound to another phone account (%(phone)s). If this was not you, call 12351."
    ),
    "join_accepted": gettext_noop(
        "Welcome to %(union)s. Your member number is %(number)s; your card is on your phone."
    ),
    "join_refused": gettext_noop("Your application to join %(union)s was not accepted: %(reason)s"),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def check_template(topic: str, text: str) -> None:
    """A template names a known topic and keeps its placeholders, no more, no fewer."""
    if topic not in TOPICS:
        raise RuleViolation(_("Unknown message."), field="topic")
    if placeholders(text) != placeholders(TOPICS[topic]):
        raise RuleViolation(
            _("Keep exactly these placeholders: %(names)s")
            % {"names": ", ".join(f"%({name})s" for name in sorted(placeholders(TOPICS[topic])))},
            field="text",
        )


def render(topic: str, **values: Any) -> str:
    """The message of `topic` with its values: the union's wording, else the built-in one."""
    custom = MessageTemplate.objects.filter(topic=topic, is_active=True).first()
    wording = custom.text if custom else _(TOPICS[topic])
    return wording % {name: values.get(name, "") for name in placeholders(wording)}


def notify(member: Member, topic: str, text: str, *, sms: bool = True) -> Message:
    message = Message.objects.create(
        member=member,
        topic=topic[:30],
        text=text[:300],
        texted_to=member.phone_masked if sms else "",
    )
    if sms:
        number = member.phone
        transaction.on_commit(lambda: send_sms(number, text, topic=topic))
    return message


def tell(member: Member, topic: str, **values: Any) -> Message:
    """Notify a member with the message of `topic` (list and text)."""
    return notify(member, topic, render(topic, **values))


def text_phone(number: str, text: str, *, topic: str = "") -> None:
    """A text to a number that has no account of its own (a binding's previous phone)."""
    transaction.on_commit(lambda: send_sms(number, text, topic=topic))


def mark_read(member: Member) -> int:
    return Message.objects.filter(member=member, read_at=None).update(read_at=timezone.now())


def unread_count(member: Member) -> int:
    return Message.objects.filter(member=member, read_at=None).count()
