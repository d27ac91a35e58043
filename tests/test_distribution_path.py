"""The schema stays on the path to Citus distributed by the city-level code (docs/scale.md).

Every concrete table is classified in `nuanjia.core.distribution`; a distributed table's unique
keys carry its distribution value or are named exceptions with their mechanism; no reference or
local table points into a distributed one. Django's `_meta` only: runs on SQLite and PostgreSQL.
"""

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from django.apps import apps
from django.db import models

from nuanjia.core.distribution import (
    DISTRIBUTION_COLUMN,
    TABLES,
    Kind,
    Placement,
)

SHARDED = {Kind.DISTRIBUTED, Kind.KEYED}
HINT = "classify it in nuanjia/core/distribution.py (docs/scale.md says how)"


def concrete_models() -> dict[str, type[models.Model]]:
    found = apps.get_models(include_auto_created=True)
    return {m._meta.db_table: m for m in found if not m._meta.proxy and m._meta.managed}


def unique_keys(model: type[models.Model]) -> Iterator[tuple[str, frozenset[str] | None]]:
    """(name, field names) of every unique key but the primary key; None: an expression."""
    opts = model._meta
    for f in opts.local_fields:
        if f.unique and not f.primary_key:
            yield f.name, frozenset({f.name})
    for together in opts.unique_together:
        yield ",".join(together), frozenset(together)
    for c in opts.constraints:
        if isinstance(c, models.UniqueConstraint):
            yield c.name, (frozenset(c.fields) if c.fields and not c.expressions else None)


def relations(model: type[models.Model]) -> Iterator[models.Field]:
    for f in model._meta.local_fields:
        if f.is_relation and f.related_model is not None:
            yield f


def target(f: models.Field) -> str:
    return f.related_model._meta.db_table  # type: ignore[union-attr]


def kind_of(table: str) -> Kind | None:
    p = TABLES.get(table)
    return p.kind if p else None


def path_problems(table: str, model: type[models.Model], p: Placement) -> list[str]:
    """The via path and same-city fields name real fields; a planned column is still missing."""
    names = {f.name for f in model._meta.local_fields}
    if p.hop not in names:
        return [] if p.column_planned else [f"{table}: no field {p.hop!r} for via {p.via!r}"]
    if p.column_planned:
        return [f"{table}: {p.hop!r} exists now: drop column_planned ({p.column_planned})"]
    problems = [f"{table}: same_city {n!r} is no relation" for n in p.same_city if n not in names]
    return problems + walk_problems(table, model, p.via)


def walk_problems(table: str, model: type[models.Model], via: str) -> list[str]:
    """Each hop is a link; passing a distributed table, the rest of the path is its own via."""
    current: type[models.Model] | None = model
    hops = via.split(".")
    for i, hop in enumerate(hops):
        if current is None:
            return [f"{table}: via {via!r} goes past a column at {hop!r}"]
        f = current._meta.get_field(hop)
        current = f.related_model if f.is_relation else None  # type: ignore[assignment]
        rest = ".".join(hops[i + 1 :])
        to = TABLES.get(current._meta.db_table) if current is not None else None
        if rest and to is not None and to.kind is Kind.DISTRIBUTED and rest != to.via:
            return [f"{table}: via {via!r} leaves {hop!r} by {rest!r}, not by its via {to.via!r}"]
    return []


def unique_problems(table: str, model: type[models.Model], p: Placement) -> list[str]:
    """A unique key without the distribution value must be a named province-wide exception."""
    carriers = {p.hop, *p.same_city, DISTRIBUTION_COLUMN}
    problems, seen = [], set()
    for name, fields in unique_keys(model):
        seen.add(name)
        if fields is not None and fields & carriers:
            if name in p.wide_unique:
                problems.append(f"{table}: {name} carries {p.hop!r}: drop its wide_unique entry")
            continue
        if name not in p.wide_unique:
            problems.append(
                f"{table}: unique key {name} ({', '.join(sorted(fields or ['expression']))}) "
                f"lacks the distribution value ({p.via}); add {p.hop!r} to it, or list it in "
                "wide_unique with the mechanism that keeps it province-wide"
            )
    problems += [
        f"{table}: wide_unique {n!r} is no unique key" for n in p.wide_unique.keys() - seen
    ]
    return problems


def link_problems(table: str, model: type[models.Model], p: Placement) -> list[str]:
    """Foreign keys Citus refuses: reference/local → sharded, distributed → local/keyed."""
    problems = []
    rels = {f.name: f for f in relations(model)}
    for name, f in rels.items():
        to = kind_of(target(f))
        if p.kind in (Kind.REFERENCE, Kind.LOCAL) and to in SHARDED:
            problems.append(f"{table}.{name}: a {p.kind} table may not point to {target(f)} ({to})")
        if p.kind in SHARDED and to is Kind.LOCAL:
            problems.append(f"{table}.{name}: a {p.kind} table may not point to local {target(f)}")
        if p.kind is Kind.DISTRIBUTED and to is Kind.KEYED and name not in p.cross_city:
            problems.append(f"{table}.{name}: points to keyed {target(f)}: list it in cross_city")
    for name in p.cross_city:
        if name not in rels or kind_of(target(rels[name])) not in SHARDED:
            problems.append(f"{table}: cross_city {name!r} is no link to a sharded table")
    return problems


def all_problems(check: object) -> list[str]:
    found = concrete_models()
    problems: list[str] = []
    for table, model in sorted(found.items()):
        p = TABLES.get(table)
        if p is not None and (check is link_problems or p.kind in SHARDED):
            problems += check(table, model, p)  # type: ignore[operator]
    return problems


def test_every_table_is_classified() -> None:
    missing = sorted(concrete_models().keys() - TABLES.keys())
    assert not missing, f"tables with no placement: {missing}; {HINT}"


def test_no_stale_classification() -> None:
    gone = sorted(TABLES.keys() - concrete_models().keys())
    assert not gone, f"classified tables that no model has: {gone}"


def test_paths_name_real_fields() -> None:
    assert all_problems(path_problems) == []


def test_unique_keys_carry_the_distribution_value() -> None:
    assert all_problems(unique_problems) == []


def test_no_link_citus_refuses() -> None:
    assert all_problems(link_problems) == []


def test_reasons_are_given() -> None:
    """Every exception says how it is kept; every same-city claim says why it holds."""
    for table, p in TABLES.items():
        assert all(k.mechanism for k in [*p.wide_unique.values(), *p.cross_city.values()]), table
        assert not p.same_city or p.why, f"{table}: same_city needs its invariant in why"
        assert p.kind not in SHARDED or p.via, f"{table}: a sharded table needs via"


def test_the_checks_catch_a_new_key_and_a_bad_link() -> None:
    """Without its exception the worker's ID index fails; a reference table may not point in."""
    worker = apps.get_model("people", "Worker")
    bare = replace(TABLES["people_worker"], wide_unique={})
    assert any("worker_unique_id_number" in s for s in unique_problems("w", worker, bare))
    as_ref = replace(TABLES["people_household"], kind=Kind.REFERENCE)
    household = apps.get_model("people", "Household")
    assert any("people_worker" in s for s in link_problems("h", household, as_ref))
    keyless = replace(TABLES["members_cardscan"], via="outlet")
    scan = apps.get_model("members", "CardScan")
    assert unique_problems("s", scan, keyless) == []  # no unique key: nothing to carry
    member = apps.get_model("members", "Member")
    assert path_problems("m", member, replace(TABLES["members_member"], column_planned="")) != []
    line = apps.get_model("mutualaid", "ClaimLine")
    assert walk_problems("l", line, "claim.org") != []  # the claim lives by its worker
    assert walk_problems("l", line, "claim.worker.org") == []


def test_docs_list_every_exception() -> None:
    """docs/scale.md lists each province-wide key, each cross-city link and each planned column."""
    text = (Path(__file__).resolve().parent.parent / "docs" / "scale.md").read_text()
    missing = []
    for table, p in TABLES.items():
        missing += [f"{table} {k}" for k in p.wide_unique if f"| `{table}` | `{k}` |" not in text]
        missing += [f"{table}.{k}" for k in p.cross_city if f"`{table}.{k}`" not in text]
        if p.column_planned and f"`{table}.{p.hop}`" not in text:
            missing.append(f"{table}.{p.hop} (planned)")
    assert not missing, f"not in docs/scale.md: {missing}"
