"""An import never overwrites a record registered under another name, and every record it does
update is audited as a person's edit would be (issue 12, item 15)."""

import datetime

import pytest
from django.urls import reverse

from nuanjia.core.models import AuditEvent
from nuanjia.people import services
from nuanjia.people.models import ImportBatch, ImportReview, OccupationTag, Worker

from .import_support import row, run_csv
from .support import id_number, register

pytestmark = pytest.mark.django_db

BORN = datetime.date(1985, 6, 15)
FIRST_ID = id_number("410108", BORN, 101)
SECOND_ID = id_number("410108", BORN, 103)
EMPLOYER = "郑州惠济区百味餐饮管理有限公司"


@pytest.fixture
def tags(db):
    for name in ("快递员", "外卖配送员"):
        OccupationTag.objects.get_or_create(name=name)


def register_at_home(caseworker, name, number, **values):
    return register(
        caseworker,
        name=name,
        id_number=number,
        phone="13800000001",
        address="郑州市惠济区天河路1号",
        **values,
    )


def run(caseworker, tmp_path, rows) -> ImportBatch:
    return run_csv(caseworker, tmp_path, rows)


def test_an_id_registered_under_another_name_waits_for_review_instead_of_overwriting(
    caseworker, login, tmp_path
):
    zhang = register_at_home(caseworker, "张三", FIRST_ID)
    wang = register_at_home(caseworker, "王五", SECOND_ID)
    batch = run(
        caseworker,
        tmp_path,
        [
            row("李四", FIRST_ID, phone="13912345678", address="郑州市金水区"),
            row("赵六", SECOND_ID, phone="13700000000"),
        ],
    )
    assert (batch.status, batch.updated, batch.to_review) == ("done", 0, 2)
    zhang.refresh_from_db()
    assert (zhang.name, zhang.phone, zhang.address) == (
        "张三",
        "13800000001",
        "郑州市惠济区天河路1号",
    )
    assert not AuditEvent.objects.filter(action="worker.updated").exists()

    client = login(caseworker)
    page = client.get(reverse("people_import:reviews")).content.decode()
    assert "李四" in page and "张三" in page and "139****5678" in page
    assert "13912345678" not in page
    home = client.get(reverse("desk:home")).content.decode()
    assert reverse("people_import:reviews") in home

    first, second = ImportReview.objects.order_by("row")
    accepted = client.post(reverse("people_import:review_accept", args=[first.pk]))
    refused = client.post(reverse("people_import:review_refuse", args=[second.pk]))
    assert accepted.status_code == refused.status_code == 302
    zhang.refresh_from_db()
    wang.refresh_from_db()
    assert (zhang.name, zhang.phone, zhang.address) == ("李四", "13912345678", "郑州市金水区")
    assert (wang.name, wang.phone) == ("王五", "13800000001")
    event = AuditEvent.objects.get(action="worker.updated")
    assert event.actor_id == caseworker.pk and event.object_id == str(zhang.pk)
    assert event.changes["name"] == ["张三", "李四"]
    assert event.changes["phone"] == ["138****0001", "139****5678"]
    decided = AuditEvent.objects.filter(action__startswith="people.import_review.")
    assert sorted(decided.values_list("action", flat=True)) == [
        "people.import_review.accepted",
        "people.import_review.refused",
    ]
    assert not client.get(reverse("people_import:reviews")).context["rows"]


def test_every_updated_worker_gets_its_own_event_with_numbers_masked(caseworker, tmp_path):
    zhang = register_at_home(caseworker, "张三", FIRST_ID)
    wang = register_at_home(caseworker, "王五", SECOND_ID)
    batch = run(
        caseworker,
        tmp_path,
        [
            row(
                "张三",
                FIRST_ID,
                phone="13912345678",
                bank_name="中国工商银行",
                bank_account="6222021234567890123",
            ),
            row("王五", SECOND_ID, address="郑州市金水区"),
        ],
    )
    assert (batch.status, batch.updated, batch.to_review) == ("done", 2, 0)
    events = {e.object_id: e for e in AuditEvent.objects.filter(action="worker.updated")}
    assert set(events) == {str(zhang.pk), str(wang.pk)}
    changes = events[str(zhang.pk)].changes
    assert changes == {
        "phone": ["138****0001", "139****5678"],
        "bank_name": ["", "中国工商银行"],
        "bank_account": "***",
    }
    assert "6222021234567890123" not in str(changes) and "13912345678" not in str(changes)
    assert events[str(wang.pk)].changes == {"address": ["郑州市惠济区天河路1号", "郑州市金水区"]}
    assert events[str(zhang.pk)].actor_id == caseworker.pk


COMPARED = (
    "name", "name_pinyin", "name_initials", "phone", "address", "region_code", "employer_id",
    "union_id", "joined_union_on", "member_card_number", "bank_name", "bank_account_index",
    "bank_account_masked", "gender", "birth_date", "org_id", "merged_into_id",
)  # fmt: skip


def _written(worker: Worker) -> dict:
    worker.refresh_from_db()
    return {
        **{name: getattr(worker, name) for name in COMPARED},
        "occupations": sorted(worker.occupations.values_list("name", flat=True)),
        "keys": sorted(worker.name_keys.values_list("key", flat=True)),
    }


def test_the_fast_path_writes_what_update_worker_writes_audit_included(
    caseworker, union, tags, tmp_path
):
    """Twins in everything but the ID: one updated by the import's SQL, one by the service."""
    before = {"employer_name": "旧单位", "occupations": ["快递员"], "member_card_number": "HN1"}
    by_import = register_at_home(caseworker, "郭长顺", FIRST_ID, **before)
    by_service = register_at_home(caseworker, "郭长顺", SECOND_ID, **before)
    new = {
        "phone": "13912345678",
        "address": "郑州市金水区",
        "employer_name": EMPLOYER,
        "occupations": "外卖配送员、快递员",
        "union_code": union.code,
        "joined_union_on": "2020-03-01",
        "member_card_number": "HN000002",
        "bank_name": "中国工商银行",
        "bank_account": "6222021234567890123",
    }
    batch = run(caseworker, tmp_path, [row("郭长顺", FIRST_ID, **new)])
    assert (batch.status, batch.updated) == ("done", 1)
    services.update_worker(
        by_service,
        by=caseworker,
        name="郭长顺",
        phone=new["phone"],
        address=new["address"],
        employer_name=EMPLOYER,
        occupations=["外卖配送员", "快递员"],
        union=union,
        joined_union_on=datetime.date(2020, 3, 1),
        member_card_number=new["member_card_number"],
        bank_name=new["bank_name"],
        bank_account=new["bank_account"],
    )
    assert _written(by_import) == _written(by_service)
    imported, edited = (
        AuditEvent.objects.get(action="worker.updated", object_id=str(worker.pk))
        for worker in (by_import, by_service)
    )
    assert imported.changes == edited.changes
    assert (imported.actor_id, imported.org_id, imported.object_label) == (
        edited.actor_id,
        edited.org_id,
        edited.object_label,
    )
    assert set(imported.changes) >= {"phone", "employer", "union", "occupations", "bank_account"}
