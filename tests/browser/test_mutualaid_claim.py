"""A caseworker enters a mutual aid claim for a covered member: the illness, hospital, date,
one invoice line, the five documents uploaded and the health-data consent; the claim page
then shows the proposed amount with its cut and the documents."""

import datetime

import pytest

from conftest import PASSWORD
from nuanjia.core import clock
from nuanjia.mutualaid import services
from nuanjia.mutualaid.models import Claim
from nuanjia.mutualaid.tests.support import INPATIENT_RULES, PDF, terms
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.relief.tests.conftest import make_worker

from .conftest import screenshot, sign_in


@pytest.fixture
def covered_member(transactional_db, tree, make_staff):
    today = clock.today()
    planner = make_staff("410100", Role.APPROVER, username="zz_ma_planner")
    caseworker = make_staff("410108", Role.CASEWORKER, username="hj_ma_caseworker")
    plan = services.create_plan(
        code="zz-zy",
        name="郑州职工住院医疗互助",
        kind="inpatient",
        pool_org=Org.objects.get(code="410100"),
        by=planner,
    )
    services.add_version(
        plan, datetime.date(2020, 1, 1), rules=INPATIENT_RULES, by=planner, **terms()
    )
    start = today - datetime.timedelta(days=200)
    enrolment = services.enrol(
        plan,
        make_worker("410108"),
        org=Org.objects.get(code="410108"),
        starts_on=start,
        by=caseworker,
    )
    services.pay(enrolment, enrolment.contribution_fen, paid_on=start, by=caseworker)
    return enrolment, caseworker


def test_a_caseworker_enters_a_claim_with_its_documents(new_page, covered_member):
    enrolment, caseworker = covered_member
    page = new_page()
    sign_in(page, caseworker.username, PASSWORD)
    page.goto(f"/mutualaid/enrolments/{enrolment.pk}/")
    page.click("[data-testid=claim-new]")
    page.fill("input[name=illness]", "骨折")
    page.fill("input[name=episode]", "骨折")
    page.fill("input[name=diagnosis]", "左桡骨骨折")
    page.fill("input[name=hospital]", "郑州大学第一附属医院")
    page.fill("input[name=service_on]", (clock.today() - datetime.timedelta(days=10)).isoformat())
    for name, value in (("invoice_code", "41000001"), ("invoice_number", "00098765"), ("total", "1500.00"),
                        ("insurance", "500.00"), ("self_paid", "1000.00"), ("eligible", "800.00"), ("asked", "1000.00")):  # fmt: skip
        page.fill(f"input[name=line-0-{name}]", value)
    for kind in ("diagnosis", "discharge", "bill", "invoice", "bank_card"):
        page.set_input_files(
            f"input[name=doc_{kind}]",
            {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": PDF},
        )
    page.check("input[name=consent]")
    page.click("[data-testid=claim-submit]")
    page.wait_for_selector("[data-testid=claim-amounts]")
    screenshot(page, "mutualaid-claim")
    claim = Claim.objects.get()
    assert claim.asked_fen == 100_000 and claim.proposed_fen == 48_000  # 60% of the eligible 800 元
    assert "480.00" in page.inner_text("[data-testid=claim-amounts]")
    assert page.locator("[data-testid=cut]").count() == 2  # not covered, the plan's rate
    assert page.locator("[data-testid=claim-documents] li").count() == 5
    assert "左桡骨骨折" not in page.content()
