"""Out-of-scope hotline rows for the scoping walker (tests/test_scoping.py `other_county`)."""

from django.utils import timezone

from nuanjia.hotline.models import AnswerTemplate, Ticket, TicketAttachment, TicketEvent
from nuanjia.hotline.rules import Channel, Kind, Status


def hotline_rows(union, marker: str) -> dict[str, int]:
    """A 开封 ticket (with a timeline row, an attachment and an answer template) carrying the
    marker; returns the walker's URL parameters for them."""
    ticket = Ticket.objects.create(  # type: ignore[misc]  # a sealed-phone property (core.sealed_phones)
        number=f"12351-{timezone.localdate():%Y%m%d}-9999",
        channel=Channel.PHONE,
        caller_name=marker,
        caller_phone="13900000000",
        region_code="410204",
        employer_name=marker,
        kind=Kind.HELP,
        is_urgent=True,
        description=marker,
        status=Status.IN_PROGRESS,
        org=union,
        duplicate_key=marker[:32],
        answer=marker,
    )
    TicketEvent.objects.create(ticket=ticket, action="note", note=marker)
    # No file on disk: the walker must be refused before anything is opened.
    attachment = TicketAttachment.objects.create(
        ticket=ticket, file=f"hotline/{ticket.pk}/{marker}.txt", name=f"{marker}.txt", size=6
    )
    AnswerTemplate.objects.create(org=union, title=marker, text=marker)
    return {"ticket_id": ticket.pk, "attachment_id": attachment.pk}
