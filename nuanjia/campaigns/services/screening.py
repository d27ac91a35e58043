"""Screening drives (排查): recording a person found in difficulty, and the three ways a finding
ends — a hardship application, a one-off grant, or "no help needed" — as FINDING_FLOW's steps.

A finding is recorded by a caseworker of the finding union (or a union above it) while the
campaign is under way; a volunteer who found the person is named in `found_by_name`. The
person is a worker of the caller's area, or someone registered on the spot through the
registry's own service (一人一档: a person whose ID number the province already keeps is
linked to that record, never registered twice).

Decisions: opening an application opens the family's hardship file through hardship's own
service (its role, scope and 一户一档 rules apply: a family that already has a live file is
refused with that file's number, so nobody applies twice — the caseworker follows that file
or records "no help needed" naming it); a grant is proposed through relief's own service (its
caps, duplicate warning and maker-checker apply). The engine stamps `decided_by`; the service
sets `decided_at` and `decision_note`. A decided finding cannot be decided again.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line, text_block
from nuanjia.hardship import services as hardship_services
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import in_scope, staff_of
from nuanjia.orgs.rules import Role
from nuanjia.people import services as people_services
from nuanjia.people.models import Worker
from nuanjia.people.queries import find_worker_by_id_number, household_of
from nuanjia.relief import services as relief_services
from nuanjia.relief.models import GrantType

from ..models import Activity, Finding
from ..rules import ActivityKind, FindingDegree, FindingStatus, FindingStep
from ..workflow import FINDING_FLOW
from .common import require_open, require_planner, require_taking_part

# Who records findings and decides them: caseworkers (经办人) of the union or above.
FINDER_ROLES = frozenset({Role.CASEWORKER})
# The history's name for recording a finding (not a step: a finding starts in FOUND).
FOUND_ACTION = "found"
CIRCUMSTANCES_MAX = 2000
# The fields a person registered on the spot may bring (people.services.register_worker's).
NEW_PERSON_FIELDS = frozenset(
    {"name", "id_number", "phone", "gender", "birth_date", "address", "employer_name"}
)


def _checked_activity(activity: Activity, org: Org, by: Actor) -> None:
    require_planner(by, org, FINDER_ROLES)
    if activity.kind != ActivityKind.SCREENING:
        raise RuleViolation(_("Findings are recorded in a screening drive only."), field="activity")
    require_open(activity.campaign)
    require_taking_part(activity, org)


def _found_on(value: Any) -> datetime.date:
    if value in (None, ""):
        raise RuleViolation(_("Enter the date the person was found."), field="found_on")
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        try:
            day = datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            raise RuleViolation(_("Enter a date such as 2024-03-01."), field="found_on") from None
    if day > timezone.localdate():
        raise RuleViolation(_("The date cannot be in the future."), field="found_on")
    return day


def _person(
    org: Org, worker: Worker | None, new_person: Mapping[str, Any] | None, by: Actor
) -> tuple[Worker, bool, dict[str, Any]]:
    """The worker the finding is about, whether they were registered here, and what the
    history keeps about how they were found."""
    if (worker is None) == (not new_person):
        raise RuleViolation(
            _("Choose a worker from the registry, or register a new person."), field="worker"
        )
    if worker is not None:
        if worker.merged_into_id or not in_scope(by, worker.org):
            raise RuleViolation(_("Choose a worker of your area."), field="worker")
        return worker, False, {}
    values = dict(new_person or {})
    unknown = set(values) - NEW_PERSON_FIELDS
    if unknown:
        raise RuleViolation(
            _("%(field)s cannot be changed here.") % {"field": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    values = {key: value for key, value in values.items() if value not in (None, "")}
    if values.get("id_number"):
        parsed = people_services.parse_id_number(values["id_number"])
        existing = find_worker_by_id_number(parsed.number)
        if existing is not None:
            # Already in the province's registry: that record is the person (一人一档).
            return existing, False, {"found_in_registry": existing.org.name}
    registered = people_services.register_worker(org=org, by=by, **values)
    return registered, True, {"registered_here": True}


@transaction.atomic
def record_finding(
    activity: Activity,
    org: Org,
    *,
    worker: Worker | None = None,
    new_person: Mapping[str, Any] | None = None,
    degree: str,
    circumstances: str,
    found_on: Any,
    found_by_name: str = "",
    by: Actor,
) -> Finding:
    """Record a person found in difficulty by `org` in a screening drive.

    Either `worker` (a registry worker of the caller's area) or `new_person` (name, and the ID
    number, phone… people.services.register_worker takes) registered on the spot into `org`;
    a new person whose ID number the province already keeps is linked to that record.
    """
    _checked_activity(activity, org, by)
    if degree not in FindingDegree.values:
        raise RuleViolation(_("Choose the degree of hardship."), field="degree")
    circumstances = text_block(
        circumstances,
        "circumstances",
        CIRCUMSTANCES_MAX,
        required_message=_("Describe the person's circumstances."),
    )
    day = _found_on(found_on)
    volunteer = one_line(found_by_name, "found_by_name", 50)
    person, registered_here, how = _person(org, worker, new_person, by)
    finding = Finding.objects.create(
        activity=activity,
        org=org,
        worker=person,
        degree=degree,
        circumstances=circumstances,
        found_by=staff_of(by),
        found_by_name=volunteer,
        found_on=day,
        registered_here=registered_here,
    )
    FINDING_FLOW.record(
        finding,
        FOUND_ACTION,
        "",
        by=by,
        note=circumstances,
        changes={
            "activity": activity.pk,
            "worker": person.pk,
            "degree": degree,
            "found_on": day.isoformat(),
            **({"found_by_name": volunteer} if volunteer else {}),
            **how,
        },
    )
    return finding


def _require_worker_in_reach(finding: Finding, by: Actor | None) -> Worker:
    """The decisions act on the worker's registry record: it must be kept in the caller's area."""
    worker = finding.worker
    if not in_scope(by, worker.org):
        raise RuleViolation(
            _(
                "%(name)s's record is kept by %(org)s, outside your area: ask that union to transfer it to you first."
            )
            % {"name": worker.name, "org": worker.org.name},
            field="worker",
        )
    return worker


def _decided(finding: Finding, note: str) -> list[str]:
    finding.decided_at = timezone.now()
    finding.decision_note = note[:200]
    return ["decided_at", "decision_note"]


@FINDING_FLOW.handler(FindingStep.OPEN_APPLICATION)
@transaction.atomic
def open_application(finding: Finding, *, by: Actor, note: str = "") -> Finding:
    """Open a hardship application (困难职工建档) for the worker's family, as the union's own
    initiative, with the finding's circumstances as its reason. The family's household is
    opened first when the registry has none. 一户一档 holds: a family with a live file anywhere
    in the province is refused, naming that file."""
    with FINDING_FLOW.moving(finding, FindingStep.OPEN_APPLICATION, by=by, note=note) as move:
        finding = move.obj
        worker = _require_worker_in_reach(finding, by)
        household = household_of(worker) or people_services.create_household(worker, by=by)
        reason = _("Found in the screening drive %(activity)s (%(degree)s): %(text)s") % {
            "activity": finding.activity.name,
            "degree": finding.get_degree_display(),
            "text": finding.circumstances,
        }
        hardship_file = hardship_services.open_file(
            household, by=by, is_union_initiated=True, note=f"{reason}\n{move.note}".strip()
        )
        finding.hardship_file = hardship_file
        move.save_fields = ["hardship_file", *_decided(finding, move.note or hardship_file.number)]
        move.changes["hardship_file"] = hardship_file.number
    return move.obj


@FINDING_FLOW.handler(FindingStep.PROPOSE_GRANT)
@transaction.atomic
def propose_finding_grant(
    finding: Finding,
    *,
    by: Actor,
    grant_type: GrantType,
    amount_fen: int,
    reason: str,
    note: str = "",
) -> Finding:
    """Propose a one-off grant to the worker, paid by the finding union, through relief's own
    service: its caps refuse too much (with the explanation), a grant of the same type this
    year elsewhere is a warning kept on the grant, and its reviewer and approver follow."""
    if not isinstance(grant_type, GrantType):
        raise RuleViolation(_("Choose the grant type."), field="grant_type")
    with FINDING_FLOW.moving(
        finding, FindingStep.PROPOSE_GRANT, by=by, note=note or reason
    ) as move:
        finding = move.obj
        worker = _require_worker_in_reach(finding, by)
        grant = relief_services.propose_grant(
            worker,
            grant_type=grant_type,
            amount_fen=amount_fen,
            reason=reason,
            by=by,
            org=finding.org,
        )
        finding.grant = grant
        move.save_fields = ["grant", *_decided(finding, grant.reason)]
        move.changes.update(
            {"grant": grant.number, "grant_type": grant_type.code, "amount_fen": grant.amount_fen}
        )
    return move.obj


@FINDING_FLOW.handler(FindingStep.NO_HELP)
@transaction.atomic
def decide_no_help(finding: Finding, *, by: Actor, note: str = "") -> Finding:
    """Record that the person needs no help, with the reason (required)."""
    with FINDING_FLOW.moving(finding, FindingStep.NO_HELP, by=by, note=note) as move:
        move.save_fields = _decided(move.obj, move.note)
    return move.obj


def finding_is_waiting(finding: Finding) -> bool:
    return finding.status == FindingStatus.FOUND
