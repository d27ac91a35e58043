"""The automatic check over many received claims (a bulk intake, a night's run): the fast path
beside `claims.check_claim`, writing exactly what it writes — each line's proposed amount and
cuts, the invoice uses, the counters' reservations, the claim's status, proposed amount and
sample flag, a history row per claim — with one audit event per chunk.

Per chunk of claims (primary-key order) the counters and invoices it touches are locked by
primary key (never a scan), the arithmetic is `benefits.propose` on their figures held in
memory (two claims of one member in a chunk see each other's reservation), and the writes go
out as executemany statements."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from nuanjia.core import bulk
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event

from ..benefits import BenefitRules, Limits, LineIn, coverage_refusal, parse_rules, propose
from ..models import (
    Claim,
    ClaimEvent,
    ClaimLine,
    Enrolment,
    Episode,
    Invoice,
    InvoiceUse,
    PlanVersion,
    YearCounter,
)
from ..rules import ClaimStatus, Cut, EnrolmentStatus, in_review_sample
from .claims import _cities

CHUNK = 2000


def update_rows(
    table: str, assignments: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """One UPDATE per row (`id` last in each row). SQLite runs them in-process with
    executemany; on PostgreSQL each statement is a round trip, so the rows go as one
    `UPDATE … FROM unnest(<one array per column>)` (a short statement whatever the number
    of rows: nothing for the driver to parse at length, one plan). `assignments` reads the
    new values as `v.<column>`."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sets = _sqlite_sets(assignments, columns)
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", rows)  # noqa: S608
            return
        arrays = ", ".join(f"%s::{_pg_type(value)}[]" for value in rows[0])
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM unnest({arrays}) "  # noqa: S608
            f"AS v({', '.join(columns)}) WHERE t.id = v.id",
            [list(column) for column in zip(*rows, strict=True)],
        )


def _pg_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "bigint"
    if isinstance(value, datetime.datetime):
        return "timestamptz"
    return "text"


def _sqlite_sets(assignments: str, columns: tuple[str, ...]) -> str:
    """The same assignments with each `v.<column>` as a parameter, in column order."""
    text = assignments.replace("::jsonb", "")
    for name in columns[:-1]:
        text = text.replace(f"v.{name}", "%s")
    return text


def _locked(model: Any, ids: Iterable[int], *fields: str) -> dict[int, list[Any]]:
    rows = (
        model.objects.select_for_update()
        .filter(pk__in=set(ids))
        .order_by("pk")
        .values_list("pk", *fields)
    )
    return {row[0]: list(row[1:]) for row in rows}


class _Chunk:
    def __init__(self, ids: list[int]) -> None:
        self.claims: list[dict[str, Any]] = [dict(row) for row in (
            Claim.objects.select_for_update().filter(pk__in=ids, status=ClaimStatus.RECEIVED).order_by("pk").values(
                "pk", "plan_id", "plan__kind", "version_id", "enrolment_id", "year_counter_id", "episode_id",
                "service_on", "city_code",
            )
        )]  # fmt: skip
        claim_ids = [c["pk"] for c in self.claims]
        self.enrolments = {
            row[0]: row
            for row in Enrolment.objects.filter(
                pk__in={c["enrolment_id"] for c in self.claims}
            ).values_list(
                "pk", "status", "starts_on", "ends_on", "cover_starts_on", "waiting_ends_on"
            )
        }
        self.lines: dict[int, list[tuple[int, int, int, int | None]]] = {}
        for row in (
            ClaimLine.objects.filter(claim_id__in=claim_ids)
            .order_by("claim_id", "position")
            .values_list("claim_id", "pk", "asked_fen", "eligible_fen", "invoice_id")
        ):
            self.lines.setdefault(row[0], []).append(row[1:])
        self.years = _locked(
            YearCounter,
            (c["year_counter_id"] for c in self.claims),
            "cap_fen",
            "reserved_fen",
            "used_fen",
        )
        self.episodes = _locked(
            Episode, (c["episode_id"] for c in self.claims), "cap_fen", "reserved_fen", "used_fen"
        )
        invoice_ids = {line[3] for lines in self.lines.values() for line in lines if line[3]}
        self.invoices = _locked(Invoice, invoice_ids, "self_paid_fen", "used_fen")
        self.versions: dict[int, tuple[BenefitRules, PlanVersion]] = {}
        self.year_moves: dict[int, int] = {}
        self.episode_moves: dict[int, int] = {}
        self.invoice_moves: dict[int, int] = {}
        self.line_rows: list[tuple[Any, ...]] = []
        self.claim_rows: list[tuple[Any, ...]] = []
        self.uses: list[tuple[int, int, str, int]] = []

    def version(self, pk: int, kind: str) -> tuple[BenefitRules, PlanVersion]:
        if pk not in self.versions:
            version = PlanVersion.objects.get(pk=pk)
            self.versions[pk] = (parse_rules(kind, version.rules), version)
        return self.versions[pk]

    def run(self) -> None:
        for claim in self.claims:
            self.one(claim)

    def one(self, claim: dict[str, Any]) -> None:
        rules, version = self.version(claim["version_id"], claim["plan__kind"])
        _pk, status, starts, ends, cover, waiting = self.enrolments[claim["enrolment_id"]]
        refusal = coverage_refusal(
            active=status == EnrolmentStatus.ACTIVE, starts_on=starts, ends_on=ends,
            cover_starts_on=cover, waiting_ends_on=waiting, day=claim["service_on"],
        )  # fmt: skip
        lines = self.lines.get(claim["pk"], [])
        year, episode = self.years[claim["year_counter_id"]], self.episodes[claim["episode_id"]]
        ins = [
            LineIn(
                asked, eligible, (self.invoices[inv][0] - self.invoices[inv][1]) if inv else None
            )
            for _line, asked, eligible, inv in lines
        ]
        limits = Limits(
            version.cap_claim_fen, year[0] - year[1] - year[2], episode[0] - episode[1] - episode[2]
        )
        outs = propose(ins, rules, limits, refusal=refusal)
        total = 0
        for (line_id, _asked, _eligible, inv), out in zip(lines, outs, strict=True):
            cuts = [[code, fen, _cities(inv, Claim(pk=claim["pk"]))] if code == Cut.DUPLICATE_INVOICE and inv else [code, fen]
                    for code, fen in out.cuts]  # fmt: skip
            self.line_rows.append((out.proposed_fen, json.dumps(cuts), line_id))
            if inv and out.proposed_fen:
                self.invoices[inv][1] += out.proposed_fen
                self.invoice_moves[inv] = self.invoice_moves.get(inv, 0) + out.proposed_fen
                self.uses.append((inv, line_id, claim["city_code"], out.proposed_fen))
            total += out.proposed_fen
        year[1] += total
        episode[1] += total
        self.year_moves[claim["year_counter_id"]] = (
            self.year_moves.get(claim["year_counter_id"], 0) + total
        )
        self.episode_moves[claim["episode_id"]] = (
            self.episode_moves.get(claim["episode_id"], 0) + total
        )
        sampled = total > version.review_above_fen or in_review_sample(
            claim["plan_id"], claim["pk"], version.sample_percent
        )
        self.claim_rows.append((ClaimStatus.SUBMITTED.value, total, total, sampled, claim["pk"]))

    def write(self) -> None:
        now: Any = timezone.now()
        if connection.vendor != "postgresql":
            now = connection.ops.adapt_datetimefield_value(now)
        update_rows(
            ClaimLine._meta.db_table, "proposed_fen = v.proposed_fen, cuts = v.cuts::jsonb",
            ("proposed_fen", "cuts", "id"), self.line_rows,
        )  # fmt: skip
        for model, moves, column in (
            (YearCounter, self.year_moves, "reserved_fen"),
            (Episode, self.episode_moves, "reserved_fen"),
            (Invoice, self.invoice_moves, "used_fen"),
        ):
            update_rows(
                model._meta.db_table, f"{column} = {column} + v.amount", ("amount", "id"),
                [(fen, pk) for pk, fen in sorted(moves.items()) if fen],
            )  # fmt: skip
        update_rows(
            Claim._meta.db_table,
            "status = v.status, proposed_fen = v.proposed_fen, reserved_fen = v.reserved_fen, "
            "second_review = v.second_review, updated_at = v.updated_at",
            ("status", "proposed_fen", "reserved_fen", "second_review", "updated_at", "id"),
            [
                (status, fen, reserved, sampled, now, pk)
                for status, fen, reserved, sampled, pk in self.claim_rows
            ],
        )
        bulk.copy_rows(
            InvoiceUse._meta.db_table, ("invoice_id", "line_id", "city_code", "amount_fen"), self.uses
        )  # fmt: skip
        bulk.copy_rows(
            ClaimEvent._meta.db_table,
            ("claim_id", "action", "from_status", "to_status", "note", "changes", "at"),
            [(pk, "check", ClaimStatus.RECEIVED.value, status, "",
              json.dumps({"proposed_fen": fen, "second_review": sampled}), now)
             for status, fen, _reserved, sampled, pk in self.claim_rows],
        )  # fmt: skip


def check_received(*, by: Actor | None = None, chunk: int = CHUNK) -> int:
    """Check every received claim, a chunk per transaction; returns how many were checked."""
    done = 0
    after = 0
    while True:
        with transaction.atomic():
            ids = list(
                Claim.objects.filter(status=ClaimStatus.RECEIVED, pk__gt=after)
                .order_by("pk")
                .values_list("pk", flat=True)[:chunk]
            )
            if not ids:
                return done
            work = _Chunk(ids)
            work.run()
            work.write()
            record_event(
                None, "mutualaid.claim.checked", by=by, org=getattr(by, "org", None),
                changes={"count": len(work.claim_rows), "first": ids[0], "last": ids[-1],
                         "proposed_fen": sum(row[1] for row in work.claim_rows)},
            )  # fmt: skip
        done += len(work.claim_rows)
        after = ids[-1]
