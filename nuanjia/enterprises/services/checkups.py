"""Legal check-ups and visits: recorded by a caseworker of the firm's county (or above), each
with an audit event; a finding is open until closed; a visit's follow-up task is due the given
number of working days after the visit (the working-day calendar of core.workdays)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line, text_block
from nuanjia.core.workdays import add_working_days
from nuanjia.orgs.models import Staff
from nuanjia.orgs.permissions import staff_of

from ..models import FirmProfile
from ..models_checkups import CheckUp, CheckupItem, Finding, FollowUpTask, Visit
from .common import CASEWORKERS, require_role


@transaction.atomic
def record_checkup(
    firm: FirmProfile,
    *,
    checked_on: datetime.date,
    findings: dict[str, str],
    advice: str,
    follow_up_on: datetime.date | None,
    by: Actor,
) -> CheckUp:
    """A check-up: every checklist item in order unless `findings` names it (item → what was
    found); each finding is opened with the advice and follow-up date."""
    require_role(by, firm.org, CASEWORKERS)
    unknown = set(findings) - set(CheckupItem.values)
    if unknown:
        raise RuleViolation(_("Choose one of the listed values."), field="findings")
    advice = text_block(advice, "advice", 2000)
    if follow_up_on is not None and follow_up_on < checked_on:
        raise RuleViolation(
            _("The follow-up cannot come before the check-up."), field="follow_up_on"
        )
    checkup = CheckUp.objects.create(
        firm=firm, org=firm.org, checked_on=checked_on, advice=advice, follow_up_on=follow_up_on,
        checklist={item: item not in findings for item in CheckupItem.values},
        checked_by=staff_of(by),
    )  # fmt: skip
    Finding.objects.bulk_create(
        Finding(checkup=checkup, org=firm.org, item=item, advice=advice[:500],
                description=one_line(text, "findings", 500), follow_up_on=follow_up_on)
        for item, text in findings.items()
    )  # fmt: skip
    record_event(checkup, "enterprises.checkup_recorded", by=by, org=firm.org,
                 changes={"firm": firm.employer.name, "findings": sorted(findings)})  # fmt: skip
    return checkup


@transaction.atomic
def close_finding(finding: Finding, *, closed_on: datetime.date, by: Actor) -> Finding:
    require_role(by, finding.org, CASEWORKERS)
    if finding.closed_on is not None:
        raise RuleViolation(_("This finding is closed already."), field="closed_on")
    if closed_on < finding.checkup.checked_on:
        raise RuleViolation(_("A finding cannot be closed before the check-up."), field="closed_on")
    finding.closed_on = closed_on
    finding.save(update_fields=["closed_on"])
    record_event(finding.checkup, "enterprises.finding_closed", by=by, org=finding.org,
                 changes={"item": finding.item, "closed_on": closed_on.isoformat()})  # fmt: skip
    return finding


@transaction.atomic
def record_visit(
    firm: FirmProfile,
    *,
    visited_on: datetime.date,
    difficulties: str,
    causes: str,
    placement: str,
    by: Actor,
) -> Visit:
    require_role(by, firm.org, CASEWORKERS)
    visit = Visit.objects.create(
        firm=firm, org=firm.org, visited_on=visited_on,
        difficulties=text_block(difficulties, "difficulties", 2000,
                                required_message=_("Say what difficulties the firm has.")),
        causes=text_block(causes, "causes", 2000), placement=text_block(placement, "placement", 2000),
        visited_by=staff_of(by),
    )  # fmt: skip
    record_event(visit, "enterprises.visit_recorded", by=by, org=firm.org,
                 changes={"firm": firm.employer.name, "visited_on": visited_on.isoformat()})  # fmt: skip
    return visit


@transaction.atomic
def add_task(
    visit: Visit, *, owner: Staff, description: str, working_days: int, by: Actor
) -> FollowUpTask:
    """A follow-up task due `working_days` working days after the visit."""
    require_role(by, visit.org, CASEWORKERS)
    if not 1 <= working_days <= 250:
        raise RuleViolation(_("Give 1 to 250 working days."), field="working_days")
    if owner.org is None or not (
        owner.org.path.startswith(visit.org.path) or visit.org.path.startswith(owner.org.path)
    ):
        raise RuleViolation(
            _("The owner must work in the firm's union or above it."), field="owner"
        )
    task = FollowUpTask.objects.create(
        visit=visit, org=visit.org, owner=owner,
        description=one_line(description, "description", 300, required_message=_("Say what is to be done.")),
        working_days=working_days, due_on=add_working_days(visit.visited_on, working_days),
    )  # fmt: skip
    record_event(visit, "enterprises.task_added", by=by, org=visit.org,
                 changes={"owner": owner.pk, "due_on": task.due_on.isoformat()})  # fmt: skip
    return task


@transaction.atomic
def complete_task(task: FollowUpTask, *, done_on: datetime.date, by: Actor) -> FollowUpTask:
    """A visit's follow-up task is done (on `done_on`, not before the visit)."""
    require_role(by, task.org, CASEWORKERS)
    if task.done_on is not None:
        raise RuleViolation(_("This task is done already."), field="done_on")
    if done_on < task.visit.visited_on:
        raise RuleViolation(_("A task cannot be done before the visit."), field="done_on")
    task.done_on = done_on
    task.save(update_fields=["done_on"])
    record_event(task.visit, "enterprises.task_done", by=by, org=task.org,
                 changes={"task": task.pk, "done_on": done_on.isoformat(),
                          "late": done_on > task.due_on})  # fmt: skip
    return task
