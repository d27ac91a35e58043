"""What the enterprises tests share: valid credit codes, a firm of 惠济区 with its figures, a
union property with a unit, leases, the policies of the acceptance cases, money."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from itertools import count

import pytest

from nuanjia.core.codes import credit_code_check_char
from nuanjia.core.imports import SheetSource
from nuanjia.enterprises import services
from nuanjia.enterprises.rules import FirmKind, Industry
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role

RENT = 500_000  # 5,000 元 a month
_serial = count(1)


def credit_code(serial: int | None = None) -> str:
    """A valid 统一社会信用代码 (91 + region 410108 + a serial)."""
    number = serial if serial is not None else next(_serial)
    first17 = f"91410108{number:09d}"
    return first17 + credit_code_check_char(first17)


def make_firm(
    by,
    *,
    name: str = "惠济小微商贸有限公司",
    size: str = "micro",
    kind=FirmKind.FIRM,
    region: str = "410108",
    year: int = 2021,
    account: str = "6222020200001234567",
):
    """A retail firm of `region` with figures making it `size` from 1 January of `year`+1."""
    firm = services.register_firm(
        name=name, credit_code=credit_code(), region_code=region, kind=kind,
        industry=Industry.RETAIL, by=by, account_name=name, account=account,
        bank_name="中国工商银行郑州惠济支行",
    )  # fmt: skip
    headcount, revenue = {"micro": (5, 500_000_00), "small": (30, 3_000_000_00),
                          "medium": (120, 10_000_000_00)}[size]  # fmt: skip
    services.record_figures(
        firm, year=year, headcount=headcount, revenue_fen=revenue, assets_fen=None, by=by
    )
    return firm


def make_unit(by, org_code: str = "410108", name: str = "惠济区职工服务中心"):
    prop = services.create_property(
        Org.objects.get(code=org_code), name=name, address="郑州市惠济区开元路1号", by=by
    )
    return services.create_unit(prop, code=f"1-{next(_serial):03d}", area_m2=Decimal(80), by=by)


def make_lease(
    by,
    firm,
    *,
    starts_on=datetime.date(2022, 1, 1),
    ends_on=datetime.date(2023, 12, 31),
    rent: int = RENT,
    unit=None,
):
    unit = unit or make_unit(by, name=f"服务中心{next(_serial)}")
    return services.create_lease(
        unit, firm, monthly_rent_fen=rent, starts_on=starts_on, ends_on=ends_on,
        deposit_fen=rent, by=by,
    )  # fmt: skip


def make_policy(
    by,
    free: int,
    reduced: int,
    *,
    code: str | None = None,
    num: int = 1,
    den: int = 2,
    window=(datetime.date(2022, 1, 1), datetime.date(2022, 12, 31)),
):
    return services.create_policy(
        Org.objects.get(code="410108"), code=code or f"p{free}-{reduced}-{next(_serial)}",
        name=f"免{free}减半{reduced}", free_months=free, reduced_months=reduced,
        reduced_num=num, reduced_den=den, window_starts_on=window[0], window_ends_on=window[1],
        by=by,
    )  # fmt: skip


def fund(finance, yuan: int = 1_000_000, org_code: str = "410108") -> None:
    funds.receive(
        Org.objects.get(code=org_code), Earmark.objects.get(code="rent-relief"), yuan * 100,
        source="财政", by=finance,
    )  # fmt: skip


def rent_account(org_code: str = "410108"):
    return funds.account_for(
        Org.objects.get(code=org_code), Earmark.objects.get(code="rent-relief")
    )


def bank_results(batch, word: str = "成功", reason: str = "") -> SheetSource:
    references = batch.lines.order_by("pk").values_list("reference", flat=True)
    text = "参考号,结果,原因\n" + "".join(f"{ref},{word},{reason}\n" for ref in references)
    return SheetSource(io.BytesIO(text.encode()), name="result.csv")


@pytest.fixture
def caseworker(make_staff):
    return make_staff("410108", Role.CASEWORKER, username="hj_ent_caseworker")


@pytest.fixture
def approver(make_staff):
    return make_staff("410108", Role.APPROVER, username="hj_ent_approver")


@pytest.fixture
def finance(make_staff):
    staff = make_staff("410108", Role.FINANCE, username="hj_ent_finance")
    fund(staff)
    return staff
