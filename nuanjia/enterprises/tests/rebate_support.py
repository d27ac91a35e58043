"""Fee-rebate fixtures: the provincial split (grassroots 60%, county 10%, city 10%, province
20%; the upper 40% returned), firms of 惠济区 with a union account, a collection sheet."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest

from nuanjia.core.imports import Mode
from nuanjia.enterprises import services
from nuanjia.enterprises.imports_fees import COLLECTION_SHEET, import_collections
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role

from .support import make_firm


@pytest.fixture
def province_finance(make_staff):
    return make_staff("410000", Role.FINANCE, username="sz_ent_finance")


@pytest.fixture
def fee_finance(make_staff):
    """惠济区's finance officer (the maker), the county's rebate money received."""
    staff = make_staff("410108", Role.FINANCE, username="hj_fee_finance")
    funds.receive(Org.objects.get(code="410108"), Earmark.objects.get(code="fee-rebate"),
                  10_000_000, source="上级返还", by=staff)  # fmt: skip
    return staff


@pytest.fixture
def fee_approver(make_staff):
    return make_staff("410108", Role.APPROVER, username="hj_fee_approver")


@pytest.fixture
def rebate_policy(province_finance):
    return services.create_rebate_policy(
        code="hn-2021", name="小微企业工会经费全额返还", shares=(600, 100, 100, 200),
        returned_permille=400, effective_from=datetime.date(2021, 1, 1), effective_to=None,
        by=province_finance,
    )  # fmt: skip


def union_firm(by, name: str, *, size: str = "micro", union_account: str = "6217000000000001"):
    firm = make_firm(by, name=name, size=size, year=2021)
    firm.union_account_name = f"{name}工会委员会"
    firm.union_account = ""
    if union_account:
        from nuanjia.core.crypto import encrypt
        from nuanjia.core.masking import mask_bank_account

        firm.union_account_encrypted = encrypt(union_account)
        firm.union_account_masked = mask_bank_account(union_account)
        firm.union_bank_name = "中国建设银行郑州分行"
    firm.save()
    return firm


def collection_csv(rows) -> io.BytesIO:
    """rows: (credit code, period start, fee yuan[, kind])."""
    header = ",".join(column.header for column in COLLECTION_SHEET.columns)
    lines = [header]
    for code, start, fee, *kind in rows:
        end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(
            day=1
        ) - datetime.timedelta(days=1)
        lines.append(
            f"{code},{start},{end},{Decimal(fee) * 50},{fee},{end},{kind[0] if kind else ''}"
        )
    return io.BytesIO("\n".join(lines).encode())


def import_sheet(rows, by):
    return import_collections(collection_csv(rows), by=by, mode=Mode.ALL_OR_NOTHING,
                              file_name="征收明细.csv")  # fmt: skip
