"""Enrolment from Excel: errors name the row and column, all or nothing, the contributions of
the file posted to the pool once."""

import datetime

import pytest

from nuanjia.core import crypto
from nuanjia.core.idnumbers import id_check_char
from nuanjia.core.models import AuditEvent
from nuanjia.funds.checks import first_discrepancy
from nuanjia.mutualaid.imports_enrolment import import_enrolments
from nuanjia.mutualaid.models import Enrolment
from nuanjia.mutualaid.rules import EnrolmentStatus
from nuanjia.orgs.models import Org
from nuanjia.people.models import Worker

from .support import pdf, sheet_bytes  # noqa: F401

HEADERS = ["身份证号", "姓名", "起保日期", "缴费日期"]


def _id(n):
    first17 = f"410108{datetime.date(1980, 1, 1) + datetime.timedelta(days=n):%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_char(first17)


def _workers(count):
    org = Org.objects.get(code="410108")
    made = []
    for n in range(count):
        number = _id(n)
        made.append(
            Worker.objects.create(
                org=org, name=f"王{n}", region_code="410108", birth_date=datetime.date(1980, 1, 1),
                id_number_index=crypto.blind_index(number, purpose=crypto.PURPOSE_ID_NUMBER),
                id_number_encrypted=crypto.encrypt(number),
            )
        )  # fmt: skip
    return made


@pytest.mark.django_db
def test_a_sheet_enrols_and_posts_its_contributions_once(plan, caseworker):
    _workers(3)
    rows = [
        [_id(0), "王0", "2026-01-01", "2026-01-15"],
        [_id(1), "王1", "2026-01-01", ""],
        [_id(2), "王2", "2026/03/01", "2026-02-01"],
    ]
    result = import_enrolments(
        sheet_bytes(rows, HEADERS),
        plan,
        Org.objects.get(code="410108"),
        by=caseworker,
        file_name="名单.xlsx",
    )
    assert result.committed and result.created == 3
    paid = Enrolment.objects.get(worker__name="王0")
    assert (
        paid.cover_starts_on == datetime.date(2026, 1, 15) and paid.status == EnrolmentStatus.ACTIVE
    )
    assert paid.waiting_ends_on == datetime.date(2026, 4, 14)
    assert Enrolment.objects.get(worker__name="王1").status == EnrolmentStatus.UNPAID
    assert Enrolment.objects.get(worker__name="王2").cover_starts_on == datetime.date(2026, 3, 1)
    from nuanjia.mutualaid.services import pool_account

    assert pool_account(plan).available_fen == 12_000
    assert first_discrepancy() is None
    assert AuditEvent.objects.filter(action="mutualaid.enrolments_imported").count() == 1


@pytest.mark.django_db
def test_one_bad_row_writes_nothing_and_names_row_and_column(plan, caseworker):
    _workers(2)
    rows = [
        [_id(0), "王0", "2026-01-01", ""],
        [_id(1), "李四", "2026-01-01", ""],
        ["410108198001010000", "王9", "2026-01-01", ""],
    ]
    result = import_enrolments(
        sheet_bytes(rows, HEADERS), plan, Org.objects.get(code="410108"), by=caseworker
    )
    assert not result.committed
    places = {(error.row, error.column_label) for error in result.errors}
    assert (3, "B") in {(e.row, e.column) for e in result.errors}
    assert len(places) == 2
    assert not Enrolment.objects.exists()
