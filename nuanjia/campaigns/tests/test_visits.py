"""慰问 with cash and goods: the seed's stories. Cash is a relief grant (caps, maker-checker,
payment batches); goods come out of the visiting union's stock; once per person."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Handout, Stock, Visit
from nuanjia.campaigns.rules import GoodsUnit, VisitStatus
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import SheetSource
from nuanjia.core.models import AuditEvent
from nuanjia.funds import services as funds
from nuanjia.funds.checks import first_discrepancy
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.relief import services as relief
from nuanjia.relief.models import Grant
from nuanjia.relief.rules import Status as GrantStatus

from .conftest import make_worker

pytestmark = pytest.mark.django_db

YUAN = 100
DAY = datetime.date(2026, 1, 20)


@pytest.fixture
def anyang(make_staff):
    """安阳 文峰区: a caseworker and stock of cotton hats and scarves."""
    caseworker = make_staff("410502", Role.CASEWORKER, username="ay_caseworker")
    org = Org.objects.get(code="410502")
    hat = services.add_item("棉帽", GoodsUnit.HAT, by=caseworker)
    scarf = services.add_item("围巾", GoodsUnit.STRIP, by=caseworker)
    for item in (hat, scarf):
        services.receive_donation(org, item, 10, source="爱心企业捐赠", by=caseworker)
    return {"caseworker": caseworker, "org": org, "hat": hat, "scarf": scarf}


def test_the_anyang_courier_gets_a_hat_and_a_scarf_from_stock(visit_activity, anyang):
    courier = make_worker("410502", name="安阳快递小哥")
    visit = services.record_visit(
        visit_activity,
        courier,
        anyang["org"],
        by=anyang["caseworker"],
        goods=[(anyang["hat"], 1), (anyang["scarf"], 1)],
        visited_on=DAY,
    )
    assert visit.grant is None
    given = {(h.item.name, h.quantity) for h in Handout.objects.filter(visit=visit)}
    assert given == {("棉帽", 1), ("围巾", 1)}
    stock = {s.item.name: s.remaining for s in Stock.objects.filter(org=anyang["org"])}
    assert stock == {"棉帽": 9, "围巾": 9}
    with pytest.raises(RuleViolation) as twice:
        services.record_visit(
            visit_activity,
            courier,
            anyang["org"],
            by=anyang["caseworker"],
            goods=[(anyang["hat"], 1)],
            visited_on=DAY,
        )
    assert twice.value.field == "worker"
    services.cancel_visit(visit, by=anyang["caseworker"], reason="登记错人")
    stock = {s.item.name: s.remaining for s in Stock.objects.filter(org=anyang["org"])}
    assert stock == {"棉帽": 10, "围巾": 10}
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.CANCELLED


@pytest.fixture
def xinyang(make_staff, province_finance):
    """信阳 浉河区 with 1万元 of 送温暖资金 passed down, and its caseworker, reviewer,
    approver and finance."""
    staff = {
        role: make_staff("411502", role, username=f"xy_{role}")
        for role in (Role.CASEWORKER, Role.REVIEWER, Role.APPROVER, Role.FINANCE)
    }
    city_finance = make_staff("411500", Role.FINANCE, username="xy_city_finance")
    province, city, county = (Org.objects.get(code=c) for c in ("410000", "411500", "411502"))
    warmth = Earmark.objects.get(code="warmth")
    funds.receive(province, warmth, 10_000 * YUAN, source="财政", by=province_finance)
    funds.allocate(province, city, warmth, 10_000 * YUAN, by=province_finance)
    funds.allocate(city, county, warmth, 10_000 * YUAN, by=city_finance)
    return {"org": county, "warmth": warmth, **staff}


def _bank_result(batch) -> SheetSource:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("参考号", "结果", "原因"))
    for reference in batch.lines.values_list("reference", flat=True):
        writer.writerow((reference, "成功", ""))
    return SheetSource(io.BytesIO(buffer.getvalue().encode()), name="result.csv")


def test_the_xinyang_sanitation_worker_gets_2000_yuan_through_a_payment_batch(
    visit_activity, xinyang
):
    worker = make_worker("411502", name="信阳环卫工")
    visit = services.record_visit(
        visit_activity,
        worker,
        xinyang["org"],
        by=xinyang[Role.CASEWORKER],
        cash_fen=2_000 * YUAN,
        visited_on=DAY,
    )
    grant = visit.grant
    assert grant.status == GrantStatus.PROPOSED and grant.amount_fen == 2_000 * YUAN
    with pytest.raises(PermissionDenied):  # a caseworker cannot review (maker-checker)
        relief.FLOW.take_step(grant, "review", by=xinyang[Role.CASEWORKER])
    relief.review_grant(grant, by=xinyang[Role.REVIEWER])
    relief.approve_grant(grant, by=xinyang[Role.APPROVER])
    batch = relief.build_batch(xinyang["org"], xinyang["warmth"], by=xinyang[Role.FINANCE])
    relief.export_bank_file(batch, io.BytesIO(), by=xinyang[Role.FINANCE], reason="发放送温暖")
    batch.refresh_from_db()
    result = relief.import_bank_results(batch, _bank_result(batch), by=xinyang[Role.FINANCE])
    assert result.committed
    assert Grant.objects.get(pk=grant.pk).status == GrantStatus.PAID
    assert funds.account_for(xinyang["org"], xinyang["warmth"]).spent_fen == 2_000 * YUAN
    assert first_discrepancy() is None  # nuanjia funds check
    from nuanjia.campaigns import figures

    found = figures.activity_figures(visit_activity, Org.objects.get(code="411500"))
    assert found.total["cash_paid"] == 2_000 * YUAN


def test_a_3001_yuan_visit_is_refused_by_the_cap_and_nothing_is_recorded(visit_activity, xinyang):
    worker = make_worker("411502")
    with pytest.raises(RuleViolation) as refused:
        services.record_visit(
            visit_activity,
            worker,
            xinyang["org"],
            by=xinyang[Role.CASEWORKER],
            cash_fen=3_001 * YUAN,
            visited_on=DAY,
        )
    assert "3,000" in refused.value.message or "3000" in refused.value.message
    assert not Visit.objects.exists() and not Grant.objects.exists()
    assert not AuditEvent.objects.filter(action="campaigns.visit_recorded").exists()


def test_a_second_union_is_warned_of_the_first_visit(
    campaign, visit_activity, xinyang, province_planner, make_staff
):
    worker = make_worker("411502")
    services.record_visit(
        visit_activity, worker, xinyang["org"], by=xinyang[Role.CASEWORKER], cash_fen=500 * YUAN
    )
    second = services.create_activity(
        campaign,
        kind="visit",
        name="春节慰问",
        org=campaign.lead_org,
        grant_type=visit_activity.grant_type,
        by=province_planner,
    )
    city = Org.objects.get(code="411500")
    city_caseworker = make_staff("411500", Role.CASEWORKER, username="xy_city")
    visit = services.record_visit(second, worker, city, by=city_caseworker, cash_fen=300 * YUAN)
    assert visit.warnings and "浉河区" in visit.warnings[0]
