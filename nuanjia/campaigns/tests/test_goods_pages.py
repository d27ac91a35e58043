"""The goods pages as staff use them: stock with figures that drill down to their moves and an
Excel export, the catalogue, donations, sending down, a purchase proposed and approved from
its page, an activity's hand-outs with totals, a bulk hand-out with a signed list, a return."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from nuanjia.campaigns import services
from nuanjia.campaigns.models import GoodsPurchase, Handout, Stock
from nuanjia.campaigns.rules import PurchaseStatus
from nuanjia.core.todo import items_for
from nuanjia.stations.tests.scoping import PNG

from .goods_support import *  # noqa: F403 -- the goods fixtures
from .goods_support import make_worker, org

pytestmark = pytest.mark.django_db


def _sheet(response) -> list[tuple]:
    body = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(body), read_only=True)
    return list(book.active.iter_rows(values_only=True))


@pytest.fixture
def anyang_stock(activity, items, ay_caseworker):
    anyang = org("410500")
    services.receive_donation(anyang, items["hat"], 20, source="爱心企业", by=ay_caseworker)
    services.hand_out(
        activity, anyang, items["hat"], 1, worker=make_worker("410500"), by=ay_caseworker
    )
    return Stock.objects.get(org=anyang, item=items["hat"])


def test_the_stock_page_shows_each_figure_and_its_moves_add_up_to_it(
    anyang_stock, ay_caseworker, login
):
    client = login(ay_caseworker)
    page = client.get(reverse("campaigns:stock"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "棉帽" in text and f"/campaigns/stock/{anyang_stock.pk}/?figure=received" in text
    for figure, total in (("received", 20), ("handed_out", 1), ("", 19)):
        moves = client.get(
            reverse("campaigns:stock_moves", args=[anyang_stock.pk]), {"figure": figure}
        )
        assert moves.status_code == 200
        assert f'data-testid="moves-total">{total}<' in moves.content.decode()
    sheet = _sheet(client.get(reverse("campaigns:stock_export")))
    assert sheet[1][1:] == ("棉帽", "顶", 20, 0, 1, 19)


def test_another_city_sees_none_of_anyangs_stock(anyang_stock, zz_caseworker, login):
    client = login(zz_caseworker)
    assert "棉帽" not in client.get(reverse("campaigns:stock")).content.decode().split("<h2")[-1]
    moves = client.get(reverse("campaigns:stock_moves", args=[anyang_stock.pk]))
    assert moves.status_code == 404


def test_items_donations_and_sending_down_from_the_pages(items, planner, login):
    client = login(planner)
    added = client.post(reverse("campaigns:goods_items"), {"name": "手套", "unit": "件"})
    assert added.status_code == 302
    duplicate = client.post(reverse("campaigns:goods_items"), {"name": "手套", "unit": "件"})
    assert duplicate.status_code == 200 and "手套" in duplicate.content.decode()
    province, zhengzhou = org("410000"), org("410100")
    donated = client.post(
        reverse("campaigns:donation_new"),
        {"org": province.pk, "item": items["hat"].pk, "quantity": 30, "source": "省慈善总会"},
    )
    assert donated.status_code == 302
    sent = client.post(
        reverse("campaigns:stock_allocate"),
        {"org": province.pk, "to_org": zhengzhou.pk, "item": items["hat"].pk, "quantity": 40},
    )
    assert sent.status_code == 200  # refused: 30 left
    assert "30" in sent.content.decode()
    sent = client.post(
        reverse("campaigns:stock_allocate"),
        {"org": province.pk, "to_org": zhengzhou.pk, "item": items["hat"].pk, "quantity": 10},
    )
    assert sent.status_code == 302
    assert Stock.objects.get(org=zhengzhou, item=items["hat"]).remaining == 10


def test_a_purchase_is_proposed_and_approved_from_its_pages(
    campaign, items, zz_money, zz_caseworker, zz_approver, login
):
    client = login(zz_caseworker)
    proposed = client.post(
        reverse("campaigns:purchase_new"),
        {
            "org": org("410100").pk,
            "item": items["patch"].pk,
            "quantity": 20000,
            "amount_yuan": "30000.00",
            "earmark": campaign.earmarks.get().pk,
            "supplier": "商贸公司",
            "campaign": campaign.pk,
        },
    )
    assert proposed.status_code == 302, proposed.content.decode()[:2000]
    purchase = GoodsPurchase.objects.get()
    too_much = client.post(
        reverse("campaigns:purchase_new"),
        {
            "org": org("410100").pk,
            "item": items["patch"].pk,
            "quantity": 1,
            "amount_yuan": "200000",
            "earmark": campaign.earmarks.get().pk,
            "supplier": "商贸公司",
        },
    )
    assert too_much.status_code == 200 and "100,000.00" in too_much.content.decode()
    own = client.get(reverse("campaigns:purchase", args=[purchase.pk])).content.decode()
    assert 'data-testid="step-approve"' not in own
    client.post(reverse("campaigns:purchase_approve", args=[purchase.pk]))
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.PROPOSED
    tiles = {item.url: item.count for item in items_for(zz_approver)}
    assert tiles[reverse("campaigns:purchases") + "?status=proposed"] == 1
    assert not any("/campaigns/purchases/" in item.url for item in items_for(zz_caseworker))
    client = login(zz_approver)
    queue = client.get(reverse("campaigns:purchases"), {"status": "proposed"})
    assert str(purchase) in queue.content.decode()
    page = client.get(reverse("campaigns:purchase", args=[purchase.pk])).content.decode()
    assert 'data-testid="step-approve"' in page
    client.post(reverse("campaigns:purchase_approve", args=[purchase.pk]))
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.RECEIVED
    history = client.get(reverse("campaigns:purchase", args=[purchase.pk])).content.decode()
    assert history.count("<li>") >= 2


def test_a_bulk_hand_out_with_a_signed_list_from_the_page_and_its_return(
    activity, campaign, items, zz_money, zz_caseworker, zz_approver, login
):
    purchase = services.propose_purchase(
        org("410100"),
        items["patch"],
        100,
        300_00,
        campaign.earmarks.get(),
        "商店",
        by=zz_caseworker,
    )
    services.approve_purchase(purchase, by=zz_approver)
    client = login(zz_caseworker)
    url = reverse("campaigns:handout_new", args=[activity.pk])
    assert client.get(url).status_code == 200
    refused = client.post(
        url,
        {
            "org": org("410100").pk,
            "item": items["patch"].pk,
            "quantity": 40,
            "recipient_group": "地铁志愿者服务队",
            "people_count": 20,
        },
    )
    assert refused.status_code == 200 and not Handout.objects.exists()
    posted = client.post(
        url,
        {
            "org": org("410100").pk,
            "item": items["patch"].pk,
            "quantity": 40,
            "recipient_group": "地铁志愿者服务队",
            "people_count": 20,
            "signed_list": SimpleUploadedFile("签收单.png", PNG, content_type="image/png"),
        },
    )
    assert posted.status_code == 302
    handout = Handout.objects.get()
    listing = client.get(reverse("campaigns:handouts", args=[activity.pk]))
    text = listing.content.decode()
    assert "地铁志愿者服务队" in text and 'data-testid="total-people">20<' in text
    download = client.get(reverse("campaigns:handout_signed_list", args=[handout.pk]))
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    sheet = _sheet(client.get(reverse("campaigns:handouts_export", args=[activity.pk])))
    assert sheet[1][4] == "地铁志愿者服务队" and sheet[1][3] == 40
    client.post(reverse("campaigns:handout_return", args=[handout.pk]), {"reason": "录错了"})
    handout.refresh_from_db()
    assert handout.returned
    assert Stock.objects.get(org__code="410100").remaining == 100


def test_the_hand_out_list_filters_by_named_and_bulk(activity, items, ay_caseworker, login):
    anyang = org("410500")
    services.receive_donation(anyang, items["hat"], 20, source="爱心企业", by=ay_caseworker)
    services.hand_out(
        activity,
        anyang,
        items["hat"],
        1,
        worker=make_worker("410500", "快递员老周"),
        by=ay_caseworker,
    )
    services.hand_out(
        activity,
        anyang,
        items["hat"],
        5,
        recipient_group="快递站",
        people_count=5,
        signed_by_name="站长",
        signed_on=datetime.date(2026, 1, 5),
        by=ay_caseworker,
    )
    client = login(ay_caseworker)
    url = reverse("campaigns:handouts", args=[activity.pk])
    named = client.get(url, {"kind": "named"}).content.decode()
    assert "快递员老周" in named and "快递站" not in named
    both = client.get(url).content.decode()
    assert 'data-testid="total-people">6<' in both
