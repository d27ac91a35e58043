"""Goods of campaigns, the seed's stories: the 安阳 courier gets a cotton hat and a scarf from
stock; 郑州 buys 20,000 packs of 暖宝贴 through the ledger and hands them out in bulk until
the stock reads 0; maker-checker on purchases; goods sent down one level at a time."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from nuanjia.campaigns import queries_goods, services
from nuanjia.campaigns.models import GoodsPurchase, Handout, Stock, StockMove
from nuanjia.campaigns.rules import PurchaseStatus, PurchaseStep, StockMoveKind
from nuanjia.campaigns.workflow import PURCHASE_FLOW
from nuanjia.cli import main as nuanjia_main
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.funds.models import FundAccount, Transaction
from nuanjia.stations.tests.scoping import PNG

from .goods_support import *  # noqa: F403 -- the goods fixtures
from .goods_support import YUAN, make_worker, org

pytestmark = pytest.mark.django_db
SIGNED = {"signed_by_name": "张队长", "signed_on": datetime.date(2026, 1, 20)}


def stock_of(code: str, item) -> Stock:
    return Stock.objects.get(org__code=code, item=item)


def test_the_anyang_courier_gets_a_cotton_hat_and_a_scarf_from_the_unions_stock(
    activity, items, ay_caseworker
):
    anyang = org("410500")
    for item in (items["hat"], items["scarf"]):
        services.receive_donation(anyang, item, 50, source="爱心企业", by=ay_caseworker)
    courier = make_worker("410500", "快递员老周")
    hat = services.hand_out(activity, anyang, items["hat"], 1, worker=courier, by=ay_caseworker)
    scarf = services.hand_out(activity, anyang, items["scarf"], 1, worker=courier, by=ay_caseworker)
    assert (
        stock_of("410500", items["hat"]).remaining,
        stock_of("410500", items["scarf"]).remaining,
    ) == (49, 49)
    assert {hat.worker_id, scarf.worker_id} == {courier.pk}
    moves = StockMove.objects.filter(kind=StockMoveKind.HANDED_OUT).values_list(
        "quantity", flat=True
    )
    assert sorted(moves) == [-1, -1]
    assert AuditEvent.objects.filter(action="campaigns.goods_handed_out").count() == 2
    figures = queries_goods.goods_by_item(Handout.objects.filter(activity=activity))
    assert [(row["item"], row["quantity"], row["people"]) for row in figures] == [
        ("围巾", 1, 1),
        ("棉帽", 1, 1),
    ]
    assert queries_goods.goods_totals(Handout.objects.all())["people"] == 1


def test_the_same_item_to_the_same_worker_twice_in_an_activity_is_refused(
    activity, items, ay_caseworker
):
    anyang = org("410500")
    services.receive_donation(anyang, items["hat"], 5, source="爱心企业", by=ay_caseworker)
    courier = make_worker("410500")
    services.hand_out(activity, anyang, items["hat"], 1, worker=courier, by=ay_caseworker)
    with pytest.raises(RuleViolation) as refusal:
        services.hand_out(activity, anyang, items["hat"], 1, worker=courier, by=ay_caseworker)
    assert refusal.value.field == "item" and courier.name in refusal.value.message
    assert stock_of("410500", items["hat"]).remaining == 4


def _buy_patches(items, zz_caseworker, zz_approver, campaign):
    zhengzhou = org("410100")
    purchase = services.propose_purchase(
        zhengzhou,
        items["patch"],
        20_000,
        30_000 * YUAN,
        campaign.earmarks.get(),
        "郑州市某商贸公司",
        campaign=campaign,
        by=zz_caseworker,
    )
    return PURCHASE_FLOW.take_step(purchase, PurchaseStep.APPROVE, by=zz_approver)


def test_zhengzhou_buys_20000_packs_and_hands_them_out_in_bulk_until_none_remain(
    activity, campaign, items, zz_money, zz_caseworker, zz_approver, capsys
):
    purchase = _buy_patches(items, zz_caseworker, zz_approver, campaign)
    assert purchase.status == PurchaseStatus.RECEIVED and purchase.received_on is not None
    account = FundAccount.objects.get(pk=zz_money.pk)
    assert (account.available_fen, account.reserved_fen, account.spent_fen) == (
        70_000 * YUAN,
        0,
        30_000 * YUAN,
    )
    spends = Transaction.objects.filter(kind="spend", source_type="campaigns.goods_purchase")
    assert list(spends.values_list("source_id", flat=True)) == [str(purchase.pk)]
    assert nuanjia_main(["funds", "check"]) == 0
    zhengzhou = org("410100")
    for team in ("地铁志愿者服务队", "交通志愿者服务队", "社区志愿者服务队"):
        services.hand_out(
            activity,
            zhengzhou,
            items["patch"],
            6_000,
            recipient_group=team,
            people_count=300,
            by=zz_caseworker,
            **SIGNED,
        )
    photo = SimpleUploadedFile("签收单.png", PNG, content_type="image/png")
    last = services.hand_out(
        activity,
        zhengzhou,
        items["patch"],
        2_000,
        recipient_group="医疗志愿者服务队",
        people_count=100,
        signed_list=photo,
        by=zz_caseworker,
    )
    assert last.signed_list.startswith("campaigns/signed-lists/")
    stock = stock_of("410100", items["patch"])
    assert (stock.received, stock.handed_out, stock.remaining) == (20_000, 20_000, 0)
    with pytest.raises(RuleViolation) as refusal:
        services.hand_out(
            activity,
            zhengzhou,
            items["patch"],
            1,
            recipient_group="晚到的队",
            people_count=1,
            by=zz_caseworker,
            **SIGNED,
        )
    assert refusal.value.field == "quantity" and "0 包" in refusal.value.message
    assert Handout.objects.count() == 4
    totals = queries_goods.goods_totals(Handout.objects.all())
    assert totals == {"times": 4, "people": 1_000}


def test_a_bulk_hand_out_needs_a_signature_record(
    activity, campaign, items, zz_money, zz_caseworker, zz_approver
):
    _buy_patches(items, zz_caseworker, zz_approver, campaign)
    zhengzhou = org("410100")
    with pytest.raises(RuleViolation) as refusal:
        services.hand_out(
            activity,
            zhengzhou,
            items["patch"],
            10,
            recipient_group="环卫所",
            people_count=10,
            by=zz_caseworker,
        )
    assert refusal.value.field == "signed_by_name"
    with pytest.raises(RuleViolation) as refusal:
        services.hand_out(
            activity,
            zhengzhou,
            items["patch"],
            10,
            recipient_group="环卫所",
            people_count=10,
            signed_by_name="李站长",
            by=zz_caseworker,
        )
    assert refusal.value.field == "signed_on"
    with pytest.raises(RuleViolation) as refusal:
        services.hand_out(
            activity,
            zhengzhou,
            items["patch"],
            10,
            recipient_group="环卫所",
            people_count=10,
            signed_list=SimpleUploadedFile("list.png", b"not a png"),
            by=zz_caseworker,
        )
    assert refusal.value.field == "signed_list"
    assert Handout.objects.count() == 0
    assert stock_of("410100", items["patch"]).remaining == 20_000


def test_the_proposer_cannot_approve_their_own_purchase(campaign, items, zz_money, make_staff):
    from nuanjia.orgs.rules import Role

    both = make_staff("410100", Role.CASEWORKER, Role.APPROVER, username="zz_both")
    purchase = services.propose_purchase(
        org("410100"),
        items["patch"],
        100,
        200 * YUAN,
        campaign.earmarks.get(),
        "商店",
        campaign=campaign,
        by=both,
    )
    with pytest.raises(RuleViolation) as refusal:
        PURCHASE_FLOW.take_step(purchase, PurchaseStep.APPROVE, by=both)
    assert refusal.value.code == "maker_checker"
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.PROPOSED
    assert not Stock.objects.exists()
    assert FundAccount.objects.get(pk=zz_money.pk).spent_fen == 0


def test_a_caseworker_cannot_approve_and_the_refusal_is_audited(
    campaign, items, zz_money, zz_caseworker, make_staff
):
    from nuanjia.orgs.rules import Role

    other = make_staff("410100", Role.CASEWORKER, username="zz_other")
    purchase = services.propose_purchase(
        org("410100"),
        items["patch"],
        100,
        200 * YUAN,
        campaign.earmarks.get(),
        "商店",
        by=zz_caseworker,
    )
    with pytest.raises(PermissionDenied):
        PURCHASE_FLOW.take_step(purchase, PurchaseStep.APPROVE, by=other, where="test")
    assert AuditEvent.objects.filter(action="access.denied", success=False).exists()
    assert GoodsPurchase.objects.get().status == PurchaseStatus.PROPOSED


def test_a_purchase_beyond_the_money_available_is_refused_at_proposal(
    campaign, items, zz_money, zz_caseworker
):
    with pytest.raises(RuleViolation) as refusal:
        services.propose_purchase(
            org("410100"),
            items["patch"],
            100,
            100_001 * YUAN,
            campaign.earmarks.get(),
            "商店",
            by=zz_caseworker,
        )
    assert refusal.value.field == "amount_fen" and "100,000.00" in refusal.value.message
    assert not GoodsPurchase.objects.exists()


def test_a_purchase_for_a_campaign_spends_only_an_earmark_the_campaign_may_spend(
    campaign, items, zz_money, zz_caseworker
):
    from nuanjia.funds.models import Earmark

    other = Earmark.objects.exclude(code="warmth").filter(is_active=True).first()
    with pytest.raises(RuleViolation) as refusal:
        services.propose_purchase(
            org("410100"),
            items["patch"],
            100,
            100 * YUAN,
            other,
            "商店",
            campaign=campaign,
            by=zz_caseworker,
        )
    assert refusal.value.field == "earmark"


def test_a_withdrawal_needs_a_reason_and_changes_no_money(campaign, items, zz_money, zz_caseworker):
    purchase = services.propose_purchase(
        org("410100"),
        items["patch"],
        100,
        200 * YUAN,
        campaign.earmarks.get(),
        "商店",
        by=zz_caseworker,
    )
    with pytest.raises(RuleViolation) as refusal:
        PURCHASE_FLOW.take_step(purchase, PurchaseStep.CANCEL, by=zz_caseworker, note="")
    assert refusal.value.field == "note"
    PURCHASE_FLOW.take_step(purchase, PurchaseStep.CANCEL, by=zz_caseworker, note="价格太高")
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.CANCELLED
    assert list(purchase.events.values_list("action", flat=True)) == ["propose", "cancel"]
    assert FundAccount.objects.get(pk=zz_money.pk).available_fen == 100_000 * YUAN


def test_goods_go_down_one_level_at_a_time_and_never_beyond_what_is_left(
    items, planner, zz_caseworker
):
    province, zhengzhou, huiji = org("410000"), org("410100"), org("410108")
    services.receive_donation(province, items["hat"], 12, source="省慈善总会", by=planner)
    with pytest.raises(RuleViolation) as refusal:
        services.allocate_stock(province, huiji, items["hat"], 1, by=planner)
    assert refusal.value.field == "to_org"
    with pytest.raises(RuleViolation) as refusal:
        services.allocate_stock(province, zhengzhou, items["hat"], 13, by=planner)
    assert refusal.value.field == "quantity" and "12 顶" in refusal.value.message
    services.allocate_stock(province, zhengzhou, items["hat"], 10, by=planner)
    services.allocate_stock(zhengzhou, huiji, items["hat"], 4, by=zz_caseworker)
    rows = {
        code: (stock.received, stock.allocated_down, stock.remaining)
        for code in ("410000", "410100", "410108")
        for stock in [stock_of(code, items["hat"])]
    }
    assert rows == {"410000": (12, 10, 2), "410100": (10, 4, 6), "410108": (4, 0, 4)}
    moves = StockMove.objects.filter(stock__org=zhengzhou).order_by("id")
    assert [(move.kind, move.quantity) for move in moves] == [
        (StockMoveKind.ALLOCATED_IN, 10),
        (StockMoveKind.ALLOCATED_OUT, -4),
    ]


def test_a_union_cannot_move_goods_of_a_union_outside_its_subtree(items, ay_caseworker):
    with pytest.raises(RuleViolation) as refusal:
        services.receive_donation(org("410100"), items["hat"], 1, source="x", by=ay_caseworker)
    assert refusal.value.code == "forbidden"


def test_bad_input_names_the_field_and_changes_nothing(activity, items, ay_caseworker, planner):
    anyang = org("410500")
    cases = [
        (
            lambda: services.receive_donation(
                anyang, items["hat"], 0, source="x", by=ay_caseworker
            ),
            "quantity",
        ),
        (
            lambda: services.receive_donation(
                anyang, items["hat"], 1, source=" ", by=ay_caseworker
            ),
            "source",
        ),
        (
            lambda: services.receive_donation(
                anyang, items["hat"], 1, source="a\u202eb", by=ay_caseworker
            ),
            "source",
        ),
        (lambda: services.add_item("棉帽", "顶", by=planner), "name"),
        (lambda: services.add_item("手套", "双", by=planner), "unit"),
        (
            lambda: services.hand_out(
                activity, anyang, items["hat"], 1, recipient_group="", by=ay_caseworker
            ),
            "recipient_group",
        ),
        (
            lambda: services.hand_out(
                activity,
                anyang,
                items["hat"],
                1,
                recipient_group="队",
                people_count=0,
                by=ay_caseworker,
                **SIGNED,
            ),
            "people_count",
        ),
    ]
    for call, field in cases:
        with pytest.raises(RuleViolation) as refusal:
            call()
        assert refusal.value.field == field, (field, refusal.value.message)
    assert not Stock.objects.exists() and not Handout.objects.exists()


def test_a_returned_hand_out_goes_back_into_stock_once(activity, items, ay_caseworker):
    anyang = org("410500")
    services.receive_donation(anyang, items["scarf"], 3, source="爱心企业", by=ay_caseworker)
    handout = services.hand_out(
        activity, anyang, items["scarf"], 1, worker=make_worker("410500"), by=ay_caseworker
    )
    with pytest.raises(RuleViolation) as refusal:
        services.return_handout(handout, reason="", by=ay_caseworker)
    assert refusal.value.field == "reason"
    services.return_handout(handout, reason="慰问取消", by=ay_caseworker)
    assert stock_of("410500", items["scarf"]).remaining == 3
    with pytest.raises(RuleViolation):
        services.return_handout(handout, reason="again", by=ay_caseworker)
    handout.refresh_from_db()
    assert handout.returned
    assert stock_of("410500", items["scarf"]).handed_out == 0


def test_goods_are_handed_out_only_while_the_campaign_is_under_way(
    activity, campaign, items, ay_caseworker, planner
):
    anyang = org("410500")
    services.receive_donation(anyang, items["hat"], 3, source="爱心企业", by=ay_caseworker)
    services.set_campaign_status(campaign, "closed", by=planner)
    activity.refresh_from_db()
    with pytest.raises(RuleViolation) as refusal:
        services.hand_out(
            activity, anyang, items["hat"], 1, worker=make_worker("410500"), by=ay_caseworker
        )
    assert refusal.value.code == "campaign_not_open"
