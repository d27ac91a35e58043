"""Producers: registered with the contact's phone sealed and the account encrypted, the 脱贫县
flag from the dated list, bad input refused naming the field; the sheet import and export."""

import datetime
import io

import openpyxl
import pytest
from django.test import Client

from conftest import verified_login
from nuanjia.core.audit import AuditEvent
from nuanjia.core.errors import RuleViolation
from nuanjia.produce import services
from nuanjia.produce.imports_producers import import_producers
from nuanjia.produce.models import PovertyCounty, Producer

from .conftest import COUNTY, zhengzhou

pytestmark = pytest.mark.django_db


def test_a_producer_keeps_its_phone_sealed_and_is_audited(producer):
    stored = Producer.objects.filter(pk=producer.pk).values().get()
    assert "13812340000" not in str(stored)
    assert stored["phone_masked"] == "138****0000" and producer.phone == "13812340000"
    assert stored["account_masked"] and "6230112233445566" not in str(stored)
    event = AuditEvent.objects.get(action="produce.producer_registered")
    assert "13812340000" not in str(event.changes)


def test_the_poverty_flag_follows_the_dated_list(producer, zz_caseworker, listed_county):
    assert services.is_poverty_county(COUNTY)
    listed_county.valid_to = datetime.date(2026, 1, 1)
    listed_county.save()
    assert not services.is_poverty_county(COUNTY)
    assert services.is_poverty_county(COUNTY, datetime.date(2025, 6, 1))


def test_the_province_lists_a_county_and_a_city_cannot(make_staff, zz_caseworker):
    from nuanjia.orgs.rules import Role

    province = make_staff("410000", Role.CASEWORKER, username="sz_produce")
    row = services.list_poverty_county("411721", "西平县", datetime.date(2021, 1, 1), by=province)
    assert PovertyCounty.objects.filter(pk=row.pk).exists()
    with pytest.raises(RuleViolation):
        services.list_poverty_county(
            "411722", "上蔡县", datetime.date(2021, 1, 1), by=zz_caseworker
        )
    with pytest.raises(RuleViolation) as error:
        services.list_poverty_county("4117", "x", datetime.date(2021, 1, 1), by=province)
    assert error.value.field == "region_code"


@pytest.mark.parametrize(
    ("field", "value"),
    [("region_code", "411600"), ("kind", "bank"), ("phone", "12ab"), ("name", "坏\u202e名")],
)
def test_bad_input_names_the_field_and_changes_nothing(zz_caseworker, field, value):
    data = {"kind": "farmer", "name": "张三", "region_code": COUNTY, field: value}
    with pytest.raises(RuleViolation) as error:
        services.register_producer(zhengzhou(), by=zz_caseworker, **data)
    assert error.value.field == field
    assert not Producer.objects.exists()


def _sheet(*rows) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "帮扶对象"
    sheet.append(
        [
            "名称",
            "类型",
            "所在县代码",
            "帮扶单位",
            "联系人",
            "联系电话",
            "收款户名",
            "开户行",
            "收款账号",
        ]
    )
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    book.save(output)
    output.seek(0)
    return output


def test_the_import_registers_every_row_or_none(zz_caseworker):
    bad = _sheet(
        ["李家庄农户", "农户", COUNTY, "", "", "", "", "", ""],
        ["坏行", "银行", COUNTY, "", "", "", "", "", ""],
    )
    result = import_producers(bad, by=zz_caseworker, file_name="x.xlsx")
    assert not result.committed and not Producer.objects.exists()
    assert [(error.row, error.column) for error in result.errors] == [(3, "B")], result.errors
    good = _sheet(
        [
            "李家庄农户",
            "农户",
            COUNTY,
            "市总工会",
            "李四",
            "13812345678",
            "李四",
            "农商行",
            "6230000011112222",
        ],
        ["商水县菜农合作社", "合作社", "411623", "", "", "", "", "", ""],
    )
    result = import_producers(good, by=zz_caseworker, file_name="y.xlsx")
    assert result.committed and Producer.objects.count() == 2
    assert Producer.objects.get(name="李家庄农户").phone_masked == "138****5678"


def test_the_list_exports_to_excel_masked(producer, zz_caseworker):
    client = Client()
    verified_login(client, zz_caseworker)
    assert client.get("/produce/producers/").status_code == 200
    response = client.get("/produce/producers/export.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [str(cell.value) for row in book.active.iter_rows() for cell in row]
    assert "郸城县绿源蔬菜合作社" in cells and "13812340000" not in cells
    assert "138****0000" in cells


def test_the_edit_page_changes_a_producer_and_keeps_its_phone(producer, zz_caseworker):
    client = Client()
    verified_login(client, zz_caseworker)
    assert client.get(f"/produce/producers/{producer.pk}/edit/").status_code == 200
    response = client.post(
        f"/produce/producers/{producer.pk}/edit/",
        {"name": "郸城县绿源合作社", "kind": "cooperative", "region_code": COUNTY, "phone": ""},
    )
    assert response.status_code == 302
    producer.refresh_from_db()
    assert producer.name == "郸城县绿源合作社" and producer.phone == "13812340000"
    event = AuditEvent.objects.get(action="produce.producer_changed")
    assert event.changes["name"] == ["郸城县绿源蔬菜合作社", "郸城县绿源合作社"]
