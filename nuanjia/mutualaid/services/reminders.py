"""Reminders by SMS before a term ends (core.sms): each covered member whose term ends within
the coming days, not renewed yet and not reminded for this term, gets one text; the run is
audited once. A daily job (tasks.py) sends them."""

from __future__ import annotations

import datetime
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.audit import record_event
from nuanjia.core.sms import send_sms

from ..models import Enrolment
from ..rules import EnrolmentStatus

REMIND_DAYS = 30


def send_term_end_reminders(*, days: int = REMIND_DAYS) -> int:
    """Text every member whose term ends within `days`; returns how many were texted."""
    today = clock.today()
    due = (
        Enrolment.objects.filter(
            status=EnrolmentStatus.ACTIVE, reminded_on__isnull=True, renewal__isnull=True,
            ends_on__gte=today, ends_on__lte=today + datetime.timedelta(days=days),
        )
        .select_related("plan", "worker")
        .order_by("pk")
    )  # fmt: skip
    sent = 0
    for enrolment in due.iterator(chunk_size=500):
        phone = enrolment.worker.phone
        if not phone:
            continue
        text = _(
            "[Nuanjia] Your cover in %(plan)s ends on %(day)s. Pay the next year's contribution "
            "within %(grace)d days after it to keep your cover without a new waiting period."
        ) % {
            "plan": enrolment.plan.name,
            "day": enrolment.ends_on.isoformat(),
            "grace": enrolment.plan.grace_days,
        }
        with transaction.atomic():
            Enrolment.objects.filter(pk=enrolment.pk).update(reminded_on=today)
            transaction.on_commit(partial(send_sms, phone, text, topic="mutualaid.term_end"))
        sent += 1
    record_event(None, "mutualaid.reminders_sent", by=None, changes={"sent": sent, "days": days})
    return sent
