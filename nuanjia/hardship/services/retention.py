"""Retention (保存期限): a closed file's words and documents erased when its period ends;
figures stay."""

import datetime

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce, Now
from django.utils import timezone

from nuanjia.core.actors import Actor

from .. import queries, rules
from ..models import (
    FileAttachment,
    FileEvent,
    HardshipFile,
    HardshipPolicy,
    Objection,
)
from ..rules import Status
from ..workflow import FLOW
from .guards import _today

# What a file says about a family in words; erased when its retention ends. Figures, dates,
# category and amounts stay, so reports over past years still add up.
PURGED_TEXT_FIELDS = (
    "application_note", "check_note", "visit_note", "consent_evidence", "sudden_cause",
    "civil_affairs_note", "review_note", "exit_note",
)  # fmt: skip
CLOSED_UNFILED = (Status.REJECTED, Status.WITHDRAWN)


def _retention_start(hardship_file: HardshipFile) -> datetime.date:
    """Exited files count from the exit; refused or withdrawn ones from their last change."""
    if hardship_file.status == Status.EXITED and hardship_file.exited_on:
        return hardship_file.exited_on
    return timezone.localdate(hardship_file.updated_at)


def expired_files(on: datetime.date) -> list[HardshipFile]:
    """Closed files whose retention (policy of their region, from the exit) ended before `on`."""
    shortest = min(
        [
            rules.DEFAULT_POLICY.retention_years,
            *HardshipPolicy.objects.values_list("retention_years", flat=True),
        ]
    )
    latest_start = rules.add_months(on, -12 * shortest)
    candidates = HardshipFile.objects.filter(purged_on__isnull=True).filter(
        Q(status=Status.EXITED, exited_on__lt=latest_start)
        | Q(status__in=CLOSED_UNFILED, updated_at__date__lt=latest_start)
    )
    return [
        hardship_file
        for hardship_file in candidates.order_by("pk").iterator(chunk_size=1000)
        if rules.retention_ends_on(
            _retention_start(hardship_file),
            queries.policy_for(hardship_file.region_code, _retention_start(hardship_file)),
        )
        < on
    ]


@transaction.atomic
def purge_file(
    hardship_file: HardshipFile, *, on: datetime.date, by: Actor | None = None
) -> HardshipFile:
    """Erase a closed file's notes, its history notes and its objections' words (PIPL: delete
    or anonymise after the retention period); record that it was done."""
    hardship_file = FLOW.lock(hardship_file)
    if hardship_file.purged_on:
        return hardship_file
    for name in PURGED_TEXT_FIELDS:
        setattr(hardship_file, name, "")
    hardship_file.exclusions = []
    hardship_file.pending_change = None
    hardship_file.purged_on = on
    hardship_file.save()
    FileEvent.objects.filter(file=hardship_file).update(note="", changes={})
    Objection.objects.filter(file=hardship_file).update(content="", resolution="")
    _erase_attachments(hardship_file)
    FLOW.record(hardship_file, "purged", hardship_file.status, by=by)
    return hardship_file


def _erase_attachments(hardship_file: HardshipFile) -> None:
    """The documents go too: their files are deleted once the purge is committed; the rows
    keep their kind, size and dates (who added them, when)."""
    attachments = FileAttachment.objects.filter(hardship_file=hardship_file)
    stored = [name for name in attachments.values_list("file", flat=True) if name]
    attachments.update(
        file="", name="", removal_reason="", removed_at=Coalesce("removed_at", Now())
    )
    transaction.on_commit(lambda: _delete_stored(stored))


def _delete_stored(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def purge_expired_files(*, on: datetime.date | None = None) -> int:
    """The nightly retention run: purge every file whose retention has ended; returns how many."""
    on = on or _today()
    files = expired_files(on)
    for hardship_file in files:
        purge_file(hardship_file, on=on)
    return len(files)
