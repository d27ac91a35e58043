"""On the demo's rows, for every registered measure: the province's and each city's figure
equals the sum of the rows behind it, and the children's totals add up to the parent's for
every kind but a flow (whose flows between the children net out at the parent)."""

import datetime

import pytest
from django.db.models import Sum

from nuanjia.core import clock, measures
from nuanjia.core.models import AuditEvent
from nuanjia.demo import load_demo
from nuanjia.orgs.models import Org
from nuanjia.reports import queries, services
from nuanjia.reports.models import Fact

pytestmark = pytest.mark.django_db


def _rows_sum(measure, org, own, first, last) -> int:
    rows = measure.rows(org.path, own, first, last)
    return rows.aggregate(total=Sum("fact_value"))["total"] or 0


def _facts_are_computed(first: datetime.date, last: datetime.date) -> set[str]:
    """The facts the rebuild wrote (by INSERT … SELECT where `compute` is a queryset) are
    exactly those `computed_facts` makes in Python from the same rows; the measures seen."""
    seen = set()
    for measure in measures.registered():
        key = ("day", "org_id", "path", "d1", "d2", "peer_path", "value")
        stored = set(
            Fact.objects.filter(
                measure=measure.code, day__range=(first, last), adjusts=0
            ).values_list(*key)
        )
        computed = {
            tuple(getattr(fact, name) for name in key)
            for fact in services.computed_facts(measure, first, last)
        }
        assert stored == computed, measure.code
        if stored:
            seen.add(measure.code)
    return seen


def test_the_demo_figures_are_their_rows(tree):
    load_demo()  # builds the facts at its end
    last = clock.today()
    first = datetime.date(last.year - 1, 1, 1)
    province = Org.objects.get(code="410000")
    cities = list(Org.objects.filter(parent=province))
    nonzero = set()
    for measure in measures.registered():
        for org in [province, *cities[:4]]:
            figure = queries.figure(org, measure.code, first, last)
            assert _rows_sum(measure, org, False, first, last) == figure.total, measure.code
            assert _rows_sum(measure, org, True, first, last) == figure.own, measure.code
            if figure.total:
                nonzero.add(measure.code)
        children = queries.children_figures(province, measure.code, first, last)
        whole = queries.figure(province, measure.code, first, last)
        if measure.kind != measures.Kind.FLOW:
            assert whole.own + sum(f.total for _c, f in children) == whole.total, measure.code
    assert {"relief.grants_paid", "stations.visits", "hotline.received"} <= nonzero
    assert nonzero <= _facts_are_computed(datetime.date(last.year - 3, 1, 1), last)


def test_loading_the_demo_again_changes_nothing(tree):
    load_demo()
    key = ("measure", "day", "org_id", "d1", "d2", "peer_path", "value")
    facts = sorted(Fact.objects.values_list(*key))
    events = AuditEvent.objects.count()
    load_demo()
    assert AuditEvent.objects.count() == events
    assert sorted(Fact.objects.values_list(*key)) == facts
