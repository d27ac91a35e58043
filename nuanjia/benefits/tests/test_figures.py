"""The benefits figures: uses, members reached and subsidy by offer, merchant, city and month,
each adding up to its rows, with Excel; reversed uses left out."""

import pytest
from django.test import Client

from conftest import verified_login
from nuanjia.benefits.figures import figures
from nuanjia.benefits.services import redemptions, reversals

from .support import card, key, local, member, offer_for

pytestmark = pytest.mark.django_db


def test_figures_add_up_and_drill_down_to_their_rows(car_wash, planner):
    _partner, outlet, person, terms, wash = car_wash
    cinema = offer_for(terms, planner, name="五元观影", subsidy=3000)
    a, b = member(), member()
    used = [
        redemptions.redeem(
            person,
            offer=offer.pk,
            key=key(),
            code=card(who),
            outlet=outlet.pk,
            at=local(2026, month, 5, 10 + n),
        ).redemption_id
        for n, (offer, who, month) in enumerate(
            [(wash, a, 11), (wash, b, 11), (cinema, a, 12), (wash, a, 12)]
        )
    ]
    reversals.reverse(person, used[3], reason="退", at=local(2026, 12, 5, 20))
    by_offer = {f.label: (f.uses, f.members, f.subsidy_fen) for f in figures(planner, "offer")}
    assert by_offer == {"五元洗车": (2, 2, 5000), "五元观影": (1, 1, 3000)}
    by_month = [(f.label, f.uses) for f in figures(planner, "month")]
    assert by_month == [("2026-11", 2), ("2026-12", 1)]
    assert [(f.label, f.subsidy_fen) for f in figures(planner, "city")] == [("郑州市", 8000)]
    assert [f.uses for f in figures(planner, "merchant")] == [3]
    client = Client()
    verified_login(client, planner)
    page = client.get("/benefits/figures/?by=offer").content.decode()
    assert "五元洗车" in page and "80.00" in page
    wash_figure = next(f for f in figures(planner, "offer") if f.label == "五元洗车")
    rows = client.get(wash_figure.rows_url).content.decode()
    assert rows.count("五元洗车") >= 3  # two kept, one reversed shown as such
    month = figures(planner, "month")[0]
    assert client.get(month.rows_url).status_code == 200
    city = client.get(figures(planner, "city")[0].rows_url).content.decode()
    assert "五元观影" in city
    assert client.get("/benefits/figures/export.xlsx?by=city").status_code == 200
