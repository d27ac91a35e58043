"""The acceptance property of issue 20 for every registered measure: for random rows on a
random union tree, every union's figure follows its measure's roll-up rule and the drill-down
rows (`Measure.rows`, as the rows page calls it) add up to it.

The rows are the apps' own, written by the demo through their services (and, for the few
measures the demo has no row of, by `seeds`); each example moves a
random handful of a measure's counted rows to random unions of a fresh random tree (a flow's
two ends drawn apart, one maybe left outside the tree), rebuilds the measure's facts and
checks every union of the tree, over the whole span and a random part of one year:
- own figure = Σ fact_value of the union's own rows; total = Σ of its subtree's rows;
- additive and distinct persons: total = own + Σ children's totals, and the same sum
  computed here from each union's own rows; distinct persons: every row adds 1 and no
  person appears twice in the tree within a year (one union per person and year);
- flows: a subtree's total leaves out the flows between two of its unions;
- the dimension values' parts add up to the figure.
Each example rolls back, so the next starts from the demo again. The set of measures
checked is the registry: a new measure is checked (or this test fails) without a word here."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nuanjia.core import clock, measures
from nuanjia.demo import load_demo
from nuanjia.orgs.models import Org
from nuanjia.people.models import Worker
from nuanjia.reports import queries, services

from .factories import make_tree
from .seeds import SEEDS

pytestmark = pytest.mark.django_db

# Who a DISTINCT_PERSONS measure counts (once a calendar year).
PERSONS = {
    "relief.persons_helped": "worker_id",
    "stations.active": "station_id",
    "mutualaid.members_paid": "worker_id",
    "campaigns.people": "worker_id",
    "modelworkers.on_register": "worker_id",
    "modelworkers.help_persons": "worker_id",
}
# A FLOW's facts are kept at one end (the lookup of its union) beside the other end.
FLOW_ENDS = {
    "funds.allocated": ("org", "counterpart_org"),
    "funds.received": ("counterpart_org", "org"),
}
# The union of a row where it is not the row's `org` (moved by moving the worker).
UNIONS = {"modelworkers.on_register": "worker__org"}
POOL = 200  # rows of a measure a draw picks from
EXAMPLES = 3


def _union(code: str) -> str:
    return FLOW_ENDS.get(code, (UNIONS.get(code, "org"), ""))[0]


def _pool(measure: measures.Measure, root: Org, first, last) -> list[int]:
    """The rows that count for the measure (a flow's: those kept at the root or a child)."""
    if measure.kind != measures.Kind.FLOW:
        rows = measure.rows(root.path, False, first, last).order_by("pk")
        return list(rows.values_list("pk", flat=True)[:POOL])
    found: list[int] = []
    for org in [root, *Org.objects.filter(parent=root)]:
        rows = measure.rows(org.path, True, first, last).order_by("pk")
        found.extend(rows.values_list("pk", flat=True)[: POOL - len(found)])
    return found


@st.composite
def moves(draw, pool: list[int], flow: bool):
    size = draw(st.integers(1, 5))
    parents = [None] + [draw(st.integers(0, index - 1)) for index in range(1, size)]
    end = st.integers(-1 if flow else 0, size - 1)  # -1: the end stays outside the tree
    picks = st.tuples(st.sampled_from(pool), end, end if flow else st.just(-1))
    return parents, draw(st.lists(picks, min_size=1, max_size=8, unique_by=lambda p: p[0]))


def _move(measure: measures.Measure, orgs: list[Org], picks) -> None:
    model = measure.rows(orgs[0].path, True, datetime.date.min, datetime.date.min).model
    if measure.code in UNIONS:  # the row's union is its worker's
        for pk, node, _peer in picks:
            worker = model._base_manager.filter(pk=pk).values_list("worker_id", flat=True)
            Worker._base_manager.filter(pk__in=worker).update(org=orgs[node])
        return
    ends = FLOW_ENDS.get(measure.code, ("org", ""))
    for pk, node, peer in picks:
        change = {name: orgs[at] for name, at in zip(ends, (node, peer), strict=True)
                  if name and at >= 0}  # fmt: skip
        if measure.kind == measures.Kind.FLOW and node == peer:
            continue  # a flow from a union to itself is no flow
        model._base_manager.filter(pk=pk).update(**change)


def _subtree(parents: list[int | None], root: int) -> set[int]:
    found = {root}
    for index in range(len(parents)):
        walk = parents[index]
        while walk is not None and index not in found:
            if walk == root:
                found.add(index)
            walk = parents[walk]
    return found


def _rows_sum(measure, org: Org, own: bool, first, last) -> int:
    rows = measure.rows(org.path, own, first, last)
    return rows.aggregate(total=Sum("fact_value"))["total"] or 0


def _own_rows(measure, orgs: list[Org], first, last) -> dict[int, list[tuple]]:
    """Each union's own rows: (pk, fact_value, the other end's path or the person)."""
    code = measure.code
    other = f"{FLOW_ENDS[code][1]}__path" if code in FLOW_ENDS else PERSONS.get(code, "pk")
    return {
        index: list(
            measure.rows(org.path, True, first, last).values_list("pk", "fact_value", other)
        )
        for index, org in enumerate(orgs)
    }


def _check(measure, parents, orgs: list[Org], first, last, *, one_year: bool) -> None:
    code = measure.code
    own_rows = _own_rows(measure, orgs, first, last)
    paths = {org.path for org in orgs}
    for index, org in enumerate(orgs):
        inside = _subtree(parents, index)
        inside_paths = {orgs[i].path for i in inside}
        figure = queries.figure(org, code, first, last)
        own = sum(value for _pk, value, _other in own_rows[index])
        if measure.kind == measures.Kind.FLOW:  # flows between two unions inside net out
            total = sum(
                value for i in inside for _pk, value, peer in own_rows[i]
                if peer not in inside_paths
            )  # fmt: skip
        else:
            total = sum(value for i in inside for _pk, value, _other in own_rows[i])
            children = queries.children_figures(org, code, first, last)
            assert figure.total == figure.own + sum(f.total for _c, f in children), code
        assert figure == queries.Figure(own, total), (code, org.code, first, last)
        assert _rows_sum(measure, org, True, first, last) == own, code
        assert _rows_sum(measure, org, False, first, last) == total, code
        parts = queries.breakdown(org, code, first, last)
        assert sum(f.total for _d1, _d2, f in parts) == total, code
        assert sum(f.own for _d1, _d2, f in parts) == own, code
    if measure.kind == measures.Kind.DISTINCT_PERSONS:
        found = [row for rows in own_rows.values() for row in rows]
        assert all(value == 1 for _pk, value, _person in found), code
        if one_year:
            persons = [person for _pk, _value, person in found]
            assert len(persons) == len(set(persons)), (code, "a person at two unions")
    assert paths  # the tree was checked


def _part_of_a_year(span_first: datetime.date, span_last: datetime.date):
    """A random part of one calendar year within the span."""
    years = st.integers(span_first.year, span_last.year)

    @st.composite
    def draw_part(draw):
        year = draw(years)
        low = max(span_first, datetime.date(year, 1, 1))
        high = min(span_last, datetime.date(year, 12, 31))
        days = (high - low).days
        start = draw(st.integers(0, days))
        end = draw(st.integers(start, days))
        return low + datetime.timedelta(days=start), low + datetime.timedelta(days=end)

    return draw_part()


def _check_measure(measure: measures.Measure, root: Org, first, last) -> bool:
    """Run the property for one measure; False when the demo has no row of it to move."""
    pool = _pool(measure, root, first, last)
    if not pool:
        return False
    flow = measure.kind == measures.Kind.FLOW

    @settings(
        max_examples=EXAMPLES, database=None, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )  # fmt: skip
    @given(moves(pool, flow), _part_of_a_year(first, last))
    def check(drawn, part) -> None:
        parents, picks = drawn
        with transaction.atomic():
            orgs = make_tree(parents)
            _move(measure, orgs, picks)
            services.rebuild(first, last, codes=[measure.code])
            _check(measure, parents, orgs, first, last, one_year=False)
            _check(measure, parents, orgs, *part, one_year=True)
            transaction.set_rollback(True)

    check()
    return True


def test_every_measure_follows_its_rule_on_random_rows(tree):
    load_demo()
    for seed in dict.fromkeys(SEEDS.values()):  # rows of the measures the demo has none of
        seed()
    registry = {measure.code for measure in measures.registered()}
    kinds = {m.code for m in measures.registered() if m.kind == measures.Kind.DISTINCT_PERSONS}
    assert set(PERSONS) == kinds  # a new distinct-persons measure names its person here
    assert set(FLOW_ENDS) == {m.code for m in measures.registered() if m.kind == measures.Kind.FLOW}
    root = Org.objects.get(code="410000")
    first, last = services.earliest_day() or clock.today(), clock.today()
    checked, without_rows = set(), set()
    for measure in measures.registered():
        (checked if _check_measure(measure, root, first, last) else without_rows).add(measure.code)
    assert checked | without_rows == registry
    assert not without_rows, f"the demo has no rows of {sorted(without_rows)}"
