"""The demo money: the campaign's figures, allocated to the 18 cities, loaded once."""

import pytest

from nuanjia.cli import main as nuanjia_main
from nuanjia.core.money import wan_to_fen
from nuanjia.funds import queries
from nuanjia.funds.demo import load_demo_funds
from nuanjia.funds.models import Earmark, Transaction
from nuanjia.orgs.models import Org

pytestmark = pytest.mark.django_db


def test_demo_money_reaches_the_18_cities_and_the_demo_counties_once(tree):
    assert load_demo_funds() > 0
    province = Org.objects.get(code="410000")
    cities = Org.objects.filter(parent=province, kind=Org.Kind.CITY)
    assert cities.count() == 18
    allocations = Transaction.objects.filter(kind="allocate", org=province)
    assert allocations.values("counterpart_org").distinct().count() == 18
    totals = queries.subtree_balances(province)
    warmth = Earmark.objects.get(code="warmth")
    hardship = Earmark.objects.get(code="hardship")
    first_and_second = sum(
        totals[earmark.pk].total_fen
        for earmark in Earmark.objects.filter(
            code__in=["warmth", "hardship", "breakfast", "stations"]
        )
    )
    assert first_and_second == wan_to_fen("6144") + wan_to_fen("2560")
    huiji = Org.objects.get(code="410108")
    assert queries.subtree_balances(huiji)[warmth.pk].available_fen == wan_to_fen("50")
    assert queries.subtree_balances(huiji)[hardship.pk].available_fen == wan_to_fen("80")
    gulou = Org.objects.get(code="410204")
    assert queries.subtree_balances(gulou)[warmth.pk].available_fen == wan_to_fen("30")
    count = Transaction.objects.count()
    assert load_demo_funds() == 0
    assert Transaction.objects.count() == count
    assert nuanjia_main(["funds", "check"]) == 0
