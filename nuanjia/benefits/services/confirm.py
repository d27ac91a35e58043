"""The merchant's confirm, fast path (page and API): the same rows as `redemptions.redeem`
(the ordinary path, kept for the demo and the tests), in few statements and one short
transaction, as the breakfast scan does (ADR 0015, ADR 0018):

- before any write lock, ONE statement (`_first_sql`) reads the answer kept under the
  attempt key (a resend answers as the first time), the outlet chosen, the scanned worker's
  row (the card itself is read without a query, members.scanning), the offer live at this
  merchant that day with its terms, the member's union when it sits in the offer's union
  subtree, whether the offer's member group holds the member (its rule compiled once per
  offer and day, `_group`) and the member's recent uses for the suspicious patterns; the
  redemption's INSERT and its audit event are prepared (core.prepared, core.audit);
- in one transaction: the member's counters, each a guarded upsert (`counters.take`), the
  redemption, the attempt as ONE `INSERT … ON CONFLICT (key) DO NOTHING` holding its answer (a
  concurrent resend of the key finds the first one's row, rolls back and answers as it did),
  the audit event appended under its city chain's lock, then the offer's budget last
  (`counters.take_budget`: the stripe every use of the offer queues on, held only to the
  commit).

A refused counter rolls the transaction back; the refusal is then kept under the key in a
transaction of its own, as any refusal found before the writes."""

from __future__ import annotations

import datetime
import functools
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Field
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.audit import append_event_and, prepare_event
from nuanjia.core.cache import TTLCache
from nuanjia.core.errors import RuleViolation
from nuanjia.core.prepared import PreparedInsert, hot_cursor, unsaved
from nuanjia.members.models import Outlet, PartnerUser
from nuanjia.members.services.scanning import (
    ROW_FIELDS,
    CardStatus,
    ScanResult,
    card_worker_id,
    scan_result,
)
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
_OFFER_ATTNAMES = tuple({"partner": "partner_id", "org": "org_id"}.get(n, n) for n in _OFFER_FIELDS)


@functools.cache
def _live_sql(vendor: str) -> tuple[str, str]:
    """The offer (its fields, `_OFFER_FIELDS`) when live at the merchant on the day, with
    the member's union (id, path) when the member is in the offer's union subtree and not
    merged (else NULLs), then whether the member is in the offer's member group: the SQL
    before and after that last column (`_group`'s). Built once per database."""
    offer, terms, org, worker = (_q(m._meta.db_table) for m in (Offer, MerchantTerms, Org, Worker))
    path = _col(Org, "path")
    fields = ", ".join(f"o.{_col(Offer, name)} AS live_{name}" for name in _OFFER_FIELDS)
    head = f"SELECT {fields}, u.{_col(Org, 'id')} AS live_union, u.{path} AS live_path, "
    tail = (
        f" AS live_group FROM {offer} o "
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


def _offer_of(
    values: tuple[Any, ...], rule: dict[str, Any], worker_id: int, day: datetime.date
) -> tuple[Offer, Org | None] | None:
    """(the offer, the member's union or None when the member is outside the offer's union
    subtree or member group) from `_live_sql`'s columns; None when no offer is live."""
    if values[0] is None:
        return None
    found = unsaved(Offer, dict(zip(_OFFER_ATTNAMES, values, strict=False)))
    found.starts_on = _date(found.starts_on)
    found.rule = _rule_of(found.rule)
    union_id, union_path, in_group = values[len(_OFFER_FIELDS) : len(_OFFER_FIELDS) + 3]
    if found.rule != rule:  # the rule changed since it was compiled here: the ordinary query
        in_group = _in_group(found, worker_id, day)
    if union_id is None or not in_group:
        return found, None
    return found, unsaved(Org, {"id": union_id, "path": union_path})


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


def _next_id_column(vendor: str) -> str:
    """On PostgreSQL, the redemption's id taken ahead (a refused use leaves a gap), so the
    redemption and its attempt are written by one statement (`_write_sql`)."""
    if vendor != "postgresql":
        return ""
    table = Redemption._meta.db_table.replace("'", "")
    return f", (SELECT nextval(pg_get_serial_sequence('{table}', 'id')))"


@functools.cache
def _first_sql(vendor: str) -> tuple[str, str]:
    """Everything a confirm reads, in ONE statement: the answer kept under the key (with its
    merchant), the merchant's active outlet chosen, the scanned worker's row (`ROW_FIELDS`),
    the offer live that day (`_live_sql`, with the member group's column between the two
    halves returned here), and the member's recent uses for the suspicious patterns, one row
    each (NULLs where there is nothing). Built once per database."""
    attempt, outlet = _q(Attempt._meta.db_table), _q(Outlet._meta.db_table)
    worker, redemption = _q(Worker._meta.db_table), _q(Redemption._meta.db_table)
    live_head, live_tail = _live_sql(vendor)
    head = (
        f"SELECT a.{_col(Attempt, 'partner')}, a.{_col(Attempt, 'answer')}, "  # noqa: S608 -- our own names
        f"o.{_col(Outlet, 'id')}, o.{_col(Outlet, 'name')}, "
        + ", ".join(f"p.{_col(Worker, name)}" for name in ROW_FIELDS)
        + ", l.*, " + flags.RECENT.select() + _next_id_column(vendor)
        + " FROM (SELECT 1 AS one) x "
        f"LEFT JOIN {attempt} a ON a.{_col(Attempt, 'key')} = %s "
        f"LEFT JOIN {outlet} o ON o.{_col(Outlet, 'id')} = %s "
        f"AND o.{_col(Outlet, 'partner')} = %s AND o.{_col(Outlet, 'is_active')} = %s "
        f"LEFT JOIN {worker} p ON p.{_col(Worker, 'id')} = %s "
        f"LEFT JOIN (" + live_head
    )  # fmt: skip
    tail = (
        live_tail + ") l ON 1 = 1 "
        f"LEFT JOIN {redemption} r ON r.{_col(Redemption, 'worker')} = %s "
        f"AND r.{_col(Redemption, 'at')} >= %s AND r.{_col(Redemption, 'at')} <= %s "
        f"AND r.{_col(Redemption, 'reversed')} = %s"
    )
    return head, tail


@dataclass
class _First:
    """What `_first` read: the answer kept under the key (None: a new attempt), the outlet
    chosen, the worker's row, the offer with the member's union, the recent uses."""

    earlier: Answer | None = None
    place: Outlet | None = None
    row: dict[str, Any] | None = None
    live: tuple[Offer, Org | None] | None = None
    recent: flags.Recent = field(default_factory=list)
    next_id: int | None = None  # the redemption's id taken ahead (PostgreSQL)


_WORKER_AT = 4  # where the worker's row starts in `_first_sql`'s columns
_LIVE_AT = _WORKER_AT + len(ROW_FIELDS)
_RECENT_AT = _LIVE_AT + len(_OFFER_FIELDS) + 3


def _chosen(outlet: Any) -> int | None:
    if outlet in (None, ""):
        return None
    return outlet if isinstance(outlet, int) else int(outlet) if str(outlet).isdigit() else 0


def _first(
    key: uuid.UUID, user: PartnerUser, outlet: Any, worker_id: int | None, offer_id: int,
    moment: datetime.datetime,
) -> _First:  # fmt: skip
    """`_first_sql` run: as `redemptions.earlier_answer` then `redemptions.outlet_of` answer
    (or their refusal), the scan's worker row, `_offer_of`, the recent uses of `flags`."""
    day = local_day(moment)
    chosen = _chosen(outlet)
    rule, group, group_params = _group(offer_id, day)
    on = Offer._meta.get_field("starts_on").get_db_prep_value(day, connection)
    head, tail = _first_sql(connection.vendor)
    params = [
        _field(Attempt, "key").get_db_prep_value(key, connection), chosen, user.partner_id, True,
        worker_id, *group_params, worker_id, offer_id, user.partner_id, True, True, on, on, on,
        on, worker_id, *flags.window(moment), False,
    ]  # fmt: skip
    with hot_cursor() as cursor:
        cursor.execute(head + group + tail, params)
        rows = cursor.fetchall()
    top = rows[0]
    if top[0] is not None:
        if top[0] != user.partner_id:
            raise RuleViolation(_("This attempt key was used by another merchant."), field="key")
        return _First(earlier=Answer.from_json(_rule_of(top[1])))
    if chosen is not None and top[2] is None:
        raise RuleViolation(_("Choose one of your outlets."), field="outlet")
    place = None if chosen is None else unsaved(
        Outlet, {"id": top[2], "partner_id": user.partner_id, "name": top[3], "is_active": True}
    )  # fmt: skip
    if worker_id is None or top[_WORKER_AT] is None:
        return _First(place=place)
    row = dict(zip(("name", "union_id", "merged_into_id", "id_last4"),
                   top[_WORKER_AT:_LIVE_AT], strict=True))  # fmt: skip
    live = _offer_of(top[_LIVE_AT:_RECENT_AT], rule, worker_id, day)
    next_id = top[-1] if connection.vendor == "postgresql" else None
    return _First(None, place, row, live, flags.read_recent(rows, _RECENT_AT), next_id)


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
    moment = at or timezone.now()
    card = card_worker_id(code, number) if code or number else None
    worker_id = card if isinstance(card, int) else None
    pk = offer if isinstance(offer, int) else int(offer) if str(offer).isdigit() else 0
    first = _first(key, user, outlet, worker_id, pk, moment)
    if first.earlier is not None:
        return first.earlier
    if not code and not number:
        raise RuleViolation(_("Scan the card or type the member number."), field="code")
    if isinstance(card, str):
        found = ScanResult(card)
    else:
        found = scan_result(BENEFIT_USE, worker_id, first.row, typed=not code, id_last4=id_last4)
    if found.status != CardStatus.VALID or found.worker_id is None:
        return _keep(user, key, moment, Answer(found.status, card_message(found.status)))
    shown: dict[str, Any] = {"name": found.name, "member_number": found.member_number}
    if first.live is None:
        return _keep(user, key, moment,
                     Answer(Status.NO_OFFER, _("This offer is not open today."), **shown))  # fmt: skip
    chosen, union = first.live
    if union is None:
        message = _("This member is not in the offer's member group.")
        return _keep(user, key, moment,
                     Answer(Status.NOT_ELIGIBLE, message, offer=chosen.name, **shown))  # fmt: skip
    shown |= {"offer": chosen.name, "member_price_fen": chosen.member_price_fen}
    return _take(user, key, moment, chosen, union, found, first, shown)


def _write(
    insert: PreparedInsert[Redemption], user: PartnerUser, key: uuid.UUID,
    moment: datetime.datetime, left: int | None, shown: dict[str, Any],
) -> Answer | None:  # fmt: skip
    """The redemption and its attempt holding the answer; None (the redemption to be rolled
    back) when the key was taken meanwhile. ONE statement when the id was taken ahead."""
    redemption = insert.obj
    ahead = redemption.pk is not None
    if not ahead:
        insert.execute()
    answer = Answer(Status.REDEEMED, _("Done: the member pays the member price."),
                    redemption_id=redemption.pk, left=left, **shown)  # fmt: skip
    params = _attempt_params(key, user.partner_id, redemption.pk, answer, moment)
    if ahead:
        sql, values = insert.statement_and_params()
        with hot_cursor() as cursor:
            cursor.execute(f"WITH r AS ({sql}) {_attempt_sql(connection.vendor)}", values + params)
            written = cursor.fetchone() is not None
        insert.mark_saved()
    else:
        written = _insert_attempt(params)
    return answer if written else None


def _take(
    user: PartnerUser, key: uuid.UUID, moment: datetime.datetime, offer: Offer, union: Org,
    found: ScanResult, first: _First, shown: dict[str, Any],
) -> Answer:  # fmt: skip
    """The writes of a use, in one transaction, the offer's budget row locked last."""
    assert found.worker_id is not None
    day = local_day(moment)
    place = first.place
    redemption = Redemption(
        offer=offer, partner_id=offer.partner_id, outlet=place, worker_id=found.worker_id,
        org=union, member_price_fen=offer.member_price_fen, subsidy_fen=offer.subsidy_fen,
        day=day, at=moment, source=RedemptionSource.SCAN, recorded_by=user, usage_file=None,
    )  # fmt: skip
    if first.next_id is not None:
        redemption.pk = first.next_id
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
            answer = _write(insert, user, key, moment, taken.left, shown)
            if answer is None:
                raise _Undo(None)
            patterns = flags.found(redemption, first.recent)
            # The member's city's audit chain, then the offer's budget stripe taken last (in
            # the event's own statement on PostgreSQL): the row confirms of the offer queue on
            # is held for one UPDATE and the commit.
            stripe = counters.member_stripe_update(offer, day, found.worker_id)
            _, took = append_event_and(
                audit, [stripe] if stripe else [],
                object_id=str(redemption.pk), object_label=str(redemption),
            )  # fmt: skip
            flags.raise_found(redemption, patterns)
            short = offer.budget_uses is not None and not any(took)
            if short and not counters.take_budget(offer, day, found.worker_id):
                raise _Undo(Answer(Status.BUDGET, limit_message("budget"), **shown))
    except _Undo as undo:
        if undo.answer is None:
            return _again(key, user)
        return _keep(user, key, moment, undo.answer)
    return answer
