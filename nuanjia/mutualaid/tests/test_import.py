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


SHAPE = (
    "plan_id", "version_id", "org_id", "city_code", "starts_on", "ends_on", "contribution_fen",
    "paid_fen", "paid_in_full_on", "cover_starts_on", "waiting_ends_on", "is_continuous",
    "status", "refund_fen", "created_by_id",
)  # fmt: skip


@pytest.mark.django_db
def test_the_sheet_writes_what_enrolling_one_by_one_writes(plan, caseworker):
    """The fast path (one read, COPY / executemany) against services.enrol + services.pay:
    the same enrolment and contribution rows, the same money in the pool, and one audit
    event naming the file's rows where the one-by-one path writes one per row."""
    from nuanjia.mutualaid import services
    from nuanjia.mutualaid.models import Contribution

    org = Org.objects.get(code="410108")
    workers = _workers(4)
    terms = [("2026-01-01", "2026-01-15"), ("2026-03-01", "")]
    for worker, (start, paid) in zip(workers[2:], terms, strict=True):
        enrolment = services.enrol(
            plan, worker, org=org, starts_on=datetime.date.fromisoformat(start), by=caseworker
        )
        if paid:
            services.pay(enrolment, enrolment.contribution_fen,
                         paid_on=datetime.date.fromisoformat(paid), by=caseworker)  # fmt: skip
    one_by_one_pool = services.pool_account(plan).available_fen
    rows = [[_id(n), f"王{n}", start, paid] for n, (start, paid) in enumerate(terms)]
    result = import_enrolments(sheet_bytes(rows, HEADERS), plan, org, by=caseworker)
    assert result.committed and result.created == 2

    def shapes(worker_ids):
        enrolments = Enrolment.objects.filter(worker_id__in=worker_ids).order_by("worker_id")
        contributions = Contribution.objects.filter(enrolment__worker_id__in=worker_ids)
        return (
            list(enrolments.values_list(*SHAPE)),
            list(contributions.order_by("enrolment__worker_id").values_list(
                "payer", "amount_fen", "paid_on", "created_by_id")),
        )  # fmt: skip

    assert shapes([w.pk for w in workers[:2]]) == shapes([w.pk for w in workers[2:]])
    assert services.pool_account(plan).available_fen == 2 * one_by_one_pool
    assert first_discrepancy() is None
    imported = Enrolment.objects.filter(worker_id__in=[w.pk for w in workers[:2]])
    event = AuditEvent.objects.get(action="mutualaid.enrolments_imported")
    ids = sorted(imported.values_list("pk", flat=True))
    assert (event.changes["created"], event.changes["first_id"], event.changes["last_id"]) == (
        2,
        ids[0],
        ids[-1],
    )
    assert event.changes["paid_fen"] == one_by_one_pool
