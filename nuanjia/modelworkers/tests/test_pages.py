"""The pages: the register with its filters and a pinned number of queries, its Excel export
(the ID number masked), the honours import (all or nothing, errors by row and column), a
collective, a base, the help pages and a payment's step buttons."""

import io

import openpyxl
import pytest
from django.test import Client

from conftest import verified_login
from nuanjia.core.crypto import PURPOSE_ID_NUMBER, blind_index
from nuanjia.modelworkers import services
from nuanjia.modelworkers.imports_register import import_honours
from nuanjia.modelworkers.models import HelpPayment
from nuanjia.orgs.models import Org
from nuanjia.people.honour_models import Honour
from nuanjia.relief.tests.conftest import make_worker

from .conftest import honour

pytestmark = pytest.mark.django_db
ID_NUMBER = "11010519491231002X"


def _client(user) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def _sheet(*rows) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "劳模荣誉名册"
    sheet.append(["姓名", "身份证号", "荣誉", "级别", "年度", "授予机关", "备注"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_the_register_filters_and_pins_its_queries(caseworker, model_worker, advanced_worker,
                                                    django_assert_max_num_queries):  # fmt: skip
    for n in range(5):
        honour(make_worker("410108"), year=2010 + n)
    client = _client(caseworker)
    with django_assert_max_num_queries(12):
        page = client.get("/modelworkers/")
    assert page.status_code == 200 and "张劳模" in page.content.decode()
    national = client.get("/modelworkers/?level=city").content.decode()
    assert "王先进" in national and "张劳模" not in national
    by_year = client.get("/modelworkers/?year=2011").content.decode()
    assert "张劳模" not in by_year and "2011" in by_year
    elsewhere = client.get("/modelworkers/?city=410200").content.decode()
    assert "张劳模" not in elsewhere
    sheet = client.get("/modelworkers/export.xlsx")
    assert sheet.status_code == 200


def test_the_honours_import_is_all_or_nothing(caseworker, tree):
    worker = make_worker("410108", name="孙劳模")
    worker.id_number_index = blind_index(ID_NUMBER, purpose=PURPOSE_ID_NUMBER)
    worker.save(update_fields=["id_number_index"])
    org = Org.objects.get(code="410108")
    bad = import_honours(org, _sheet(
        ("孙劳模", ID_NUMBER, "劳动模范", "省级", "2020", "河南省人民政府", ""),
        ("钱某", "110105194912310038", "劳动模范", "省级", "2020", "河南省人民政府", ""),
    ), by=caseworker)  # fmt: skip
    assert not bad.committed and Honour.objects.count() == 0
    errors = [(e.row, e.column) for e in bad.errors]
    assert [column for _row, column in errors] == ["B"], errors
    good = import_honours(org, _sheet(
        ("孙劳模", ID_NUMBER, "劳动模范", "省级", "2020", "河南省人民政府", ""),
    ), by=caseworker)  # fmt: skip
    assert good.committed
    assert Honour.objects.get(worker=worker).kind == "model_worker"


def test_the_help_pages_and_the_step_buttons(caseworker, approver, case, help_money):
    cw, ap = _client(caseworker), _client(approver)
    assert cw.get(f"/modelworkers/help/{case.pk}/").status_code == 200
    proposed = cw.post(f"/modelworkers/help/{case.pk}/", {"on": "2026-03-05"})
    assert proposed.status_code == 302
    payment = HelpPayment.objects.get(case=case)
    assert "step-approve" not in cw.get(f"/modelworkers/payments/{payment.pk}/").content.decode()
    detail = ap.get(f"/modelworkers/payments/{payment.pk}/").content.decode()
    assert "step-approve" in detail
    ap.post(f"/modelworkers/payments/{payment.pk}/approve/", {"note": "同意"})
    payment.refresh_from_db()
    assert payment.status == "approved"
    for url in ("/modelworkers/payments/?status=approved", "/modelworkers/help/",
                "/modelworkers/help/standards/", "/modelworkers/collectives/",
                "/modelworkers/bases/", "/modelworkers/pairings/", "/modelworkers/import/",
                "/modelworkers/bases/new/", "/modelworkers/help/new/"):  # fmt: skip
        assert cw.get(url).status_code == 200, url


def test_a_collective_and_a_base_on_their_pages(caseworker, model_worker):
    client = _client(caseworker)
    answer = client.post("/modelworkers/collectives/", {"kind": "team", "name": "环卫一班"})
    assert answer.status_code == 302
    collective = services.add_collective(Org.objects.get(code="410108"), by=caseworker,
                                         name="惠济区总工会", kind="union")  # fmt: skip
    client.post(f"/modelworkers/collectives/{collective.pk}/", {
        "kind": "model_home", "level": "city", "year_awarded": "2024", "issuer": "郑州市总工会",
    })  # fmt: skip
    assert collective.honours.count() == 1
    assert client.get(f"/modelworkers/collectives/{collective.pk}/").status_code == 200
