"""My data (PIPL arts. 44–47): what the union holds about a member, their download (after a
fresh texted code), and their requests — correction, withdrawal, closing, deletion — each in
a caseworker queue with its deadline. Closing ends every device and unbinds the account; the
union's own records stay, restricted by their retention, never erased here."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.core.workdays import add_working_days
from nuanjia.orgs.models import Org

from ..models import (
    Binding,
    DataRequest,
    Join,
    Member,
    MemberDevice,
    Message,
    PartnerConsent,
)
from ..workflow import DATA_FLOW, DataStep
from .messages import notify

CALENDAR_DAYS = 30
WORKING_DAYS = 15


def due_on(kind: str, asked: datetime.date) -> datetime.date:
    if kind in DataRequest.WORKING_DAY_KINDS:
        return add_working_days(asked, WORKING_DAYS)
    return asked + datetime.timedelta(days=CALENDAR_DAYS)


def _deciding_union(member: Member) -> Org:
    """The union keeping the member's record; before binding, the one asked to confirm it;
    else the province's (the root of the tree)."""
    if member.worker is not None:
        return member.worker.org
    binding = Binding.objects.filter(member=member).select_related("org").first()
    if binding is not None:
        return binding.org
    root = Org.objects.filter(parent=None).first()
    assert root is not None, "the union tree is loaded"
    return root


@transaction.atomic
def ask_about_data(member: Member, *, kind: str, text: str = "") -> DataRequest:
    if kind not in DataRequest.Kind.values:
        raise RuleViolation(_("Choose what you ask for."), field="kind")
    details = one_line(text, "text", 1000)
    if kind in {DataRequest.Kind.CORRECTION, DataRequest.Kind.OTHER} and not details:
        raise RuleViolation(_("Say what should change, or what you ask."), field="text")
    if DataRequest.objects.filter(
        member=member, kind=kind, status=DataRequest.Status.OPEN
    ).exists():
        raise RuleViolation(_("You asked this already; the union is answering."), field="kind")
    request = DataRequest.objects.create(
        member=member, org=_deciding_union(member), kind=kind, text=details,
        due_on=due_on(kind, timezone.localdate()),
    )  # fmt: skip
    DATA_FLOW.record(request, "data_request_asked", "", by=None, actor_label=member.actor_label,
                     changes={"kind": kind, "due_on": request.due_on})  # fmt: skip
    return request


def close_account(member: Member) -> None:
    """Close the account (注销): every device ended, unbound, consents for partners ended."""
    now = timezone.now()
    MemberDevice.objects.filter(member=member, ended_at=None).update(ended_at=now)
    PartnerConsent.objects.filter(member=member, withdrawn_at=None).update(withdrawn_at=now)
    member.worker = None
    member.bound_at = None
    member.bound_via = ""
    member.closed_at = now
    member.save(update_fields=["worker", "bound_at", "bound_via", "closed_at"])
    record_event(member, "member.closed", actor_label=member.actor_label)


@DATA_FLOW.handler(DataStep.DONE)
@transaction.atomic
def finish_data_request(
    request: DataRequest, *, by: Actor, note: str = "", **_f: Any
) -> DataRequest:
    with DATA_FLOW.moving(request, DataStep.DONE, by=by, note=note) as move:
        move.obj.answer = move.note
        member = Member.objects.select_for_update().get(pk=move.obj.member_id)
        notify(member, "data_request",
               _("Your request about your data is done: %(answer)s") % {"answer": move.note})  # fmt: skip
        if move.obj.kind == DataRequest.Kind.CLOSE:
            close_account(member)
    return move.obj


@DATA_FLOW.handler(DataStep.REFUSE)
@transaction.atomic
def refuse_data_request(
    request: DataRequest, *, by: Actor, note: str = "", **_f: Any
) -> DataRequest:
    with DATA_FLOW.moving(request, DataStep.REFUSE, by=by, note=note) as move:
        move.obj.answer = move.note
        notify(move.obj.member, "data_request",
               _("Your request about your data was refused: %(answer)s") % {"answer": move.note})  # fmt: skip
    return move.obj


def held_data(member: Member) -> list[tuple[str, list[tuple[str, Any]]]]:
    """What is held about the member, as titled sections of (label, value) rows."""
    account = [
        (_("Mobile phone"), member.phone),
        (_("Account opened"), timezone.localtime(member.created_at).strftime("%Y-%m-%d %H:%M")),
        (_("Privacy notice version"), member.consent_version),
        (_("Signed-in devices"), MemberDevice.objects.filter(member=member, ended_at=None).count()),
        (_("Messages"), Message.objects.filter(member=member).count()),
    ]
    sections = [(_("Account"), account)]
    worker = member.worker
    if worker is not None:
        sections.append((_("Union record"), [
            (_("Name"), worker.name),
            (_("ID number"), worker.id_number_masked),
            (_("Mobile phone"), worker.phone_masked),
            (_("Address"), worker.address),
            (_("Union"), worker.union.name if worker.union else ""),
            (_("Member number"), worker.member_number if worker.is_member else ""),
            (_("Kept by"), worker.org.name),
        ]))  # fmt: skip
    joins = Join.objects.filter(member=member).select_related("org")
    sections.append((_("Applications to join"), [
        (timezone.localtime(join.created_at).strftime("%Y-%m-%d"), f"{join.org.name} · {join.get_status_display()}")
        for join in joins
    ]))  # fmt: skip
    consents = PartnerConsent.objects.filter(member=member, withdrawn_at=None).select_related(
        "partner"
    )
    sections.append((_("Partners that may see your name"), [
        (consent.partner.name, timezone.localtime(consent.given_at).strftime("%Y-%m-%d"))
        for consent in consents
    ]))  # fmt: skip
    return sections


def data_workbook(member: Member) -> bytes:
    """The member's copy of their data (xlsx), audited."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("My data")
    for title, rows in held_data(member):
        sheet.append([str(title)])
        for label, value in rows:
            sheet.append([str(label), str(value)])
        sheet.append([])
    out = io.BytesIO()
    book.save(out)
    record_event(member, "member.data_downloaded", actor_label=member.actor_label)
    return out.getvalue()
