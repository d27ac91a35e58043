"""Applying a rent-relief policy to every lease of a union's subtree at once (the fast path of
`propose_relief`, for a province's campaign): set-based SQL does what the one-lease service
does — eligibility (a running lease in the window; the tenant an individual business or small
or micro by the figures in force when its relief starts; no live relief of the policy), the
relief of each schedule month from the first not over before the window opens (free months in
full, then the reduced share half-up to the fen, up to the lease end), the refund of rent
already paid — and stages each relief for approval with its register lines and history row,
with one audit event for the run. Each relief is then approved (or cancelled) one by one
through the workflow, as any other."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of

from ..models import ReliefPolicy, RentRelief
from ..rules import FirmKind, ReliefStatus, SizeClass
from .common import CASEWORKERS, require_role

# The leases the policy relieves: running in the window, the tenant qualifying by its kind or
# the size class in force when the relief starts, no live relief of the policy (an uncorrelated
# NOT IN, read once: a correlated look-up per lease went through every relief of the policy).
_ELIGIBLE = """
  SELECT l.id AS lease_id, 0 AS relief_id FROM enterprises_lease l
    JOIN enterprises_firmprofile fp ON fp.id = l.tenant_id
   WHERE l.org_id IN (SELECT id FROM orgs_org WHERE path >= %s AND path < %s)
     AND l.starts_on <= %s AND l.ends_on >= %s
     AND ((fp.kind = %s AND %s) OR (fp.kind <> %s AND %s AND (
          SELECT f.size_class FROM enterprises_firmfigures f
           WHERE f.firm_id = l.tenant_id
             AND f.effective_on <= CASE WHEN l.starts_on > %s THEN l.starts_on ELSE %s END
           ORDER BY f.effective_on DESC LIMIT 1) IN (%s, %s)))
     AND l.id NOT IN (SELECT r.lease_id FROM enterprises_rentrelief r
                       WHERE r.policy_id = %s AND r.status <> %s)
"""
# The reliefs this run staged and their leases: the register lines carry the relief's id from
# here (no join back on the lease, which the planner, blind to the rows just written, made a
# nested loop of every relief by every line).
_STAGED = """
  SELECT r.lease_id, r.id AS relief_id FROM enterprises_rentrelief r
   WHERE r.policy_id = %s AND r.note = %s
"""
# The relief of each schedule month from the first not over before the window opens.
_LINES = """
WITH eligible AS MATERIALIZED ({eligible}), months AS (
  SELECT s.id, s.lease_id, e.relief_id, s.due_fen, s.paid_fen,
         ROW_NUMBER() OVER (PARTITION BY s.lease_id ORDER BY s.number) AS k
    FROM enterprises_schedulemonth s JOIN eligible e ON e.lease_id = s.lease_id
   WHERE s.ends_on >= %s
), lines AS (
  SELECT id, lease_id, relief_id, due_fen, paid_fen,
         CASE WHEN k <= %s THEN 'free' ELSE 'reduced' END AS kind,
         CASE WHEN k <= %s THEN due_fen ELSE (2 * due_fen * %s + %s) / (2 * %s) END AS relief
    FROM months WHERE k <= %s
)
"""
_REFUND = "CASE WHEN paid_fen - due_fen + relief > 0 THEN paid_fen - due_fen + relief ELSE 0 END"
_RELIEFS = (
    "INSERT INTO enterprises_rentrelief (lease_id, policy_id, org_id, payer_id, "  # noqa: S608
    "earmark_id, status, months, total_fen, refund_fen, refund_status, proposed_by_id, "
    f"note, created_at, updated_at) {_LINES.format(eligible=_ELIGIBLE)} "
    "SELECT l.id, %s, l.org_id, l.owner_id, %s, %s, COUNT(*), SUM(x.relief), "
    f"SUM({_REFUND}), 'none', %s, %s, %s, %s "
    "FROM lines x JOIN enterprises_lease l ON l.id = x.lease_id "
    "GROUP BY l.id, l.org_id, l.owner_id HAVING SUM(x.relief) > 0"
)  # built of constants only; the values are bound
_RELIEF_LINES = (
    "INSERT INTO enterprises_reliefline (relief_id, month_id, kind, due_fen, relief_fen, "  # noqa: S608
    f"refund_fen) {_LINES.format(eligible=_STAGED)} "
    f"SELECT x.relief_id, x.id, x.kind, x.due_fen, x.relief, {_REFUND} FROM lines x"
)  # built of constants only; the values are bound


def _eligible_params(policy: ReliefPolicy, org: Org) -> list[Any]:
    ws, we = policy.window_starts_on, policy.window_ends_on
    small = (SizeClass.SMALL.value, SizeClass.MICRO.value)
    return [
        org.path, org.path[:-1] + "0", we, ws,
        FirmKind.INDIVIDUAL.value, policy.individual_businesses, FirmKind.INDIVIDUAL.value,
        policy.small_and_micro, ws, ws, *small, policy.pk, ReliefStatus.CANCELLED.value,
    ]  # fmt: skip


def _lines_params(policy: ReliefPolicy) -> list[Any]:
    free, total = policy.free_months, policy.free_months + policy.reduced_months
    return [
        policy.window_starts_on,
        free, free, policy.reduced_num, policy.reduced_den, policy.reduced_den, total,
    ]  # fmt: skip


@transaction.atomic
def stage_reliefs(policy: ReliefPolicy, org: Org, *, by: Actor) -> int:
    """Propose the policy's relief for every eligible lease of `org`'s subtree; returns how
    many reliefs were staged for approval."""
    require_role(by, org, CASEWORKERS)
    run = uuid.uuid4().hex[:12]
    note = f"批量 {run}"
    now = timezone.now()
    staff = staff_of(by)
    lines = _lines_params(policy)
    with connection.cursor() as cursor:
        cursor.execute(
            _RELIEFS,
            [*_eligible_params(policy, org), *lines, policy.pk, policy.earmark_id,
             ReliefStatus.PROPOSED.value, staff.pk, note, now, now],
        )  # fmt: skip
        cursor.execute(_RELIEF_LINES, [policy.pk, note, *lines])
        cursor.execute(
            "INSERT INTO enterprises_rentreliefevent (relief_id, action, from_status, to_status, "
            "note, changes, by_id, at) SELECT id, 'propose', '', %s, %s, %s, %s, %s "
            "FROM enterprises_rentrelief WHERE policy_id = %s AND note = %s",
            [ReliefStatus.PROPOSED.value, note, "{}", staff.pk, now, policy.pk, note],
        )  # fmt: skip
    staged = RentRelief.objects.filter(policy=policy, note=note)
    count = staged.count()
    record_event(
        policy, "enterprises.reliefs_staged", by=by, org=org,
        changes={"run": run, "reliefs": count, "policy": policy.code},
    )  # fmt: skip
    return count
