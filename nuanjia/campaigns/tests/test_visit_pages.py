"""The visits page and API: record with cash and goods, the cap's refusal on the form, cancel."""

import pytest
from django.test import Client
from django.urls import reverse

from conftest import verified_login
from nuanjia.campaigns import services
from nuanjia.campaigns.models import Stock, Visit
from nuanjia.campaigns.rules import GoodsUnit, VisitStatus
from nuanjia.orgs.models import Org

from .conftest import make_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def hats(caseworker):
    hat = services.add_item("棉帽", GoodsUnit.HAT, by=caseworker)
    services.receive_donation(Org.objects.get(code="410108"), hat, 5, source="捐赠", by=caseworker)
    return hat


def _client(user):
    client = Client()
    verified_login(client, user)
    return client


def test_a_visit_recorded_and_cancelled_on_the_page(visit_activity, caseworker, hats):
    worker = make_worker("410108")
    client = _client(caseworker)
    url = reverse("campaigns:visits", args=[visit_activity.pk])
    assert client.get(url).status_code == 200
    refused = client.post(
        url,
        {"worker": worker.pk, "cash_yuan": "3001", "visited_on": "2026-01-20", "item_0": hats.pk},
    )
    assert refused.status_code == 200 and refused.context["form"].errors["cash_yuan"]
    assert not Visit.objects.exists()
    assert Stock.objects.get(item=hats).remaining == 5
    done = client.post(
        url,
        {
            "worker": worker.pk,
            "cash_yuan": "500",
            "visited_on": "2026-01-20",
            "item_0": hats.pk,
            "quantity_0": 1,
        },
    )
    assert done.status_code == 302
    visit = Visit.objects.get()
    assert visit.grant.amount_fen == 50_000 and Stock.objects.get(item=hats).remaining == 4
    listing = client.get(url)
    assert listing.context["count"] == 1 and listing.context["cash_fen"] == 50_000
    export = client.get(url, {"export": 1})
    assert export.status_code == 200
    client.post(reverse("campaigns:visit_cancel", args=[visit.pk]), {"reason": "重复登记"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED and Stock.objects.get(item=hats).remaining == 5


def test_a_visit_through_the_api(visit_activity, caseworker, hats):
    worker = make_worker("410108")
    client = _client(caseworker)
    answer = client.post(
        f"/api/v1/campaigns/activities/{visit_activity.pk}/visits",
        {"worker_id": worker.pk, "goods": [{"item_id": hats.pk, "quantity": 2}]},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.json()
    again = client.post(
        f"/api/v1/campaigns/activities/{visit_activity.pk}/visits",
        {"worker_id": worker.pk, "goods": [{"item_id": hats.pk}]},
        content_type="application/json",
    )
    assert again.status_code == 400 and again.json()["field"] == "worker"
    listed = client.get(f"/api/v1/campaigns/activities/{visit_activity.pk}/visits").json()
    assert listed["count"] == 1
