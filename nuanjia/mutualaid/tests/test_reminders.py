"""Texts before the term ends: once per term, not to the renewed, the run audited."""

import datetime

import pytest

from nuanjia.core import clock
from nuanjia.core.models import AuditEvent
from nuanjia.core.sms import MemoryBackend
from nuanjia.mutualaid.services.reminders import send_term_end_reminders

from .support import covered


@pytest.mark.django_db
def test_members_are_texted_once_before_their_term_ends(
    plan, caseworker, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "nuanjia.core.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    enrolment = covered(plan, caseworker)
    worker = enrolment.worker
    worker.phone = "13812345678"
    worker.save()
    with clock.as_of(datetime.date(2026, 12, 5)), django_capture_on_commit_callbacks(execute=True):
        assert send_term_end_reminders() == 1
        assert send_term_end_reminders() == 0
    [(phone, text)] = MemoryBackend.outbox
    assert phone == "13812345678" and "2026-12-31" in text
    assert AuditEvent.objects.filter(action="mutualaid.reminders_sent").count() == 2
