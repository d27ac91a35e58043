"""What the mutual aid tests share: a city's inpatient and critical-illness plans, a covered
member, a claim's data with its documents."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nuanjia.core import clock
from nuanjia.mutualaid import services
from nuanjia.mutualaid.rules import REQUIRED_DOCS, PlanKind
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.relief.tests.conftest import make_worker

TODAY = datetime.date(2026, 11, 20)
START = datetime.date(2026, 1, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
INPATIENT_RULES = {"percent": 60, "deductible_fen": 0}
CRITICAL_RULES = {
    "illnesses": {"cancer": "恶性肿瘤", "stroke": "脑中风后遗症"},
    "fixed": [
        {"illness": "*", "from_day": 30, "to_day": 90, "fen": 50_000},
        {"illness": "*", "from_day": 91, "fen": 1_000_000},
    ],
}


def terms(**changes):
    values = {
        "contribution_fen": 6_000, "union_share_fen": 3_000, "member_share_fen": 3_000,
        "employer_share_fen": 0, "term_months": 12, "waiting_days": 90,
        "cap_claim_fen": 1_000_000, "cap_episode_fen": 1_000_000, "cap_year_fen": 1_000_000,
        "sample_percent": 0, "review_above_fen": 10**9,
    }  # fmt: skip
    values.update(changes)
    return values


@pytest.fixture(autouse=True)
def business_day():
    with clock.as_of(TODAY):
        yield


@pytest.fixture
def planner(make_staff):
    return make_staff("410100", Role.APPROVER, username="zz_ma_planner")


@pytest.fixture
def ma_approver(make_staff):
    return make_staff("410100", Role.APPROVER, username="zz_ma_approver")


@pytest.fixture
def second_approver(make_staff):
    return make_staff("410100", Role.APPROVER, username="zz_ma_approver2")


@pytest.fixture
def pool_finance(make_staff):
    return make_staff("410100", Role.FINANCE, username="zz_ma_finance")


def make_plan(planner, kind=PlanKind.INPATIENT, code="zz-zy", rules=None, pool="410100", **changes):
    plan = services.create_plan(
        code=code, name=f"互助{code}", kind=kind, pool_org=Org.objects.get(code=pool), by=planner
    )
    services.add_version(
        plan, START, rules=rules or (CRITICAL_RULES if kind == PlanKind.CRITICAL else INPATIENT_RULES),
        by=planner, **terms(**changes),
    )  # fmt: skip
    return plan


@pytest.fixture
def plan(planner):
    return make_plan(planner)


@pytest.fixture
def critical_plan(planner):
    return make_plan(planner, PlanKind.CRITICAL, code="zz-zj", waiting_days=30)


def covered(plan, caseworker, *, paid_on=START, starts_on=START, org_code="410108", worker=None):
    worker = worker or make_worker(org_code)
    enrolment = services.enrol(
        plan, worker, org=Org.objects.get(code=org_code), starts_on=starts_on, by=caseworker
    )
    if paid_on is not None:
        enrolment = services.pay(
            enrolment, enrolment.contribution_fen, paid_on=paid_on, by=caseworker
        )
    return enrolment


def pdf(name="doc.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def docs(kind):
    return {doc: pdf(f"{doc}.pdf") for doc in REQUIRED_DOCS[kind]}


def line(asked, *, code="4100", number=None, self_paid=None, total=None, eligible=None, check=""):
    self_paid = self_paid if self_paid is not None else asked
    total = total if total is not None else self_paid + 1_000
    line.n = getattr(line, "n", 0) + 1
    return services.LineData(
        asked_fen=asked, total_fen=total, insurance_fen=total - self_paid, self_paid_fen=self_paid,
        eligible_fen=eligible if eligible is not None else self_paid,
        invoice_code=code, invoice_number=number or f"N{line.n:08d}", check_code=check,
    )  # fmt: skip


def claim_data(
    kind=PlanKind.INPATIENT,
    *,
    day=datetime.date(2026, 6, 1),
    lines=None,
    illness="fracture",
    **extra,
):
    values = {
        "illness": illness, "hospital": "郑州大学第一附属医院", "service_on": day,
        "diagnosis": "左股骨骨折", "consent": True,
        "lines": lines if lines is not None else [line(100_000)], "documents": docs(kind),
    }  # fmt: skip
    return services.ClaimData(**(values | extra))


def fund(plan, fen):
    """Money in the pool without enrolments (a grant from above)."""
    from nuanjia.funds import services as funds

    funds.post_many(
        [funds.Posting(kind=funds.Kind.RECEIVE, org=plan.pool_org, earmark=plan.earmark, amount_fen=fen,
                       legs=[funds.Leg(None, "external", -fen, counterparty="财政"),
                             funds.Leg(services.pool_account(plan), "available", fen)])],
        by=None,
    )  # fmt: skip


def sheet_bytes(rows, headers):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out
