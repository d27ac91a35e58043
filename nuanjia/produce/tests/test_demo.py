"""The demo's consumption help: the seed's six figures from a few rows, once; 周口's 1.2万斤 to
named families on their files; the ledger check passes."""

import time

import pytest

from nuanjia.demo import load_demo
from nuanjia.funds.checks import first_discrepancy
from nuanjia.produce import figures
from nuanjia.produce.demo import load_demo_produce
from nuanjia.produce.models import GoodsDestination, HelpOrder
from nuanjia.produce.queries import family_rows
from nuanjia.produce.rules import OrderStatus

pytestmark = pytest.mark.django_db
JIN = 500


def test_the_demo_holds_the_six_figures(tree):
    load_demo()
    started = time.monotonic()
    assert load_demo_produce() == 0  # loaded once
    assert time.monotonic() - started < 1
    assert set(HelpOrder.objects.values_list("status", flat=True)) == {OrderStatus.PAID}
    by_city = {f.key[0]: f for f in figures.figures(None, ["city"])}
    assert by_city["411600"].grams == 912_000 * JIN
    assert by_city["410100"].grams == 170_000 * JIN and by_city["410100"].paid_fen == 20_000_000
    assert by_city["411400"].grams == 594_000 * JIN and by_city["411400"].paid_fen == 19_000_000
    assert by_city["410700"].grams == 390_000 * JIN and by_city["410700"].paid_fen == 12_000_000
    assert by_city["410600"].grams == 24_000 * JIN
    given = GoodsDestination.objects.filter(kind="family", order__org__code="411600")
    assert sum(given.values_list("grams", flat=True)) == 12_000 * JIN
    for row in given:
        assert family_rows(row.hardship_file) == [
            (row.on.isoformat(), "郸城县绿源蔬菜专业合作社", "4,000.0", str(row.order))
        ]
    assert by_city["411600"].families == 3
    assert first_discrepancy() is None
