"""The acceptance property of issue 20: for random rows on a random union tree, every
union's figure follows its measure's roll-up rule, and the rows behind each figure add up
to it — for additive measures (grants paid, money reserved and paid per earmark), distinct
persons (workers helped) and flows (allocations kept at the giver, the same money received kept
at the receiver, both netted out inside a subtree); each figure's dimension values add up to it.
Every registered measure of every app is checked the same way on random moves of the demo's
rows over random trees (test_rollup_every_measure.py) and on the demo's rows as they are
(test_demo_figures.py)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nuanjia.core import measures
from nuanjia.funds.models import Earmark, Transaction
from nuanjia.reports import queries, services

from .factories import allocation, make_tree, paid_grant, workers

pytestmark = pytest.mark.django_db
FIRST = datetime.date(2026, 1, 1)
LAST = datetime.date(2026, 3, 31)
CODES = (
    "relief.grants_paid", "relief.persons_helped", "funds.allocated", "funds.received",
    "funds.reserved", "funds.paid",
)  # fmt: skip
POSTINGS = {"funds.reserved": Transaction.Kind.RESERVE, "funds.paid": Transaction.Kind.SPEND}
_sources = itertools.count(1)
PERIODS = ((FIRST, LAST), (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)))


@st.composite
def scenarios(draw):
    size = draw(st.integers(1, 6))
    parents = [None] + [draw(st.integers(0, index - 1)) for index in range(1, size)]
    node = st.integers(0, size - 1)
    day = st.integers(0, (LAST - FIRST).days).map(lambda n: FIRST + datetime.timedelta(days=n))
    amount = st.integers(1, 10_000_000)
    grants = draw(st.lists(st.tuples(node, st.integers(0, 3), day, amount), max_size=10))
    flows = draw(st.lists(st.tuples(node, node, day, amount), max_size=6))
    kinds = st.sampled_from(sorted(POSTINGS))
    postings = draw(st.lists(st.tuples(node, kinds, day, amount), max_size=6))
    return parents, grants, [flow for flow in flows if flow[0] != flow[1]], postings


def _subtree(parents: list[int | None], root: int) -> set[int]:
    found = {root}
    for index in range(len(parents)):
        walk: int | None = index
        while walk is not None:
            if walk == root:
                found.add(index)
                break
            walk = parents[walk]
    return found


def _expected(parents, scenario, node: int, first, last) -> dict[str, tuple[int, int]]:
    _parents, grants, flows, postings = scenario
    inside = _subtree(parents, node)
    within = [g for g in grants if first <= g[2] <= last]
    firsts: dict[int, tuple] = {}
    for order, grant in enumerate(grants):  # a worker's first paid grant of the year
        key = (grant[2], order)
        if grant[1] not in firsts or key < firsts[grant[1]][0]:
            firsts[grant[1]] = (key, grant)
    people = [g for _key, g in firsts.values() if first <= g[2] <= last]
    moved = [f for f in flows if first <= f[2] <= last]
    posted = {
        code: [p for p in postings if p[1] == code and first <= p[2] <= last] for code in POSTINGS
    }
    return {
        **{
            code: (
                sum(p[3] for p in found if p[0] == node),
                sum(p[3] for p in found if p[0] in inside),
            )
            for code, found in posted.items()
        },
        "funds.received": (
            sum(f[3] for f in moved if f[1] == node),
            sum(f[3] for f in moved if f[1] in inside and f[0] not in inside),
        ),
        "relief.grants_paid": (
            sum(g[3] for g in within if g[0] == node),
            sum(g[3] for g in within if g[0] in inside),
        ),
        "relief.persons_helped": (
            sum(1 for g in people if g[0] == node),
            sum(1 for g in people if g[0] in inside),
        ),
        "funds.allocated": (
            sum(f[3] for f in moved if f[0] == node),
            sum(f[3] for f in moved if f[0] in inside and f[1] not in inside),
        ),
    }


def _rows_sum(code: str, org, own: bool, first, last) -> int:
    rows = measures.get(code).rows(org.path, own, first, last)
    return rows.aggregate(total=Sum("fact_value"))["total"] or 0


# Each example builds a tree of its own, so rows of earlier examples (same transaction) do
# not touch it.
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenarios())
def test_every_figure_follows_its_rule_and_its_rows_add_up(tree, scenario):
    parents, grants, flows, postings = scenario
    orgs = make_tree(parents)
    people = workers(orgs[0], 4)
    for node, person, day, amount in grants:
        paid_grant(people[person], orgs[node], day, amount)
    for giver, receiver, day, amount in flows:
        allocation(orgs[giver], orgs[receiver], day, amount)
    earmark = Earmark.objects.get(code="hardship")
    for node, code, day, amount in postings:
        Transaction.objects.create(
            kind=POSTINGS[code], org=orgs[node], earmark=earmark, amount_fen=amount,
            posted_on=day, source_type="test.property", source_id=str(next(_sources)),
        )  # fmt: skip
    services.rebuild(FIRST, LAST, codes=CODES)
    for first, last in PERIODS:
        for index, org in enumerate(orgs):
            expected = _expected(parents, scenario, index, first, last)
            children = dict(
                (child.pk, figure) for code in CODES
                for child, figure in queries.children_figures(org, code, first, last)
                if code == "relief.grants_paid"
            )  # fmt: skip
            for code in CODES:
                own, total = expected[code]
                assert queries.figure(org, code, first, last) == queries.Figure(own, total), code
                assert _rows_sum(code, org, True, first, last) == own, code
                assert _rows_sum(code, org, False, first, last) == total, code
                parts = queries.breakdown(org, code, first, last)
                assert sum(figure.total for _d1, _d2, figure in parts) == total, code
                assert sum(figure.own for _d1, _d2, figure in parts) == own, code
            grants_figure = queries.figure(org, "relief.grants_paid", first, last)
            assert grants_figure.total == grants_figure.own + sum(
                f.total for f in children.values()
            )
            for code in ("funds.allocated", "funds.received", "funds.paid"):
                for child, figure in queries.children_figures(org, code, first, last):
                    assert figure == queries.figure(child, code, first, last), code
