"""Union-fee rebates to small and micro firms' unions (应收尽返).

A finance officer stages the collections of a union's subtree and periods: one set-based
INSERT … SELECT writes a rebate for every collection whose firm was small or micro at the
period's start (the class of its latest figures in force then), has a union account, was not
collected as 工会筹备金, has a policy in force and no live rebate for that period; a second
writes the exceptions (preparatory funds, no union account, size unknown, already returned)
apart. The unique constraint on (firm, period) for live rebates makes a second run, or two
at once, pay nothing twice. Another person approves the batch in one step: each rebate's
amount is reserved in the ledger (one bulk posting) and it waits for a payment batch as the
payable "enterprises.fee_rebate"."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.funds import services as funds
from nuanjia.funds.models import Bucket, Earmark
from nuanjia.funds.services.common import Kind, Leg, Posting
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of

from ..models import Rebate, RebateBatch, RebateExceptionRow
from ..rules import RebateBatchStep, RebateException, RebateStatus, SizeClass
from ..workflow import REBATE_BATCH_FLOW
from .common import FINANCE, require_role

REBATE_SOURCE = "enterprises.fee_rebate"

# The collections of the subtree and periods, each with its firm's size class at the period's
# start, its union account, the policy in force and its live rebate if any; parameters: path
# range, period range. Set-based: the size class comes from each firm's figures as dated
# ranges (from one figures' day to the next's) and the live rebates by a join, read once each,
# rather than a look-up per collection (which made the database walk 1.2 million index probes
# twice at province scale).
_CANDIDATES = f"""
SELECT c.id AS collection_id, c.firm_id, c.org_id, c.period_start, c.fee_fen, c.preparatory,
       f.size_class, CASE WHEN fp.union_account_encrypted <> '' THEN 1 ELSE 0 END AS account,
       p.id AS policy_id, p.earmark_id, p.returned_permille, r.id AS returned
  FROM enterprises_feecollection c
  JOIN orgs_org o ON o.id = c.org_id
  JOIN enterprises_firmprofile fp ON fp.id = c.firm_id
  LEFT JOIN (SELECT firm_id, size_class, effective_on AS valid_from,
                    LEAD(effective_on) OVER (PARTITION BY firm_id ORDER BY effective_on)
                      AS valid_to
               FROM enterprises_firmfigures) f
    ON f.firm_id = c.firm_id AND f.valid_from <= c.period_start
   AND (f.valid_to IS NULL OR f.valid_to > c.period_start)
  LEFT JOIN enterprises_rebate r
    ON r.firm_id = c.firm_id AND r.period_start = c.period_start
   AND NOT (r.status = '{RebateStatus.CANCELLED.value}')
  LEFT JOIN enterprises_rebatepolicy p
    ON p.effective_from <= c.period_start
   AND (p.effective_to IS NULL OR p.effective_to >= c.period_start)
 WHERE o.path >= %s AND o.path < %s AND c.period_start >= %s AND c.period_start <= %s
"""  # noqa: S608 -- built of constants only; the values are bound
# The candidates are read once into a temporary table (the connection's own, dropped at the
# end and with the transaction), and both the exceptions and the rebates are written from it,
# the rebates in the collections' order: the indexes then fill in order, where the order the
# candidates come in (by union) made every insert a random one (SQLite: 4 times slower).
_TABLE = "enterprises_rebate_candidates"
_CREATE = f"""
CREATE TEMPORARY TABLE {_TABLE} (
  collection_id bigint, firm_id bigint, org_id bigint, period_start date, fee_fen bigint,
  preparatory boolean, size_class varchar(8), account integer, policy_id bigint,
  earmark_id bigint, returned_permille integer, returned bigint)
"""
_FILL = f"INSERT INTO {_TABLE} {_CANDIDATES}"
_AMOUNT = "(x.fee_fen * x.returned_permille * 2 + 1000) / 2000"
_SMALL = f"('{SizeClass.SMALL.value}', '{SizeClass.MICRO.value}')"
_REASON = f"""CASE
  WHEN x.preparatory THEN '{RebateException.PREPARATORY.value}'
  WHEN x.policy_id IS NULL THEN '{RebateException.NO_POLICY.value}'
  WHEN x.returned IS NOT NULL THEN '{RebateException.ALREADY_RETURNED.value}'
  WHEN x.size_class IS NULL OR x.size_class = '{SizeClass.UNKNOWN.value}'
    THEN '{RebateException.SIZE_UNKNOWN.value}'
  WHEN x.size_class NOT IN {_SMALL} THEN NULL
  WHEN x.account = 0 THEN '{RebateException.NO_UNION_ACCOUNT.value}'
  ELSE NULL END"""
_EXCEPTIONS = f"""
INSERT INTO enterprises_rebateexceptionrow (batch_id, collection_id, org_id, reason, amount_fen)
SELECT %s, x.collection_id, x.org_id, {_REASON},
       CASE WHEN x.returned_permille IS NULL THEN 0 ELSE {_AMOUNT} END
  FROM {_TABLE} x
 WHERE {_REASON} IS NOT NULL
"""  # noqa: S608 -- built of constants only; the values are bound
_REBATES = f"""
INSERT INTO enterprises_rebate
  (batch_id, collection_id, firm_id, org_id, earmark_id, period_start, size_class, fee_fen,
   amount_fen, status)
SELECT %s, x.collection_id, x.firm_id, x.org_id, x.earmark_id, x.period_start, x.size_class,
       x.fee_fen, {_AMOUNT}, '{RebateStatus.STAGED.value}'
  FROM {_TABLE} x
 WHERE NOT x.preparatory AND x.policy_id IS NOT NULL AND x.returned IS NULL
   AND x.size_class IN {_SMALL} AND x.account = 1
 ORDER BY x.collection_id
"""  # noqa: S608 -- built of constants only; the values are bound


def _temporary() -> str:
    """The candidates' table named in the connection's temporary schema only."""
    return f"{'pg_temp' if connection.vendor == 'postgresql' else 'temp'}.{_TABLE}"


def _range(org: Org) -> tuple[str, str]:
    return org.path, org.path[:-1] + "0"


@transaction.atomic
def stage_rebates(
    org: Org, period_from: datetime.date, period_to: datetime.date, *, by: Actor
) -> RebateBatch:
    """The maker's step: stage the rebates of `org`'s subtree for the periods starting in
    [period_from, period_to], the exceptions listed apart."""
    require_role(by, org, FINANCE)
    if period_to < period_from:
        raise RuleViolation(_("The periods cannot end before they start."), field="period_to")
    batch = RebateBatch.objects.create(
        org=org, period_from=period_from, period_to=period_to, staged_by=staff_of(by)
    )
    low, high = _range(org)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {_temporary()}")  # left by a broken run
            cursor.execute(_CREATE)
            cursor.execute(_FILL, [low, high, period_from, period_to])
            cursor.execute(_EXCEPTIONS, [batch.pk])
            cursor.execute(_REBATES, [batch.pk])
            cursor.execute(f"DROP TABLE {_temporary()}")
    except IntegrityError:  # another run staged the same periods at the same moment
        raise RuleViolation(
            _("Another run is staging these periods; try again in a moment."), code="busy"
        ) from None
    totals = Rebate.objects.filter(batch=batch).aggregate(total=Sum("amount_fen"))
    batch.count = Rebate.objects.filter(batch=batch).count()
    batch.total_fen = totals["total"] or 0
    batch.exception_count = RebateExceptionRow.objects.filter(batch=batch).count()
    batch.save(update_fields=["count", "total_fen", "exception_count", "updated_at"])
    REBATE_BATCH_FLOW.record(batch, "stage", "", by=by, changes={
        "periods": [period_from.isoformat(), period_to.isoformat()], "count": batch.count,
        "total_fen": batch.total_fen, "exceptions": batch.exception_count,
    })  # fmt: skip
    return batch


def _reservations(rebates: list[tuple[int, int, int, int]]) -> list[Posting]:
    """One reserve posting per rebate (id, org, earmark, amount) on its union's account."""
    accounts: dict[tuple[int, int], Any] = {}
    postings = []
    for pk, org_id, earmark_id, amount in rebates:
        if not amount:
            continue
        key = (org_id, earmark_id)
        if key not in accounts:
            accounts[key] = funds.account_for(
                Org.objects.get(pk=org_id), Earmark.objects.get(pk=earmark_id)
            )
        account = accounts[key]
        postings.append(
            Posting(
                kind=Kind.RESERVE, org=account.org, earmark=account.earmark, amount_fen=amount,
                legs=[
                    Leg(account, Bucket.AVAILABLE, -amount), Leg(account, Bucket.RESERVED, amount)
                ],
                source_type=REBATE_SOURCE, source_id=str(pk),
            )
        )  # fmt: skip
    return postings


@REBATE_BATCH_FLOW.handler(RebateBatchStep.APPROVE)
@transaction.atomic
def approve_rebates(batch: RebateBatch, *, by: Actor, note: str = "") -> RebateBatch:
    """简化返还手续: another person approves the whole batch in one step; each rebate's amount
    is reserved (refused for want of money: nothing moves)."""
    with REBATE_BATCH_FLOW.moving(batch, RebateBatchStep.APPROVE, by=by, note=note) as move:
        staged = Rebate.objects.filter(batch=move.obj, status=RebateStatus.STAGED)
        rows = list(staged.values_list("pk", "org_id", "earmark_id", "amount_fen"))
        funds.post_many(_reservations(rows), by=by, memo=str(move.obj))
        staged.update(status=RebateStatus.APPROVED)
        move.changes.update({"count": len(rows), "reserved_fen": sum(r[3] for r in rows)})
    return move.obj


@REBATE_BATCH_FLOW.handler(RebateBatchStep.CANCEL)
@transaction.atomic
def cancel_rebates(
    batch: RebateBatch, *, by: Actor, reason: str = "", note: str = ""
) -> RebateBatch:
    """The staged rebates are dropped (their periods may be staged again)."""
    with REBATE_BATCH_FLOW.moving(
        batch, RebateBatchStep.CANCEL, by=by, note=reason or note
    ) as move:
        move.changes["cancelled"] = Rebate.objects.filter(
            batch=move.obj, status=RebateStatus.STAGED
        ).update(status=RebateStatus.CANCELLED)
    return move.obj


__all__ = ["REBATE_SOURCE", "approve_rebates", "cancel_rebates", "stage_rebates"]
