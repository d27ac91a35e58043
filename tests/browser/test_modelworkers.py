"""A 惠济区 caseworker opens the register of model workers and finds the 劳模, records a
"乡村振兴劳模出彩" village base for them, and proposes this month's help payment on the
model worker's case of the help register — at desktop and phone sizes."""

import pytest

from conftest import PASSWORD
from nuanjia.modelworkers import services
from nuanjia.modelworkers.models import Base, HelpPayment
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.people.honour_models import Honour
from nuanjia.relief.tests.conftest import make_worker

from .conftest import PHONE, screenshot, sign_in


@pytest.fixture
def register(transactional_db, make_staff):
    caseworker = make_staff("410108", Role.CASEWORKER, username="hj_mw_browser_cw")
    province = make_staff("410000", Role.APPROVER, username="sz_mw_browser_ap")
    worker = make_worker("410108", name="张劳模")
    Honour.objects.create(worker=worker, kind="model_worker", level="provincial", year=2020,
                          issuer="河南省人民政府")  # fmt: skip
    services.save_standard(by=province, region_code="410000", level="provincial",
                           effective_on="2020-01-01", per="month", amount_fen=50_000)  # fmt: skip
    case = services.add_case(
        Org.objects.get(code="410108"), by=caseworker, worker=worker, frequency="monthly",
        income_monthly_fen=120_000, income_note="家庭人均收入低于低保", starts_on="2020-01-01",
    )  # fmt: skip
    return caseworker, worker, case


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_staff_open_the_register_record_a_base_and_propose_help(new_page, register, viewport):
    caseworker, worker, case = register
    page = new_page(viewport) if viewport else new_page()
    sign_in(page, caseworker.username, PASSWORD)
    page.goto("/modelworkers/")
    assert "张劳模" in page.get_by_test_id("register").inner_text()
    screenshot(page, f"modelworkers-register-{'phone' if viewport else 'desktop'}")

    page.goto("/modelworkers/bases/new/")
    page.select_option("select[name=worker]", str(worker.pk))
    page.fill("input[name=region_code]", "410122")
    page.fill("input[name=village]", "大王庄村")
    page.fill("input[name=money_fen]", "20000")
    page.fill("input[name=started_on]", "2025-03-01")
    page.click("main form button.primary")
    page.get_by_test_id("money").wait_for()
    assert "20,000.00" in page.get_by_test_id("money").inner_text()
    assert Base.objects.filter(village="大王庄村", worker=worker, money_fen=2_000_000).exists()

    page.goto(f"/modelworkers/help/{case.pk}/")
    page.get_by_test_id("propose").click()
    page.get_by_test_id("case-payments").wait_for()
    assert "500.00" in page.get_by_test_id("case-payments").inner_text()
    screenshot(page, f"modelworkers-case-{'phone' if viewport else 'desktop'}")
    payment = HelpPayment.objects.get(case=case)
    assert payment.status == "proposed" and payment.proposed_by_id == caseworker.pk
