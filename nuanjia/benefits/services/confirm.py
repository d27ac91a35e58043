"""The merchant's confirm, fast path (page and API): the same rows as `redemptions.redeem`
(the ordinary path, kept for the demo and the tests), in few statements and one short
transaction, as the breakfast scan does (ADR 0015, ADR 0018):

- before any write lock: ONE statement for the attempt key (a resend answers as the first
  time) and the outlet chosen, the card read (members.scanning), then ONE statement for the
  offer live at this merchant that day with its terms, the member's union when it sits in the
  offer's union subtree, and whether the offer's member group holds the member (its rule
  compiled once per offer and day, `_group`); the redemption's INSERT and its audit event
  prepared (core.prepared, core.audit);
- in one transaction: the member's counters, each a guarded upsert (`counters.take`), the
  redemption, the attempt as ONE `INSERT … ON CONFLICT (key) DO NOTHING` holding its answer (a
  concurrent resend of the key finds the first one's row, rolls back and answers as it did),
  the suspicious-pattern read, then the offer's budget (`counters.take_budget`: the one row
  every use of the offer takes, so its lock is held only to the commit) and the audit event
  appended under the chain's lock last.

A refused counter rolls the transaction back; the refusal is then kept under the key in a
transaction of its own, as any refusal found before the writes."""

from __future__ import annotations

import datetime
import functools
import json
import uuid
from typing import Any

from django.db import connection, transaction
from django.db.models import Field
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.audit import append_event as append_audit
from nuanjia.core.audit import prepare_event
from nuanjia.core.cache import TTLCache
from nuanjia.core.errors import RuleViolation
from nuanjia.core.prepared import PreparedInsert, hot_cursor
from nuanjia.members.models import Outlet, PartnerUser
from nuanjia.members.services.scanning import CardStatus, ScanResult, scan
from nuanjia.orgs.models import Org
from nuanjia.people.models import Worker

from ..audit import REDEEMED
from ..models import Attempt, MerchantTerms, Offer, Redemption
from ..rules import RedemptionSource
from . import counters, flags
from .periods import local_day
from .redemptions import (
    BENEFIT_USE,
    Answer,
    Status,
    card_message,
    earlier_answer,
    limit_message,
    parse_key,
    writers_queue,
)


def _q(name: str) -> str:
    return str(connection.ops.quote_name(name))


def _field(model: Any, name: str) -> Field[Any, Any]:
    found = model._meta.get_field(name)
    assert isinstance(found, Field)
    return found


def _col(model: Any, name: str) -> str:
    return _q(str(_field(model, name).column))


_OFFER_FIELDS = ("id", "partner", "org", "name", "member_price_fen", "subsidy_fen", "per_day",
                 "per_week", "per_month", "per_year", "budget_uses", "budget_period",
                 "starts_on", "rule")  # fmt: skip


@functools.cache
def _live_sql(vendor: str) -> tuple[str, str]:
    """The offer (its fields, `_OFFER_FIELDS`) when live at the merchant on the day, with
    the member's union (id, path) when the member is in the offer's union subtree and not
    merged (else NULLs), then whether the member is in the offer's member group: the SQL
    before and after that last column (`_group`'s). Built once per database."""
    offer, terms, org, worker = (_q(m._meta.db_table) for m in (Offer, MerchantTerms, Org, Worker))
    path = _col(Org, "path")
    fields = ", ".join(f"o.{_col(Offer, name)}" for name in _OFFER_FIELDS)
    head = f"SELECT {fields}, u.{_col(Org, 'id')}, u.{path}, "
    tail = (
        f" FROM {offer} o "
        f"JOIN {terms} t ON t.{_col(MerchantTerms, 'id')} = o.{_col(Offer, 'terms')} "
        f"JOIN {org} g ON g.{_col(Org, 'id')} = o.{_col(Offer, 'org')} "
        f"LEFT JOIN {worker} w ON w.{_col(Worker, 'id')} = %s "
        f"AND w.{_col(Worker, 'merged_into')} IS NULL "
        f"LEFT JOIN {org} u ON u.{_col(Org, 'id')} = w.{_col(Worker, 'union')} "
        f"AND u.{path} >= g.{path} "
        f"AND u.{path} < SUBSTR(g.{path}, 1, LENGTH(g.{path}) - 1) || '0' "
        f"WHERE o.{_col(Offer, 'id')} = %s AND o.{_col(Offer, 'partner')} = %s "
        f"AND o.{_col(Offer, 'is_active')} = %s AND t.{_col(MerchantTerms, 'is_active')} = %s "
        f"AND o.{_col(Offer, 'starts_on')} <= %s AND o.{_col(Offer, 'ends_on')} >= %s "
        f"AND t.{_col(MerchantTerms, 'starts_on')} <= %s AND t.{_col(MerchantTerms, 'ends_on')} >= %s"
    )
    return head, tail


# An offer's member group as SQL on the scanned worker (`w` in `_live_sql`), per offer and
# day: (the rule it was compiled from, the SQL, its parameters). Compiling a rule is most of
# a confirm's cost; the entry is checked against the offer's stored rule on every use (a
# stale one is not trusted), and a rule may read org paths when compiled (a union subtree).
_groups = TTLCache("benefits.offer_groups", ttl=600, depends_on=("benefits.offer", "orgs.org"))
Group = tuple[dict[str, Any], str, tuple[Any, ...]]
_ALL: Group = ({}, "1", ())


def _compile_group(rule: dict[str, Any], day: datetime.date) -> Group:
    """The rule as "is the member `w` in the group" (1 or 0), for `_live`'s select list."""
    if not rule:
        return _ALL
    from nuanjia.people import eligibility

    condition = eligibility.compile_rule(eligibility.parse_rule(rule), eligibility.Context(on=day))
    scanned = RawSQL(f"w.{_col(Worker, 'id')}", ())  # noqa: S611 -- our own alias and column
    inner = Worker.objects.filter(condition, pk=scanned)
    sql, params = inner.values("pk").query.sql_with_params()
    return rule, f"CASE WHEN EXISTS ({sql}) THEN 1 ELSE 0 END", tuple(params)


def _group(offer_id: int, day: datetime.date) -> Group:
    def load() -> Group:
        stored = Offer.objects.filter(pk=offer_id).values_list("rule", flat=True).first()
        return _compile_group(stored or {}, day)

    return _groups.get((offer_id, day), load)


def _in_group(offer: Offer, worker_id: int, day: datetime.date) -> bool:
    """The offer's member group holds the member: the ordinary query, only when the rule
    compiled for `_live` is no longer the offer's."""
    if not offer.rule:
        return True
    from nuanjia.people import eligibility

    rule = eligibility.parse_rule(offer.rule)
    found = Worker.objects.filter(pk=worker_id)
    return found.filter(eligibility.compile_rule(rule, eligibility.Context(on=day))).exists()


def _rule_of(value: Any) -> dict[str, Any]:
    found = json.loads(value) if isinstance(value, str | bytes) else value
    return found or {}


def _date(value: Any) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _live(
    offer_id: int, partner_id: int, worker_id: int, day: datetime.date
) -> tuple[Offer, Org | None] | None:
    """(the offer, the member's union or None when the member is outside the offer's union
    subtree or member group) when the offer is live here that day: ONE statement."""
    rule, group, group_params = _group(offer_id, day)
    on = Offer._meta.get_field("starts_on").get_db_prep_value(day, connection)
    params = [*group_params, worker_id, offer_id, partner_id, True, True, on, on, on, on]
    head, tail = _live_sql(connection.vendor)
    with hot_cursor() as cursor:
        cursor.execute(head + group + tail, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = dict(zip(_OFFER_FIELDS, row, strict=False))
    found = Offer(
        **{{"partner": "partner_id", "org": "org_id"}.get(n, n): v for n, v in values.items()}
    )
    found.starts_on = _date(found.starts_on)
    found.rule = _rule_of(values["rule"])
    union_id, union_path, in_group = row[len(_OFFER_FIELDS) : len(_OFFER_FIELDS) + 3]
    if found.rule != rule:  # the rule changed since it was compiled here: the ordinary query
        in_group = _in_group(found, worker_id, day)
    if union_id is None or not in_group:
        return found, None
    return found, Org(pk=union_id, path=union_path)


@functools.cache
def _attempt_sql(vendor: str) -> str:
    table = _q(Attempt._meta.db_table)
    names = ("key", "partner", "redemption", "answer", "at")
    columns = ", ".join(_col(Attempt, name) for name in names)
    return (
        f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s) "  # noqa: S608 -- our own names
        f"ON CONFLICT ({_col(Attempt, 'key')}) DO NOTHING RETURNING {_col(Attempt, 'id')}"
    )


def _attempt_params(
    key: uuid.UUID, partner_id: int, redemption_id: int | None, answer: Answer,
    moment: datetime.datetime,
) -> list[Any]:  # fmt: skip
    values = {"key": key, "partner": partner_id, "redemption": redemption_id,
              "answer": answer.as_json(), "at": moment}  # fmt: skip
    return [
        _field(Attempt, name).get_db_prep_save(value, connection) for name, value in values.items()
    ]


def _insert_attempt(params: list[Any]) -> bool:
    """The attempt's row; False when the key is already there (nothing written)."""
    with hot_cursor() as cursor:
        cursor.execute(_attempt_sql(connection.vendor), params)
        return cursor.fetchone() is not None


class _Undo(Exception):
    """Rolls the confirm's transaction back: a refused counter, or the key taken meanwhile."""

    def __init__(self, answer: Answer | None) -> None:
        super().__init__()
        self.answer = answer


def _keep(user: PartnerUser, key: uuid.UUID, moment: datetime.datetime, answer: Answer) -> Answer:
    """A refusal kept under the key (the first answer when the key came meanwhile)."""
    params = _attempt_params(key, user.partner_id, None, answer, moment)
    with writers_queue(), transaction.atomic():
        kept = _insert_attempt(params)
    return answer if kept else _again(key, user)


@functools.cache
def _before_sql(vendor: str) -> str:
    """The answer kept under a key (with its merchant) and the merchant's active outlet
    chosen, in ONE statement (NULLs for none). Built once per database."""
    attempt, outlet = _q(Attempt._meta.db_table), _q(Outlet._meta.db_table)
    return (
        f"SELECT a.{_col(Attempt, 'partner')}, a.{_col(Attempt, 'answer')}, "  # noqa: S608 -- our own names
        f"o.{_col(Outlet, 'id')}, o.{_col(Outlet, 'name')} FROM (SELECT 1 AS one) x "
        f"LEFT JOIN {attempt} a ON a.{_col(Attempt, 'key')} = %s "
        f"LEFT JOIN {outlet} o ON o.{_col(Outlet, 'id')} = %s "
        f"AND o.{_col(Outlet, 'partner')} = %s AND o.{_col(Outlet, 'is_active')} = %s"
    )


def _before(key: uuid.UUID, user: PartnerUser, outlet: Any) -> tuple[Answer | None, Outlet | None]:
    """(the first answer under the key, or None with the outlet chosen), as
    `redemptions.earlier_answer` then `redemptions.outlet_of` answer, or their refusal."""
    chosen = None if outlet in (None, "") else (
        outlet if isinstance(outlet, int) else int(outlet) if str(outlet).isdigit() else 0
    )  # fmt: skip
    params = [_field(Attempt, "key").get_db_prep_value(key, connection), chosen,
              user.partner_id, True]  # fmt: skip
    with hot_cursor() as cursor:
        cursor.execute(_before_sql(connection.vendor), params)
        partner_id, answer, outlet_id, name = cursor.fetchone()
    if partner_id is not None:
        if partner_id != user.partner_id:
            raise RuleViolation(_("This attempt key was used by another merchant."), field="key")
        return Answer.from_json(_rule_of(answer)), None
    if chosen is None:
        return None, None
    if outlet_id is None:
        raise RuleViolation(_("Choose one of your outlets."), field="outlet")
    return None, Outlet(pk=outlet_id, partner_id=user.partner_id, name=name, is_active=True)


def _again(key: uuid.UUID, user: PartnerUser) -> Answer:
    again = earlier_answer(key, user)
    assert again is not None
    return again


def confirm(
    user: PartnerUser, *, offer: Any, key: Any, code: str = "", number: str = "",
    id_last4: str = "", outlet: Any = None, at: datetime.datetime | None = None,
) -> Answer:  # fmt: skip
    """Confirm one use of `offer` for the scanned member under the device's `key`, as
    `redemptions.redeem` does and writing the same rows. A key seen before answers as the
    first time and writes nothing."""
    key = parse_key(key)
    earlier, place = _before(key, user, outlet)
    if earlier is not None:
        return earlier
    moment = at or timezone.now()
    if not code and not number:
        raise RuleViolation(_("Scan the card or type the member number."), field="code")
    found = scan(use=BENEFIT_USE, code=code, number=number, id_last4=id_last4)
    if found.status != CardStatus.VALID or found.worker_id is None:
        return _keep(user, key, moment, Answer(found.status, card_message(found.status)))
    shown: dict[str, Any] = {"name": found.name, "member_number": found.member_number}
    day = local_day(moment)
    pk = offer if isinstance(offer, int) else int(offer) if str(offer).isdigit() else 0
    live = _live(pk, user.partner_id, found.worker_id, day)
    if live is None:
        return _keep(user, key, moment,
                     Answer(Status.NO_OFFER, _("This offer is not open today."), **shown))  # fmt: skip
    chosen, union = live
    if union is None:
        message = _("This member is not in the offer's member group.")
        return _keep(user, key, moment,
                     Answer(Status.NOT_ELIGIBLE, message, offer=chosen.name, **shown))  # fmt: skip
    shown |= {"offer": chosen.name, "member_price_fen": chosen.member_price_fen}
    return _take(user, key, moment, chosen, union, found, place, shown)


def _take(
    user: PartnerUser, key: uuid.UUID, moment: datetime.datetime, offer: Offer, union: Org,
    found: ScanResult, place: Any, shown: dict[str, Any],
) -> Answer:  # fmt: skip
    """The writes of a use, in one transaction, the offer's budget row locked last."""
    assert found.worker_id is not None
    day = local_day(moment)
    redemption = Redemption(
        offer=offer, partner_id=offer.partner_id, outlet=place, worker_id=found.worker_id,
        org=union, member_price_fen=offer.member_price_fen, subsidy_fen=offer.subsidy_fen,
        day=day, at=moment, source=RedemptionSource.SCAN, recorded_by=user, usage_file=None,
    )  # fmt: skip
    insert = PreparedInsert(redemption)
    audit = prepare_event(
        redemption, REDEEMED, org=union, actor_label=user.actor_label, label="",
        changes={"worker": found.worker_id, "offer": offer.pk, "day": day.isoformat(),
                 "subsidy_fen": offer.subsidy_fen, "outlet": place.name if place else "",
                 "source": RedemptionSource.SCAN},
    )  # fmt: skip
    try:
        with writers_queue(), transaction.atomic():
            taken = counters.take(offer, found.worker_id, day, budget=False)
            if taken.refused:
                status = Status.BUDGET if taken.refused == "budget" else Status.LIMIT
                raise _Undo(Answer(status, limit_message(taken.refused), **shown))
            insert.execute()
            answer = Answer(Status.REDEEMED, _("Done: the member pays the member price."),
                            redemption_id=redemption.pk, left=taken.left, **shown)  # fmt: skip
            params = _attempt_params(key, user.partner_id, redemption.pk, answer, moment)
            if not _insert_attempt(params):
                raise _Undo(None)
            patterns = flags.found(redemption)
            # The member's city's audit chain, then the offer's one hot row, taken last: the
            # row every confirm of the offer queues on is held for one UPDATE and the commit.
            append_audit(audit, object_id=str(redemption.pk), object_label=str(redemption))
            flags.raise_found(redemption, patterns)
            if not counters.take_budget(offer, day, found.worker_id):
                raise _Undo(Answer(Status.BUDGET, limit_message("budget"), **shown))
    except _Undo as undo:
        if undo.answer is None:
            return _again(key, user)
        return _keep(user, key, moment, undo.answer)
    return answer
